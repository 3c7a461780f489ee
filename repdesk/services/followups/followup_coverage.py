"""Coverage: how many open leads have a next step, and how many of those are overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from repdesk.core.domain import OPEN_STATUSES
from repdesk.store.models import DO_NOT_CONTACT, LeadRecord
from repdesk.store.status_counts import has_status_counts, leads_with_status


@dataclass(frozen=True)
class Coverage:
    open_leads: int
    with_next_step: int
    overdue: int

    @property
    def share(self) -> float:
        return 1.0 if self.open_leads == 0 else self.with_next_step / self.open_leads


def coverage(session: Session, now: datetime, whose: ColumnElement[bool] | None) -> Coverage:
    """Open leads (not do-not-contact), how many have a next step and how many are overdue;
    `whose`: the owner scope's condition on the leads (None: every lead).

    A lead's next step is its next_follow_up_at, which every change writes in the same
    transaction as the one pending step (the invariant, tests/services/followups): counted
    from the leads' indexes, never by joining every pending step to its lead. Do-not-contact
    leads are few, and counted apart (a partial index) to be taken out.
    """
    open_ = LeadRecord.status.in_(OPEN_STATUSES)
    # With a next step: the status is compared as an expression (status || ''), so the counts
    # read the next-step index (due time, status: a covering count of the steps' range)
    # instead of every open lead found by status and looked up in the table (seconds on a
    # million leads).
    open_by_step = (LeadRecord.status + "").in_(OPEN_STATUSES)
    mine = [] if whose is None else [whose]
    stepped = LeadRecord.next_follow_up_at.is_not(None)
    overdue = LeadRecord.next_follow_up_at < now

    def count(*where: ColumnElement[bool]) -> int:
        stmt = select(func.count()).select_from(LeadRecord).where(*where, *mine)
        return int(session.scalar(stmt) or 0)

    if not mine and has_status_counts(session):
        total = leads_with_status(session, OPEN_STATUSES)
    else:
        total = count(open_)
    skip = DO_NOT_CONTACT
    return Coverage(
        total - count(skip, open_),
        count(stepped, open_by_step) - count(skip, stepped, open_),
        count(overdue, open_by_step) - count(skip, overdue, open_),
    )
