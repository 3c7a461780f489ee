"""The code's own checks run with the tests: ruff (lint and format) over everything, mypy --strict
over the layers below the UI (STRICT)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Everything ruff reads; and the packages mypy checks strictly (the Makefile's lint uses both).
LINTED = ("repdesk", "tests", "resources", "setup.py")
STRICT = ("repdesk/core", "repdesk/formats", "repdesk/store", "repdesk/services")


def test_ruff_finds_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


def test_ruff_format_would_change_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


def test_the_layers_below_the_ui_are_strictly_typed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *STRICT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_no_module_is_over_the_hard_limit() -> None:
    """STYLE.md: about 400 lines soft, 800 hard; 2,000-line windows are the failure to avoid."""
    too_long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "repdesk").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert not too_long, too_long
