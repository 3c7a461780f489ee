"""Migration 0009 fills the business-hours wait of leads answered before it, and keeps the
triggers of `leads` (a plain ADD COLUMN, no table copy)."""

from __future__ import annotations

from pathlib import Path

from alembic.command import upgrade
from sqlalchemy import text

from repdesk.store.engine import make_engine
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import alembic_config


def test_leads_answered_before_the_upgrade_get_their_business_wait(tmp_path: Path) -> None:
    engine = make_engine(resolve_url(str(tmp_path / "old.sqlite3")))
    config = alembic_config(engine)
    upgrade(config, "0008")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('timezone', '\"UTC\"')"))
        for lead_id, received, answered in (
            (1, "2026-11-13 19:00:00.000000", "2026-11-16 09:03:00.000000"),  # Fri eve → Mon
            (2, "2026-11-17 10:00:00.000000", "2026-11-17 10:20:00.000000"),
            (3, "2026-11-17 10:00:00.000000", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO leads (id, first_name, last_name, company, title, email, phone,"
                    " source, product, message, notes, tags, status, received_at,"
                    " first_response_at, journey_stage, email_opens, email_clicks, site_visits,"
                    " do_not_contact, extra, edited_fields, created_at, updated_at) VALUES"
                    " (:id, 'A', '', '', '', '', '', '', '', '', '', '', 'contacted', :received,"
                    " :answered, 'awareness', 0, 0, 0, 0, '{}', '[]', :received, :received)"
                ),
                {"id": lead_id, "received": received, "answered": answered},
            )
    upgrade(config, "0009")
    with engine.connect() as conn:
        waits = dict(
            conn.execute(text("SELECT id, first_response_business_seconds FROM leads")).all()
        )
        triggers = set(
            conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        )
    engine.dispose()
    assert waits == {1: 180, 2: 1200, 3: None}
    assert {"lead_status_counts_ai", "lead_status_counts_au", "lead_status_counts_ad"} <= triggers
