"""The edit dialog on a lead someone else changed meanwhile: refused with who changed what, then
mine kept or theirs taken field by field; nothing vanishes."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from repdesk.app import open_workspace
from repdesk.store.models import LeadRecord
from repdesk.ui.inbox.lead_edit_dialog import LeadEditDialog

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_keep_mine_or_take_theirs_field_by_field(qtbot: QtBot, sqlite_url: str) -> None:
    mine, other = open_workspace(sqlite_url), open_workspace(sqlite_url)
    try:
        with mine.sessions.begin() as session:
            record = LeadRecord(
                first_name="Pat",
                company="Acme",
                title="Buyer",
                received_at=NOW,
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(record)
            session.flush()
            lead = int(record.id)
        dialog = LeadEditDialog(mine.leads, mine.leads.detail(lead))
        qtbot.addWidget(dialog)
        other.leads.update_lead(lead, {"company": "Acme Ltd", "title": "CTO", "phone": ""})
        dialog.edits["company"].setText("ACME Inc")
        dialog.edits["title"].setText("Head buyer")
        dialog.notes.setPlainText("call after 3")
        dialog.accept()
        assert dialog.result() == 0  # refused, still open
        assert dialog.error.text().startswith("Someone changed ")
        assert set(dialog.keep_boxes) == {"company", "title"}
        assert mine.leads.detail(lead).lead.notes == ""  # nothing was saved
        dialog.keep_boxes["company"].setChecked(True)  # keep my company, take their title
        dialog.accept()
        assert dialog.result() == 1
        after = mine.leads.detail(lead).lead
        assert (after.company, after.title, after.notes) == ("ACME Inc", "CTO", "call after 3")
    finally:
        mine.close()
        other.close()


def test_the_timeline_shows_each_field_change(qtbot: QtBot, sqlite_url: str) -> None:
    from repdesk.ui.shell.main_window import MainWindow

    ws = open_workspace(sqlite_url)
    try:
        with ws.sessions.begin() as session:
            record = LeadRecord(
                first_name="Pat", company="Acme", received_at=NOW, created_at=NOW, updated_at=NOW
            )
            session.add(record)
            session.flush()
            lead = int(record.id)
        ws.leads.update_lead(lead, {"company": "Acme Ltd", "title": ""})
        window = MainWindow(ws)
        qtbot.addWidget(window)
        detail = window.pages["inbox"].detail  # type: ignore[attr-defined]
        detail.show_lead(lead)
        texts = [detail.timeline.item(i).text() for i in range(detail.timeline.count())]
        assert any("company changed" in t and "Acme → Acme Ltd" in t for t in texts), texts
        window.close()
    finally:
        ws.close()
