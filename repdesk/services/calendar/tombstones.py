"""Calendar events of steps that are gone (their lead was removed by an undo): remembered until the
next .ics export has cancelled them and CalDAV pushes can delete them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from repdesk.formats.ics import Reminder
from repdesk.store.models import CalendarTombstoneRecord


def pending_cancellations(session: Session, minutes: int) -> list[Reminder]:
    """Tombstones an exported .ics still shows as events: the next export cancels them."""
    return [
        Reminder(
            uid=t.uid,
            sequence=t.sequence,
            start=t.due_at,
            duration_minutes=minutes,
            summary=t.summary,
            description="",
            location="",
            url=None,
            cancelled=True,
            alarm_minutes=None,
            last_modified=t.created_at,
        )
        for t in session.scalars(
            select(CalendarTombstoneRecord)
            .where(
                CalendarTombstoneRecord.in_ics.is_(True),
                CalendarTombstoneRecord.ics_sent.is_(False),
            )
            .order_by(CalendarTombstoneRecord.due_at, CalendarTombstoneRecord.uid)
        )
    ]


def mark_cancellations_sent(session: Session, uids: Sequence[str]) -> None:
    for start in range(0, len(uids), 1000):
        session.execute(
            update(CalendarTombstoneRecord)
            .where(CalendarTombstoneRecord.uid.in_(uids[start : start + 1000]))
            .values(ics_sent=True)
        )


def buried_uids(session: Session, uids: Sequence[str]) -> list[str]:
    """Of these calendar UIDs, the ones of steps that are gone."""
    found: list[str] = []
    ordered = sorted(uids)
    for start in range(0, len(ordered), 1000):
        found += session.scalars(
            select(CalendarTombstoneRecord.uid).where(
                CalendarTombstoneRecord.uid.in_(ordered[start : start + 1000])
            )
        )
    return found
