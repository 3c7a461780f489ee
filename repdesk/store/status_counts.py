"""Leads per status from the trigger-kept `lead_status_counts` table (SQLite, migration 0003)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

_INSERT_TRIGGER = "lead_status_counts_ai"
# What the insert trigger does for one lead, for a range of them at once (a bulk import's chunk).
_ADD_RANGE = (
    "INSERT INTO lead_status_counts (status, leads) "
    "SELECT status, count(*) FROM leads WHERE id BETWEEN ? AND ? GROUP BY status "
    "ON CONFLICT (status) DO UPDATE SET leads = leads + excluded.leads"
)


def has_status_counts(session: Session) -> bool:
    """Whether this database keeps the counts: SQLite does; PostgreSQL counts (see migration
    0003)."""
    return session.get_bind().dialect.name == "sqlite"


def status_counts(session: Session) -> dict[str, int]:
    """Leads per status, exact inside the session's transaction (the triggers ran in it too)."""
    rows = session.execute(text("SELECT status, leads FROM lead_status_counts"))
    return {str(status): int(leads) for status, leads in rows if leads}


def leads_with_status(session: Session, statuses: Iterable[str]) -> int:
    """How many leads hold one of `statuses`; a handful of rows read instead of an index walked."""
    counts = status_counts(session)
    return sum(counts.get(status, 0) for status in statuses)


def pause_count_insert_trigger(connection: Connection) -> tuple[str, str] | None:
    """Drop the per-lead count trigger inside the open transaction (SQLite): returns its CREATE
    statement, to run again before the commit, and the statement that counts an id range of
    leads inserted meanwhile; None when this database has no such trigger."""
    row = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_INSERT_TRIGGER,)
    ).first()
    if row is None:
        return None
    connection.exec_driver_sql(f"DROP TRIGGER {_INSERT_TRIGGER}")
    return str(row[0]), _ADD_RANGE
