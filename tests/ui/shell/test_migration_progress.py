"""A workspace file from an older repdesk: the update shows its progress in a dialog while the GUI
keeps turning, and Cancel leaves the file as it was (its revision, its rows)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from repdesk.app import open_workspace
from repdesk.migrations import HEAD_REVISION
from repdesk.ui.shell.migration_progress import MigrationCancelled, open_with_progress
from tests.store.test_lean_schema import BEFORE, make_old_workspace


def revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as con:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_the_update_reports_progress_and_opens_the_workspace(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    make_old_workspace(f"sqlite:///{path}")
    reports: list[tuple[float, str]] = []

    def opening(progress):  # type: ignore[no-untyped-def]
        def seen(share: float, what: str) -> None:
            reports.append((share, what))
            progress(share, what)

        return open_workspace(f"sqlite:///{path}", progress=seen)

    workspace = open_with_progress(opening)
    try:
        assert revision(path) == HEAD_REVISION
        assert reports and reports[-1][0] == 1.0
        assert [share for share, _ in reports] == sorted(share for share, _ in reports)
        assert {what.split()[0] for _, what in reports} == {"Copying", "Indexing"}
    finally:
        workspace.close()


def test_cancel_leaves_the_file_as_it_was(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    make_old_workspace(f"sqlite:///{path}")
    with closing(sqlite3.connect(path)) as con:
        before = con.execute("SELECT id, received_at FROM leads ORDER BY id").fetchall()

    def cancel_when_shown() -> None:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)), None
        )
        if dialog is not None and dialog.isVisible():
            [button] = dialog.findChildren(QPushButton)
            assert button.text() == "Cancel"
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    timer = QTimer(interval=20)
    timer.timeout.connect(cancel_when_shown)
    timer.start()

    def slow_open(progress):  # type: ignore[no-untyped-def]
        def slowly(share: float, what: str) -> None:
            progress(share, what)
            import time

            time.sleep(0.2)  # long enough for the dialog to show and be cancelled

        return open_workspace(f"sqlite:///{path}", progress=slowly)

    with pytest.raises(MigrationCancelled, match="as it was"):
        open_with_progress(slow_open)
    timer.stop()
    assert revision(path) == BEFORE
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT id, received_at FROM leads ORDER BY id").fetchall() == before
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
