"""Fixtures of the window tests of saves during an import."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.common.import_lock import LockedWindow
from tests.ui.helpers import copy_demo, open_window


@pytest.fixture
def demo_window(qtbot: QtBot, demo_db: Path, tmp_path: Path) -> LockedWindow:
    """The main window on a private copy of the demo workspace (lockable by another process)."""
    path = copy_demo(demo_db, tmp_path)
    return LockedWindow(path, open_window(qtbot, path))  # type: ignore[arg-type]
