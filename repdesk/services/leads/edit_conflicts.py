"""Edits made from a stale view: which fields someone else changed meanwhile, who and when (from
the lead's history), so the edit is refused instead of silently overwriting theirs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from repdesk.core.counting import counted
from repdesk.services.common.errors import UserError
from repdesk.store.models import LeadHistoryRecord, LeadRecord, RepRecord


@dataclass(frozen=True)
class FieldConflict:
    field: str
    mine: str
    theirs: str
    who: str  # the rep's name, the login, or "someone" (a solo file's other window)
    when: datetime | None


class StaleEditError(UserError):
    """The lead changed under the edit; nothing was saved. `conflicts`: the fields both sides
    changed, differently; `version`: the lead's version they were read at (a "keep mine" decided on
    them holds for that version only)."""

    def __init__(self, conflicts: list[FieldConflict], version: int | None = None) -> None:
        first = conflicts[0]
        more = len(conflicts) - 1
        others = f" (and {counted(more, 'more field')})" if more else ""
        when = f" at {first.when.astimezone():%H:%M}" if first.when else ""
        super().__init__(
            f"{first.who} changed {first.field.replace('_', ' ')} to {first.theirs!r}{when}"
            f"{others} while you were editing; nothing was saved."
        )
        self.conflicts = conflicts
        self.version = version


def changed_fields(
    session: Session, lead: LeadRecord, values: Mapping[str, str], seen: Mapping[str, str]
) -> tuple[dict[str, str], list[FieldConflict]]:
    """The fields the user changed (value differs from what they saw), and among them those that
    someone else changed to something else meanwhile."""
    mine = {k: v for k, v in values.items() if v != seen.get(k, v)} if seen else dict(values)
    conflicts = []
    for key, value in mine.items():
        theirs = str(getattr(lead, key) or "")
        if key in seen and theirs != seen[key] and theirs != value:
            who, when = last_change(session, lead.id, key)
            conflicts.append(FieldConflict(key, value, theirs, who, when))
    return mine, conflicts


def last_change(session: Session, lead_id: int, field: str) -> tuple[str, datetime | None]:
    row = session.execute(
        select(LeadHistoryRecord.login, RepRecord.name, LeadHistoryRecord.changed_at)
        .outerjoin(RepRecord, RepRecord.id == LeadHistoryRecord.rep_id)
        .where(LeadHistoryRecord.lead_id == lead_id, LeadHistoryRecord.field == field)
        .order_by(LeadHistoryRecord.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return "Someone", None
    return (row.name or row.login or "Someone"), row.changed_at
