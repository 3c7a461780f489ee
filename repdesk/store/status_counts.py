"""Leads per status from the trigger-kept `lead_status_counts` table (SQLite, migration 0003)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session


def has_status_counts(session: Session) -> bool:
    """Whether this database keeps the counts: SQLite does; PostgreSQL counts (see migration 0003)."""
    return session.get_bind().dialect.name == "sqlite"


def status_counts(session: Session) -> dict[str, int]:
    """Leads per status, exact inside the session's transaction (the triggers ran in it too)."""
    rows = session.execute(text("SELECT status, leads FROM lead_status_counts"))
    return {str(status): int(leads) for status, leads in rows if leads}


def leads_with_status(session: Session, statuses: Iterable[str]) -> int:
    """How many leads hold one of `statuses`; a handful of rows read instead of an index walked."""
    counts = status_counts(session)
    return sum(counts.get(status, 0) for status in statuses)
