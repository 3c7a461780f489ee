"""Leads per status from the trigger-kept `lead_status_counts` table (SQLite, migration 0003; the
triggers are defined here once, and migration 0009 recreates them with the rebuilt `leads`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

_ADD = (
    "INSERT INTO lead_status_counts (status, leads) VALUES (new.status, 1) "
    "ON CONFLICT (status) DO UPDATE SET leads = leads + 1;"
)
_REMOVE = "UPDATE lead_status_counts SET leads = leads - 1 WHERE status = old.status;"
INSERT_TRIGGER = "lead_status_counts_ai"
#: name -> the trigger's body after CREATE TRIGGER <name>.
TRIGGERS = {
    INSERT_TRIGGER: f"AFTER INSERT ON leads BEGIN {_ADD} END",
    "lead_status_counts_ad": f"AFTER DELETE ON leads BEGIN {_REMOVE} END",
    "lead_status_counts_au": (
        "AFTER UPDATE OF status ON leads WHEN old.status IS NOT new.status "
        f"BEGIN {_REMOVE} {_ADD} END"
    ),
}
# What the insert trigger does for one lead, for a range of them at once (a bulk import's chunk).
ADD_RANGE = (
    "INSERT INTO lead_status_counts (status, leads) "
    "SELECT status, count(*) FROM leads WHERE id BETWEEN ? AND ? GROUP BY status "
    "ON CONFLICT (status) DO UPDATE SET leads = leads + excluded.leads"
)


def create_trigger_sql(name: str) -> str:
    return f"CREATE TRIGGER {name} {TRIGGERS[name]}"


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
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (INSERT_TRIGGER,)
    ).first()
    if row is None:
        return None
    connection.exec_driver_sql(f"DROP TRIGGER {INSERT_TRIGGER}")
    return create_trigger_sql(INSERT_TRIGGER), ADD_RANGE
