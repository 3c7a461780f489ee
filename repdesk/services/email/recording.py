"""What an email changes once the server has accepted it, in one transaction: the timeline entry,
the first-response time (speed to lead counts acceptance), a waiting reply answered, the cadence
step it completes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.business_hours import BusinessHours
from repdesk.core.domain import FollowUpStatus
from repdesk.services.followups.followup_planner import FollowUpPlanner
from repdesk.services.leads.lead_timeline import set_first_response
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord, OutboxRecord

LeadHooks = Callable[[Session, LeadRecord, datetime], None]


class EmailRecorder:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        planner: FollowUpPlanner,
        run_hooks: LeadHooks,
        hours: Callable[[], BusinessHours],
    ) -> None:
        """`hours`: the workspace's business hours (speed to lead counts only those)."""
        self._sessions = sessions
        self._hours = hours
        self._clock = clock
        self._planner = planner
        self._run_hooks = run_hooks

    def record_sent(
        self,
        outbox_id: int,
        accepted_at: datetime,
        *,
        allow: tuple[str, ...] = ("handing_over", "unsure"),
    ) -> bool:
        """Mark the message sent at `accepted_at`; False when it was not in an `allow` state."""
        now = self._clock()
        with self._sessions.begin() as session:
            done = session.execute(
                update(OutboxRecord)
                .where(OutboxRecord.id == outbox_id, OutboxRecord.status.in_(allow))
                .values(status="sent", sent_at=accepted_at, next_attempt_at=None, last_error="")
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                return False
            row = session.get(OutboxRecord, outbox_id)
            assert row is not None
            lead = session.get(LeadRecord, row.lead_id)
            assert lead is not None
            activity = session.get(ActivityRecord, row.activity_id) if row.activity_id else None
            if activity is not None:
                activity.outcome, activity.occurred_at = "sent", accepted_at
            if lead.first_response_at is None or lead.first_response_at > accepted_at:
                set_first_response(lead, accepted_at, self._hours())
            lead.replied_at = None  # our answer went: nobody is waiting for us any more
            lead.updated_at = now
            if row.follow_up_id is not None:
                self._complete_step(session, row.follow_up_id, lead, now)
            self._run_hooks(session, lead, now)
        return True

    def _complete_step(
        self, session: Session, follow_up_id: int, lead: LeadRecord, now: datetime
    ) -> None:
        step = session.get(FollowUpRecord, follow_up_id)
        if step is None or step.status != FollowUpStatus.PENDING.value:
            return  # done or moved on meanwhile: the email still went, the step is not touched
        step.status, step.done_at = FollowUpStatus.DONE.value, now
        step.sequence += 1
        step.updated_at = now
        session.flush()
        self._planner.next_after(session, step, lead, now)
