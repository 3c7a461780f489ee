"""The two commands do the set-up: one list of system packages (packaging/debian-packages.txt)
checked by `make run` / `make test` and installed by .ci/run, the one command printed when they
cannot install, and one sentence when there is no display."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-packages"

needs_dpkg = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian system")


def run_check(tmp_path: Path, listing: str, *args: str) -> subprocess.CompletedProcess[str]:
    packages = tmp_path / "packages.txt"
    packages.write_text(listing, encoding="utf-8")
    return subprocess.run(
        [str(SCRIPT), "--check", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "REPDESK_PACKAGES_LIST": str(packages)},
    )


@needs_dpkg
def test_missing_packages_get_the_one_command_to_install_them(tmp_path: Path) -> None:
    listing = "run: bash repdesk-no-such-package\ntest: repdesk-other-missing\nci: also-missing\n"
    done = run_check(tmp_path, listing, "--required", "run", "test")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "Install them with:  sudo apt-get install -y --no-install-recommends "
        "repdesk-no-such-package repdesk-other-missing"
    )
    assert "bash" not in done.stderr.split(":", 1)[1].split("\n")[0]  # installed: not asked for
    assert run_check(tmp_path, listing, "test").returncode == 0  # not required: the caller goes on


@needs_dpkg
def test_everything_present_says_nothing(tmp_path: Path) -> None:
    done = run_check(
        tmp_path, "# comment\nrun: bash coreutils  # present\nrun: sh:not-a-package\n", "run"
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_make_and_ci_read_the_one_list() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/system-packages --required run" in makefile
    assert "scripts/system-packages run test" in makefile
    assert "scripts/system-packages --required run test ci" in ci
    assert "apt-get install" not in ci  # no second list to drift apart
    sets = {
        line.split(":", 1)[0]
        for line in (ROOT / "packaging" / "debian-packages.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert sets == {"run", "test", "ci"}
    assert "-q " not in makefile.split("$(STAMP): pyproject.toml", 1)[1].split("run:", 1)[0]


def test_without_a_display_the_app_says_so_in_one_sentence(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["XDG_DATA_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "repdesk", "--db", str(tmp_path / "x.sqlite3")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for Linux desktops")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "xcb" not in lines[0]
    assert not (tmp_path / "x.sqlite3").exists()  # nothing was opened or created
