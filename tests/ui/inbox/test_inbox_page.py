"""The inbox as a rep uses it: urgency order, search as you type, the detail of the selected lead,
click-to-call that logs the first response, and a windowed model that passes Qt's model checks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot

from repdesk.launch import open_for_cli
from repdesk.ui import build_main_window
from repdesk.ui.common.wrap_text import WrapText
from tests.ui.helpers import UrlRecorder, key, modal, url_handler

__all__ = ["UrlRecorder"]  # other tests take it from here


def demo_window(qtbot: QtBot, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "demo.sqlite3")
    open_for_cli(db, demo=True).close()
    window = build_main_window(db)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    return window


def test_the_table_model_passes_qt_model_checks(
    qtbot: QtBot, qtmodeltester, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = demo_window(qtbot, tmp_path)
    qtmodeltester.check(window.findChild(QTableView, "leadTable").model())


def test_waiting_leads_come_first_longest_wait_first(qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_window(qtbot, tmp_path)
    model = window.findChild(QTableView, "leadTable").model()
    waiting = []
    for row in range(model.rowCount()):
        lead = model.lead_at(row)
        if not (lead.status == "new" and lead.first_response_at is None):
            break
        waiting.append(lead.received_at)
    assert len(waiting) >= 20
    assert waiting == sorted(waiting)
    rest = [model.lead_at(r) for r in range(len(waiting), model.rowCount())]
    assert not any(lead.status == "new" and lead.first_response_at is None for lead in rest)


def test_typing_in_the_search_filters_the_table(qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_window(qtbot, tmp_path)
    table = window.findChild(QTableView, "leadTable")
    everyone = table.model().rowCount()
    target = table.model().lead_at(5)
    search = window.findChild(QLineEdit, "inboxSearch")
    qtbot.keyClicks(search, target.last_name[:5])
    qtbot.waitUntil(lambda: table.model().rowCount() < everyone, timeout=5000)
    shown = [table.model().lead_at(r) for r in range(table.model().rowCount())]
    assert target.id in {lead.id for lead in shown}
    assert all(
        target.last_name[:5].lower()
        in f"{s.first_name} {s.last_name} {s.company} {s.email} {s.notes}".lower()
        for s in shown
    )
    search.clear()
    qtbot.waitUntil(lambda: table.model().rowCount() == everyone, timeout=5000)


def test_selecting_a_row_shows_the_lead_in_the_detail(qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_window(qtbot, tmp_path)
    table = window.findChild(QTableView, "leadTable")
    lead = table.model().lead_at(3)
    rect = table.visualRect(table.model().index(3, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = window.findChild(QWidget, "leadDetail")
    texts = {label.text() for label in detail.findChildren(QLabel)}
    texts |= {text.text() for text in detail.findChildren(WrapText)}  # long lines break anywhere
    assert lead.display_name in texts and lead.email in texts


def test_click_to_call_opens_tel_and_the_outcome_sets_the_first_response(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_window(qtbot, tmp_path)
    with url_handler("tel") as recorder:
        table = window.findChild(QTableView, "leadTable")
        lead = table.model().lead_at(0)
        assert lead.first_response_at is None
        table.selectRow(0)
        detail = window.findChild(QWidget, "leadDetail")
        call = next(b for b in detail.findChildren(QPushButton) if b.text() == "Call")
        qtbot.mouseClick(call, Qt.MouseButton.LeftButton)
        assert recorder.urls == [f"tel:{lead.phone}"]
        dialog = modal(qtbot, "callOutcomeDialog")
        assert window.workspace.leads.detail(lead.id).lead.first_response_at is None
        key(dialog, Qt.Key.Key_2)  # "Did you reach them?" voicemail
        after = window.workspace.leads.detail(lead.id)
        assert (
            after.lead.first_response_at is not None
            and after.lead.first_response_at > lead.received_at
        )
        assert after.activities[0].kind == "call" and after.activities[0].outcome == "voicemail"
        # No longer waiting: it left the top of the inbox.
        qtbot.waitUntil(lambda: table.model().lead_at(0).id != lead.id, timeout=5000)


def test_a_lead_no_rep_could_take_says_so_in_the_detail(qtbot: QtBot, tmp_path: Path) -> None:
    from sqlalchemy import update

    from repdesk.store.models import LeadRecord

    db = str(tmp_path / "cap.sqlite3")
    workspace = open_for_cli(db, demo=True)
    lead = workspace.leads.list_leads()[0]
    with workspace.sessions.begin() as session:
        session.execute(
            update(LeadRecord)
            .where(LeadRecord.id == lead.id)
            .values(owner_id=None, tags="over_capacity")
        )
    workspace.close()
    window = build_main_window(db)
    qtbot.addWidget(window)
    window.show()
    window.pages["inbox"].detail.show_lead(lead.id)
    texts = {label.text() for label in window.findChild(QWidget, "leadDetail").findChildren(QLabel)}
    assert "Unassigned — every rep is at capacity" in texts
