"""Re-qualification of expired verdicts: each open lead whose qualification expired gets one
re-qualify step (once per expiry), planned by the service layer, not by a page of the GUI."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.business_hours import next_business_time
from repdesk.services.followups.followup_planner import FollowUpPlanner
from repdesk.store.models import FollowUpRecord, LeadRecord

REQUALIFY_NOTE = "Re-qualify: the last qualification expired"


def expired_verdicts(now: datetime) -> ColumnElement[bool]:
    """Open, contactable leads whose verdict expired by `now` and who were not asked since."""
    asked = exists().where(
        FollowUpRecord.lead_id == LeadRecord.id,
        FollowUpRecord.note == REQUALIFY_NOTE,
        FollowUpRecord.due_at >= LeadRecord.qualification_expires_at,
    )
    # qualification_expires_at <= now reads ix_leads_qualification_expires (0005): only leads
    # ever qualified, from the oldest expiry up to now.
    return (
        (LeadRecord.qualification_expires_at <= now)
        & LeadRecord.status.not_in(("won", "lost"))
        & LeadRecord.do_not_contact.is_(False)
        & ~asked
    )


def plan_requalifications(
    sessions: sessionmaker[Session], planner: FollowUpPlanner, now: datetime
) -> int:
    """Plan the re-qualify steps due by `now`; the number of leads that got one.

    A look without a write transaction first: mostly there is nothing to do, and a reader (the
    follow-up list, a report) then takes no write lock.
    """
    with sessions() as session:
        if session.scalar(select(LeadRecord.id).where(expired_verdicts(now)).limit(1)) is None:
            return 0
    with sessions.begin() as session:
        leads = list(session.scalars(select(LeadRecord).where(expired_verdicts(now))))
        due = next_business_time(now, planner.hours).astimezone(UTC)
        for lead in leads:
            planner.sync(session, lead, now, first_due=due, note=REQUALIFY_NOTE)
        return len(leads)
