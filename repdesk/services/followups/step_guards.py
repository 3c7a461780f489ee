"""A step changes only while it is still pending: the locked read, the conditional UPDATE, and the
sentence saying who got there first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from repdesk.core.domain import FollowUpStatus
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.store.guarded import change_if
from repdesk.store.models import FollowUpRecord, LeadRecord, RepRecord


def claim(
    session: Session,
    record: FollowUpRecord,
    expected: dict[str, Any] | None = None,
    **values: Any,
) -> None:
    """Change a step only while it is still pending (and holds `expected`): a conditional
    UPDATE, so of two programs completing or moving one step at once, the second is told,
    never applied on top."""
    pending = FollowUpStatus.PENDING.value
    expected = {"status": pending, **(expected or {})}
    if not change_if(session, FollowUpRecord, record.id, expected, values):
        session.refresh(record)
        raise UserError(f"Follow-up {record.id} is already {record.status}.")


def pending_with_lead(session: Session, followup_id: int) -> tuple[FollowUpRecord, LeadRecord]:
    """pending(), and its lead read in the same query (the step alone is locked)."""
    row = session.execute(
        select(FollowUpRecord, LeadRecord)
        .join(LeadRecord, LeadRecord.id == FollowUpRecord.lead_id)
        .where(FollowUpRecord.id == followup_id)
        .with_for_update(of=FollowUpRecord)
    ).first()
    if row is None:
        raise NotFoundError(f"There is no follow-up with id {followup_id}.")
    return still_pending(session, row[0]), row[1]


def pending(session: Session, followup_id: int) -> FollowUpRecord:
    """The pending step, locked until the transaction ends: of two people completing or moving
    it at once, the second waits, then reads what the first did (read, then write, in one
    transaction; SQLite's single writer does the same)."""
    record = session.get(FollowUpRecord, followup_id, with_for_update=True)
    if record is None:
        raise NotFoundError(f"There is no follow-up with id {followup_id}.")
    return still_pending(session, record)


def still_pending(session: Session, record: FollowUpRecord) -> FollowUpRecord:
    """The step, or UserError saying who completed (or cancelled) it when."""
    if record.status != FollowUpStatus.PENDING.value:
        who = who_changed(session, record.updated_by)
        at = record.done_at or record.cancelled_at
        when = f" at {at.astimezone():%H:%M on %a %d %b}" if at else ""
        verb = "completed" if record.status == FollowUpStatus.DONE.value else record.status
        raise UserError(
            f"{who} already {verb} this step{when}; nothing was logged twice."
            if who
            else f"This step was already {verb}{when}; nothing was logged twice."
        )
    return record


def earliest_pending(lead_id: int) -> Any:
    """The due time of a lead's earliest pending step, as a subquery (its next_follow_up_at)."""
    return (
        select(func.min(FollowUpRecord.due_at))
        .where(
            FollowUpRecord.lead_id == lead_id,
            FollowUpRecord.status == FollowUpStatus.PENDING.value,
        )
        .scalar_subquery()
    )


def who_changed(session: Session, rep_id: int | None) -> str:
    """The name of the rep who last changed a step ("" when not known: a solo file)."""
    if rep_id is None:
        return ""
    return session.scalar(select(RepRecord.name).where(RepRecord.id == rep_id)) or ""
