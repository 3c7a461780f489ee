"""Test-wide set-up: headless Qt before any Qt import, and integration tests required in CI."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
# Window geometry (QSettings) and the default data folder must not touch the developer's home.
_HOME = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"repdesk-test-home-{os.getpid()}")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")

import pytest  # noqa: E402

pytest_plugins = ["tests.fixtures"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """In CI (CI=true or REPDESK_REQUIRE_INTEGRATION=1) a skipped integration test is a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("integration") and integration_required():
        report.outcome = "failed"
        report.longrepr = f"integration test skipped in CI, which must run it: {report.longrepr}"


def integration_required() -> bool:
    return (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get("REPDESK_REQUIRE_INTEGRATION") == "1"
    )
