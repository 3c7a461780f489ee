"""Which rep gets a qualified lead: monthly capacity by the leads handed over this month."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from repdesk.core.domain import Verdict
from repdesk.core.routing import RepLoad, overflow_reason, pick_rep
from repdesk.store.models import QualificationRecord, RepRecord


def route(session: Session, now: datetime, zone: tzinfo) -> int | None:
    """The rep to hand the next qualified lead to, or None when every active rep is full."""
    return pick_rep(rep_loads(session, now, zone), previous_rep(session))


def rep_loads(session: Session, now: datetime, zone: tzinfo) -> list[RepLoad]:
    """Each rep's capacity and the leads handed to them this calendar month (a lead routed from
    its form and qualified again on the call counts once)."""
    local = now.astimezone(zone)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    counts = dict(
        session.execute(
            select(QualificationRecord.rep_id, func.count(distinct(QualificationRecord.lead_id)))
            .where(
                QualificationRecord.is_draft.is_(False),
                QualificationRecord.verdict == Verdict.QUALIFIED.value,
                QualificationRecord.rep_id.is_not(None),
                QualificationRecord.completed_at >= month_start,
            )
            .group_by(QualificationRecord.rep_id)
        ).all()
    )
    reps = session.scalars(select(RepRecord).order_by(RepRecord.id))
    return [
        RepLoad(
            r.id,
            r.monthly_capacity,
            int(counts.get(r.id, 0)),
            bool(r.active),
            bool(r.away),
            r.name,
        )
        for r in reps
    ]


def overflow_note(session: Session, now: datetime, zone: tzinfo) -> str:
    """Why a qualified lead waits unassigned (the overflow queue): each rep full or away."""
    return f"every rep is full or away ({overflow_reason(rep_loads(session, now, zone))})"


def previous_rep(session: Session) -> int | None:
    """The rep the last hand-over went to (equal reps take turns after it)."""
    return session.scalar(
        select(QualificationRecord.rep_id)
        .where(QualificationRecord.is_draft.is_(False), QualificationRecord.rep_id.is_not(None))
        .order_by(QualificationRecord.completed_at.desc(), QualificationRecord.id.desc())
        .limit(1)
    )
