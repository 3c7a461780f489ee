"""The outbox as the rep sees and settles it: the rows and counts of what waits or needs a look,
an unsure message recorded as sent (it is in the Sent folder) or sent again, a refused one sent
again once fixed, "Try now" during the backoff, and a message taken out. Mixed into
OutboxService (outbox), whose sessions, clock and recorder it uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.utils import formataddr

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.contact import join_name
from repdesk.core.domain import ActivityKind
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.email.compose import check_can_email
from repdesk.services.email.outbox_rows import (
    CANCELLED,
    FAILED,
    NEEDS_LOOK,
    QUEUED,
    UNSURE,
    WAITING,
    OutboxRow,
    outbox_row,
)
from repdesk.services.email.recording import EmailRecorder
from repdesk.store.models import ActivityRecord, LeadRecord, OutboxRecord


class OutboxFixes:
    _sessions: sessionmaker[Session]
    _clock: Callable[[], datetime]
    _recorder: EmailRecorder

    # -- reading and fixing ----------------------------------------------------------------------
    def rows(self, *, include_sent: bool = False, lead_id: int | None = None) -> list[OutboxRow]:
        stmt = (
            select(OutboxRecord, LeadRecord)
            .join(LeadRecord, LeadRecord.id == OutboxRecord.lead_id)
            .order_by(OutboxRecord.queued_at, OutboxRecord.id)
        )
        if not include_sent:
            stmt = stmt.where(OutboxRecord.status.in_((*WAITING, *NEEDS_LOOK)))
        if lead_id is not None:
            stmt = stmt.where(OutboxRecord.lead_id == lead_id)
        with self._sessions() as session:
            return [outbox_row(o, lead) for o, lead in session.execute(stmt)]

    def counts(self) -> tuple[int, int]:
        """(waiting to be sent, needing a look: unsure or failed)."""
        with self._sessions() as session:
            by = dict(
                session.execute(
                    select(OutboxRecord.status, func.count())
                    .where(OutboxRecord.status.in_((*WAITING, *NEEDS_LOOK)))
                    .group_by(OutboxRecord.status)
                ).all()
            )
        return sum(by.get(s, 0) for s in WAITING), sum(by.get(s, 0) for s in NEEDS_LOOK)

    def resolve_unsure(self, outbox_id: int, *, was_sent: bool) -> Changes:
        """The rep looked in their Sent folder: it went (record it), or send it again."""
        if not was_sent:
            return self.send_again(outbox_id)
        with self._sessions() as session:
            row = session.get(OutboxRecord, outbox_id)
            if row is None:
                raise NotFoundError(f"There is no message {outbox_id} in the outbox.")
            if row.status != UNSURE:
                raise UserError(f"Message {outbox_id} is {row.status}, not unsure.")
            handed = row.claimed_at or row.queued_at
        self._recorder.record_sent(outbox_id, handed, allow=(UNSURE,))
        return Changes(leads=True, activities=True, follow_ups=True)

    def send_again(self, outbox_id: int) -> Changes:
        """Queue an unsure message (not in the Sent folder) or a refused one again, due now, with
        the Message-ID it had; it goes to the lead's address as it is now (the rep may have fixed
        it). A message that went, or was cancelled, is never sent again."""
        with self._sessions.begin() as session:
            row = session.get(OutboxRecord, outbox_id)
            if row is None:
                raise NotFoundError(f"There is no message {outbox_id} in the outbox.")
            if row.status not in NEEDS_LOOK:
                raise UserError(
                    f"Message {outbox_id} is {row.status}: only an unsure or refused message can "
                    "be sent again."
                )
            lead = session.get(LeadRecord, row.lead_id)
            assert lead is not None  # an outbox row keeps its lead
            check_can_email(lead)
            now = self._clock()
            if row.status == FAILED:  # the timeline keeps what the server said the first time
                session.add(
                    ActivityRecord(
                        lead_id=lead.id,
                        kind=ActivityKind.NOTE.value,
                        occurred_at=now,
                        body=f"Not sent to {row.to_address}: {row.last_error}. Sent again.",
                        rep_id=row.rep_id,
                    )
                )
            row.to_address = formataddr((join_name(lead.first_name, lead.last_name), lead.email))
            row.status, row.next_attempt_at, row.last_error = QUEUED, now, ""
            row.claimed_by, row.claimed_at = "", None
            activity = session.get(ActivityRecord, row.activity_id) if row.activity_id else None
            if activity is not None:
                activity.outcome = QUEUED
                activity.body = f"To {lead.email}: {row.subject}"
        return Changes(leads=True, activities=True)

    def try_now(self, outbox_id: int) -> None:
        """The rep asked to send a waiting message now: it is due at once, whatever the backoff."""
        with self._sessions.begin() as session:
            done = session.execute(
                update(OutboxRecord)
                .where(OutboxRecord.id == outbox_id, OutboxRecord.status == QUEUED)
                .values(next_attempt_at=self._clock())
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                raise UserError(f"Message {outbox_id} is not waiting to be sent.")

    def cancel(self, outbox_id: int) -> Changes:
        """Take a message that has not gone out of the outbox (its timeline entry says so)."""
        self._finish_if(outbox_id, (QUEUED, FAILED), CANCELLED)
        return Changes(leads=True, activities=True)

    def _finish_if(self, outbox_id: int, states: tuple[str, ...], status: str) -> None:
        with self._sessions.begin() as session:
            done = session.execute(
                update(OutboxRecord)
                .where(OutboxRecord.id == outbox_id, OutboxRecord.status.in_(states))
                .values(status=status, next_attempt_at=None)
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                raise UserError(f"Message {outbox_id} cannot be cancelled now.")
            row = session.get(OutboxRecord, outbox_id)
            activity = (
                session.get(ActivityRecord, row.activity_id) if row and row.activity_id else None
            )
            if activity is not None:
                activity.outcome = status
