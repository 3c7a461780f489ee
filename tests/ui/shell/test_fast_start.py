"""The app's start: the inbox is painted from the file before SQLAlchemy loads, then the rest
follows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from repdesk.app import open_workspace_lazily
from repdesk.store.errors import StoreError
from repdesk.store.locations import resolve_url
from repdesk.ui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[3]

# What run_application does, observed from inside: which modules exist at the inbox's first paint.
PROBE = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from repdesk.launch import open_for_gui
from repdesk.store.locations import resolve_url
from repdesk.ui.shell.first_paint import after_first_paint
from repdesk.ui.shell.main_window import MainWindow
window = MainWindow(open_for_gui(resolve_url(sys.argv[1])), defer_pages=True)
inbox = window.pages["inbox"]
seen = {}
def painted():
    seen["sqlalchemy_at_paint"] = "sqlalchemy" in sys.modules
    seen["rows_at_paint"] = inbox.model.rowCount()
    seen["loaded_at_paint"] = window.workspace.loaded
    seen["detail_page_at_paint"] = inbox.detail.currentIndex()
def check():
    if window.workspace.loaded and len(window.pages) == window.navigation.count():
        seen["detail_lead"] = inbox.detail.lead_id
        seen["first_row_lead"] = inbox.model.lead_at(0).id
        seen["status_choices"] = inbox.filters["source"].count()
        print(json.dumps(seen)); window.wait_for_workspace(); app.quit()
    else:
        QTimer.singleShot(20, check)
after_first_paint(inbox.table.viewport(), painted)
window.show()
QTimer.singleShot(20, check)
QTimer.singleShot(20000, app.quit)
app.exec()
"""


def test_the_inbox_is_painted_before_sqlalchemy_loads(demo_db: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(demo_db)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["sqlalchemy_at_paint"] is False and seen["loaded_at_paint"] is False
    assert seen["rows_at_paint"] > 0
    assert (
        seen["detail_page_at_paint"] == 2
    )  # a blank pane, not "No lead selected", until the detail can load
    # Once loaded: the first lead's detail is shown and the filter lists are filled.
    assert seen["detail_lead"] == seen["first_row_lead"]
    assert seen["status_choices"] > 1


def test_the_command_line_imports_no_database_code_before_the_window_opens() -> None:
    """`repdesk` starts through repdesk.cli, which imports every command's module: none of them
    may import SQLAlchemy or Alembic at the top (a service's module does), or the first paint
    waits for them."""
    probe = "import sys, repdesk.cli\n"
    probe += "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic'}))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_a_failed_load_after_the_first_paint_says_so_and_closes(
    qtbot: QtBot, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_workspace_lazily(resolve_url(str(demo_db)))
    messages: list[str] = []
    monkeypatch.setattr(
        "PySide6.QtWidgets.QMessageBox.critical",
        lambda _parent, _title, text: messages.append(text),
    )

    def refuse() -> None:
        raise StoreError("The database is locked by another program; close it and try again.")

    monkeypatch.setattr(workspace, "load", refuse)
    window = MainWindow(workspace, defer_pages=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert messages == ["The database is locked by another program; close it and try again."]
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
    workspace.close()
