"""Migration 0011 fills the business-hours wait of leads answered before it (times are integer
UTC microseconds since 0009), on SQLite and PostgreSQL, and keeps the triggers of `leads` on
SQLite (a plain ADD COLUMN, no table copy)."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.command import downgrade, upgrade
from sqlalchemy import inspect, text

from repdesk.store.engine import make_engine
from repdesk.store.migrate import alembic_config
from repdesk.store.times import to_micros


def micros(text_: str | None) -> int | None:
    return None if text_ is None else to_micros(datetime.fromisoformat(text_).replace(tzinfo=UTC))


LEADS = (
    (1, "2026-11-13 19:00", "2026-11-16 09:03"),  # Friday evening → Monday 09:03: 3 minutes
    (2, "2026-11-17 10:00", "2026-11-17 10:20"),  # Tuesday, in hours: 20 minutes
    (3, "2026-11-17 10:00", None),  # never answered: no wait
    (4, "2026-11-17 16:50", "2026-11-18 09:10"),  # 10 minutes before closing, 10 after opening
)


def test_leads_answered_before_the_upgrade_get_their_business_wait(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    config = alembic_config(engine)
    upgrade(config, "0010")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('timezone', '\"UTC\"')"))
        for lead_id, received, answered in LEADS:
            conn.execute(
                text(
                    "INSERT INTO leads (id, first_name, last_name, company, title, email, phone,"
                    " source, product, message, notes, tags, status, received_at,"
                    " first_response_at, journey_stage, email_opens, email_clicks, site_visits,"
                    " do_not_contact, extra, edited_fields, created_at, updated_at) VALUES"
                    " (:id, 'A', '', '', '', '', '', '', '', '', '', '', 'contacted', :received,"
                    " :answered, 'awareness', 0, 0, 0, false, '{}', '[]', :received, :received)"
                ),
                {"id": lead_id, "received": micros(received), "answered": micros(answered)},
            )
    upgrade(config, "0011")
    with engine.connect() as conn:
        waits = dict(
            conn.execute(text("SELECT id, first_response_business_seconds FROM leads")).all()
        )
        times = conn.execute(text("SELECT received_at FROM leads WHERE id = 1")).scalar()
        triggers = (
            set(
                conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).scalars()
            )
            if conn.dialect.name == "sqlite"
            else None
        )
    assert waits == {1: 180, 2: 1200, 3: None, 4: 1200}
    assert times == micros("2026-11-13 19:00")  # the times stay integers
    if triggers is not None:
        assert {"lead_status_counts_ai", "lead_status_counts_au", "lead_status_counts_ad"} <= (
            triggers
        )
    downgrade(config, "0010")
    columns = {c["name"] for c in inspect(engine).get_columns("leads")}
    engine.dispose()
    assert "first_response_business_seconds" not in columns
