"""Do not contact in the window: one action (with its shortcut) in the lead's detail marks and
clears it, the detail and the inbox row show it, and Call, Email and the call script refuse it in
one sentence without opening the phone or mail program."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot

from repdesk.launch import open_for_cli
from repdesk.ui import build_main_window
from repdesk.ui.common.actions import SPECS, ActionId
from tests.ui.inbox.test_inbox_page import UrlRecorder

CSV = "First Name,Last Name,Email,Phone\nAna,Ruiz,ana@ruiz.example,555-010-1001\n"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path):  # type: ignore[no-untyped-def]
    csv = tmp_path / "leads.csv"
    csv.write_text(CSV, encoding="utf-8")
    db = str(tmp_path / "w.sqlite3")
    ws = open_for_cli(db)
    ws.imports.import_files([csv])
    ws.close()
    window = build_main_window(db)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    table = window.findChild(QTableView, "leadTable")
    qtbot.waitUntil(lambda: window.pages["inbox"].detail.lead_id is not None, timeout=5000)
    assert table.model().lead_at(0).first_name == "Ana"
    return window


def banner(window) -> QLabel:  # type: ignore[no-untyped-def]
    return window.findChild(QWidget, "leadDetail").findChild(QLabel, "dncBanner")


def test_the_action_marks_shows_refuses_and_clears(
    qtbot: QtBot, window, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: said.append(text))
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("tel", recorder, "open")
    QDesktopServices.setUrlHandler("mailto", recorder, "open")
    try:
        action = window.actions_[ActionId.DO_NOT_CONTACT]
        assert SPECS[ActionId.DO_NOT_CONTACT].shortcut == "Ctrl+Shift+D"
        assert action.shortcut() == QKeySequence("Ctrl+Shift+D") and action.isCheckable()
        assert not banner(window).isVisible()
        detail = window.findChild(QWidget, "leadDetail")
        button = detail.findChild(QPushButton, "leadDoNotContact")
        assert button is not None and button.isVisible()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        # The detail says it loud, the row too, and the status bar says what happened.
        qtbot.waitUntil(lambda: banner(window).isVisible())
        assert "Do not contact" in banner(window).text()
        assert action.isChecked()
        lead_id = window.pages["inbox"].detail.lead_id
        assert window.workspace.leads.detail(lead_id).lead.do_not_contact
        assert "do not contact" in window.statusBar().currentMessage()
        table = window.findChild(QTableView, "leadTable")
        row = next(
            r for r in range(table.model().rowCount()) if table.model().lead_at(r).id == lead_id
        )
        assert table.model().index(row, 1).data() == "⊘ Ana Ruiz"
        assert table.model().index(row, 4).data() == "do not contact"  # its next-step column
        assert window.workspace.leads.steps(lead_id)[-1].status == "cancelled"
        # Call and Email refuse in one sentence and open nothing.
        for action_id in (ActionId.CALL_LEAD, ActionId.EMAIL_LEAD, ActionId.START_SCRIPT):
            window.actions_[action_id].trigger()
        assert recorder.urls == []
        assert len(said) == 3 and all("do not contact" in s for s in said)
        assert all(s.count(". ") == 0 for s in said)
        script = window.pages["inbox"].script
        assert script is None or not script.isVisible()
        assert [a.kind for a in window.workspace.leads.detail(lead_id).activities].count(
            "call"
        ) == 0
        # The shortcut clears it again (the quick action is undone the same way).
        action.trigger()
        qtbot.waitUntil(lambda: not banner(window).isVisible())
        assert not window.workspace.leads.detail(lead_id).lead.do_not_contact
        assert window.workspace.leads.steps(lead_id)[-1].status == "pending"
        assert "may be contacted" in window.statusBar().currentMessage()
    finally:
        QDesktopServices.unsetUrlHandler("tel")
        QDesktopServices.unsetUrlHandler("mailto")
