"""The timeline shows each change once: an edit saved in the app is one entry (its activity and
the history rows it wrote), a change made elsewhere (another program, SQL) is its history row."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot
from sqlalchemy import update

from repdesk.app import open_workspace
from repdesk.store.models import LeadRecord

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_an_edit_shows_once_and_a_change_made_elsewhere_shows_too(
    qtbot: QtBot, sqlite_url: str
) -> None:
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
        ws.leads.update_lead(lead, {"company": "Acme Ltd", "title": "CTO"})
        with ws.sessions.begin() as session:  # not through the app: no edit activity
            session.execute(update(LeadRecord).where(LeadRecord.id == lead).values(notes="VIP"))
        window = MainWindow(ws)
        qtbot.addWidget(window)
        detail = window.pages["inbox"].detail  # type: ignore[attr-defined]
        detail.show_lead(lead)
        texts = [detail.timeline.item(i).text() for i in range(detail.timeline.count())]
        about_the_edit = [t for t in texts if "Acme Ltd" in t or "CTO" in t]
        assert len(about_the_edit) == 1, texts  # once, not as an edit and again as history
        (edit,) = about_the_edit
        assert "edit" in edit
        assert "company changed: Acme → Acme Ltd" in edit and "title changed: (empty) → CTO" in edit
        assert [t for t in texts if "notes changed" in t and "VIP" in t], texts
        window.close()
    finally:
        ws.close()
