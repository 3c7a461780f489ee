"""Reps and their monthly capacity and working hours: list, add, edit and remove with validation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core import contact
from repdesk.core.domain import CLOSED_STATUSES
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.store.models import LeadRecord, RepRecord

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_CAPACITY = 10_000


@dataclass(frozen=True)
class RepRow:
    """One rep as the Settings table shows it."""

    id: int | None
    name: str
    email: str
    monthly_capacity: int
    work_start: str
    work_end: str
    active: bool
    open_leads: int = 0
    away: bool = False


def validate(row: RepRow) -> RepRow:
    """The row cleaned up, or a UserError naming the first problem."""
    name = " ".join(row.name.split())
    if not name:
        raise UserError("A rep needs a name.")
    if len(name) > 200:
        raise UserError("A rep's name can have at most 200 characters.")
    email = row.email.strip()
    if email:
        normal = contact.normalize_email(email)
        if normal is None:
            raise UserError(f"{email!r} is not a valid email address.")
        email = normal
    if isinstance(row.monthly_capacity, bool) or not isinstance(row.monthly_capacity, int):
        raise UserError("Monthly capacity must be a whole number.")
    if not 0 <= row.monthly_capacity <= MAX_CAPACITY:
        raise UserError(f"Monthly capacity must be between 0 and {MAX_CAPACITY:,}.")
    start, end = row.work_start.strip(), row.work_end.strip()
    for label, value in (("start", start), ("end", end)):
        if not _HHMM.match(value):
            raise UserError(f"Working hours {label} {value!r} must be a time like 09:00.")
    if end <= start:
        raise UserError(f"Working hours must end after they start ({start}–{end}).")
    return RepRow(
        row.id, name, email, row.monthly_capacity, start, end, bool(row.active), row.open_leads
    )


class RepService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list(self) -> list[RepRow]:
        open_leads = (
            select(LeadRecord.owner_id, func.count(LeadRecord.id).label("n"))
            .where(LeadRecord.status.not_in(CLOSED_STATUSES))
            .group_by(LeadRecord.owner_id)
            .subquery()
        )
        stmt = (
            select(RepRecord, open_leads.c.n)
            .outerjoin(open_leads, open_leads.c.owner_id == RepRecord.id)
            .order_by(func.lower(RepRecord.name))
        )
        with self._sessions() as session:
            return [
                RepRow(
                    r.id,
                    r.name,
                    r.email or "",
                    r.monthly_capacity,
                    r.work_start,
                    r.work_end,
                    r.active,
                    int(n or 0),
                    bool(r.away),
                )
                for r, n in session.execute(stmt)
            ]

    def add(self, row: RepRow) -> int:
        clean = validate(row)
        with self._sessions.begin() as session:
            self._check_unique(session, clean.name, None)
            record = RepRecord(**_values(clean))
            session.add(record)
            session.flush()
            return int(record.id)

    def update(self, row: RepRow) -> Changes:
        if row.id is None:
            raise UserError("Save the new rep before editing it.")
        clean = validate(row)
        with self._sessions.begin() as session:
            record = self._get(session, row.id)
            self._check_unique(session, clean.name, row.id)
            for key, value in _values(clean).items():
                setattr(record, key, value)
        return Changes(reps=True)

    def remove(self, rep_id: int) -> Changes:
        """Delete a rep; their leads become unassigned (the lead history keeps no dangling
        owner)."""
        with self._sessions.begin() as session:
            record = self._get(session, rep_id)
            session.delete(record)
        return Changes(reps=True, leads=True)

    def _get(self, session: Session, rep_id: int) -> RepRecord:
        record = session.get(RepRecord, rep_id)
        if record is None:
            raise NotFoundError(f"There is no rep with id {rep_id}.")
        return record

    def _check_unique(self, session: Session, name: str, rep_id: int | None) -> None:
        stmt = select(RepRecord.id).where(func.lower(RepRecord.name) == name.lower())
        if rep_id is not None:
            stmt = stmt.where(RepRecord.id != rep_id)
        if session.scalar(stmt) is not None:
            raise UserError(f"There is already a rep named {name!r}.")


def _values(row: RepRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "email": row.email or None,
        "monthly_capacity": row.monthly_capacity,
        "work_start": row.work_start,
        "work_end": row.work_end,
        "active": row.active,
    }
