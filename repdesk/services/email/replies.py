"""Mail that comes back: the mailbox source asks `claim` whether a message answers one of ours
(In-Reply-To/References) or comes from a known open lead, and `file` records it on the lead in
the fetch's own transaction.

A reply puts the lead first in the inbox ("replied — waiting for you") and its pending cadence
step gives way to "Answer the reply", due now; an automatic answer is only logged; a delivery
report marks the address bouncing and asks for another way to reach them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.domain import (
    CLOSED_STATUSES,
    ActivityKind,
    FollowUpKind,
    FollowUpStatus,
)
from repdesk.core.email_rules import asks_to_stop, own_words
from repdesk.formats.mail_reply import AUTO_REPLY, BOUNCE, REPLY, InboundMessage, read_inbound
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.followups.followup_planner import cancel
from repdesk.store.models import (
    HAS_EMAIL,
    ActivityRecord,
    FollowUpRecord,
    InboundMailRecord,
    LeadRecord,
    OutboxRecord,
)

log = logging.getLogger(__name__)

ANSWER_NOTE = "Answer the reply"
BOUNCE_NOTE = "Find another way to reach them"
MAX_DATE_SKEW = timedelta(days=7)


@dataclass(frozen=True)
class Claim:
    lead_id: int
    outbox_id: int | None
    message: InboundMessage
    uid: int = 0


@dataclass
class Filed:
    replies: list[int] = field(default_factory=list)
    automatic: list[int] = field(default_factory=list)
    bounces: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.replies) + len(self.automatic) + len(self.bounces)


class ReplyFiler:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        set_do_not_contact: Callable[[int, bool], Changes] | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._set_do_not_contact = set_do_not_contact
        """LeadService.set_do_not_contact: the one use case that marks a lead (and its steps)."""

    # -- asked to stop ---------------------------------------------------------------------------
    def stop_request(self, lead_id: int) -> str | None:
        """The subject of the lead's reply that asks us to stop, while nobody has answered that
        request; None otherwise (or once the lead is do not contact)."""
        with self._sessions() as session:
            lead = session.get(LeadRecord, lead_id)
            if lead is None or lead.do_not_contact:
                return None
            return session.scalar(
                select(InboundMailRecord.subject)
                .where(
                    InboundMailRecord.lead_id == lead_id,
                    InboundMailRecord.asks_to_stop.is_(True),
                    InboundMailRecord.stop_answered.is_(False),
                )
                .order_by(InboundMailRecord.id.desc())
                .limit(1)
            )

    def accept_stop(self, lead_id: int, *, accept: bool = True) -> Changes:
        """Mark the lead do not contact as their reply asked (accept=False takes it back)."""
        if self._set_do_not_contact is None:
            raise UserError("Do not contact cannot be set from here.")
        changes = self._set_do_not_contact(lead_id, accept)
        with self._sessions.begin() as session:
            lead = session.get(LeadRecord, lead_id)
            if lead is None:
                raise NotFoundError(f"There is no lead with id {lead_id}.")
            for mail in session.scalars(
                select(InboundMailRecord).where(
                    InboundMailRecord.lead_id == lead_id, InboundMailRecord.asks_to_stop.is_(True)
                )
            ):
                mail.stop_answered = accept
            if accept:
                lead.replied_at = None  # nobody answers by email now: not waiting for us either
        return changes | Changes(leads=True)

    def claim(self, raw: bytes, uid: int = 0) -> Claim | None:
        """The lead this message belongs to as mail back from them, or None (an inquiry)."""
        try:
            message = read_inbound(raw)
        except Exception as exc:  # a mail must never stop the source
            log.warning("A message could not be read for replies (%s); treated as an inquiry", exc)
            return None
        with self._sessions() as session:
            if message.refers_to:
                found = session.execute(
                    select(OutboxRecord.lead_id, OutboxRecord.id)
                    .where(OutboxRecord.message_id.in_(message.refers_to))
                    .order_by(OutboxRecord.id.desc())
                    .limit(1)
                ).first()
                if found is not None:
                    return Claim(int(found[0]), int(found[1]), message, uid)
            addresses = list(message.bounce.recipients) if message.bounce else []
            if message.kind != BOUNCE:
                addresses.append(message.sender)
            for address in filter(None, addresses):
                lead_id = session.scalar(
                    select(LeadRecord.id)
                    .where(
                        LeadRecord.email == address,
                        HAS_EMAIL,
                        LeadRecord.status.not_in(CLOSED_STATUSES),
                    )
                    .order_by(LeadRecord.received_at.desc(), LeadRecord.id.desc())
                    .limit(1)
                )
                if lead_id is not None:
                    return Claim(int(lead_id), None, message, uid)
        return None

    def file(self, session: Session, claims: list[Claim]) -> Filed:
        """Record the claimed messages on their leads (inside the caller's transaction)."""
        now = self._clock()
        filed = Filed()
        for claim in claims:
            m = claim.message
            lead = session.get(LeadRecord, claim.lead_id)
            if lead is None:
                continue
            if m.message_id and session.scalar(
                select(InboundMailRecord.id).where(
                    InboundMailRecord.lead_id == lead.id,
                    InboundMailRecord.message_id == m.message_id,
                )
            ):
                continue  # read again (a renumbered mailbox): filed once already
            when = _arrival(m.sent_at, now)
            activity = ActivityRecord(
                lead_id=lead.id,
                kind=ActivityKind.EMAIL_IN.value,
                outcome=m.kind,
                occurred_at=when,
                body=_summary(m),
            )
            session.add(activity)
            session.flush()
            stop = m.kind == REPLY and asks_to_stop(m.text)
            session.add(
                InboundMailRecord(
                    lead_id=lead.id,
                    activity_id=activity.id,
                    outbox_id=claim.outbox_id,
                    kind=m.kind,
                    message_id=m.message_id,
                    from_address=m.sender,
                    subject=m.subject[:300],
                    received_at=when,
                    asks_to_stop=stop,
                    stop_answered=False,
                )
            )
            if m.kind == REPLY:
                self._reply(session, lead, m, when, now)
                filed.replies.append(lead.id)
            elif m.kind == BOUNCE:
                self._bounce(session, lead, m, now)
                filed.bounces.append(lead.id)
            else:
                filed.automatic.append(lead.id)
            lead.updated_at = now
        return filed

    def _reply(
        self, session: Session, lead: LeadRecord, m: InboundMessage, when: datetime, now: datetime
    ) -> None:
        # Someone still waiting for our first answer is already first in the inbox, on the clock
        # of their inquiry; a do-not-contact lead cannot be answered by email.
        if lead.first_response_at is None or lead.do_not_contact:
            return
        if lead.replied_at is not None:
            return  # a second message before we answered: the first one's clock keeps running
        lead.replied_at = when
        subject = f": {m.subject}" if m.subject else ""
        _give_way(session, lead, FollowUpKind.EMAIL, f"{ANSWER_NOTE}{subject}"[:500], now)

    def _bounce(self, session: Session, lead: LeadRecord, m: InboundMessage, now: datetime) -> None:
        assert m.bounce is not None
        if lead.email not in m.bounce.recipients:
            return  # a report about another address of theirs: logged only
        if lead.bouncing_email == lead.email:
            return
        lead.bouncing_email = lead.email
        reason = " ".join(p for p in (m.bounce.status, m.bounce.diagnostic) if p)
        note = f"{BOUNCE_NOTE}: mail to {lead.email} bounced" + (f" ({reason})" if reason else "")
        kind = FollowUpKind.CALL if lead.phone else FollowUpKind.TASK
        _give_way(session, lead, kind, note[:500], now)


def _give_way(
    session: Session, lead: LeadRecord, kind: FollowUpKind, note: str, now: datetime
) -> None:
    """The lead's pending step is replaced by `note`, due now, in the same place of its cadence
    (doing it moves the cadence on as the replaced step would have)."""
    pending = session.scalars(
        select(FollowUpRecord)
        .where(
            FollowUpRecord.lead_id == lead.id,
            FollowUpRecord.status == FollowUpStatus.PENDING.value,
        )
        .order_by(FollowUpRecord.due_at, FollowUpRecord.id)
    ).first()
    if pending is None:
        return  # a closed or do-not-contact lead has no step to replace
    cancel(pending, now)
    session.add(
        FollowUpRecord(
            lead_id=lead.id,
            due_at=now,
            kind=kind.value,
            note=note,
            status=FollowUpStatus.PENDING.value,
            cadence=pending.cadence,
            step_index=pending.step_index,
            cadence_started_at=pending.cadence_started_at,
            sequence=0,
            updated_at=now,
        )
    )
    lead.next_follow_up_at = now


def _arrival(sent_at: datetime | None, now: datetime) -> datetime:
    """When the message reached us: its Date when that is plausible, else now."""
    if sent_at is None or sent_at > now or sent_at < now - MAX_DATE_SKEW:
        return now
    return sent_at


def _summary(m: InboundMessage) -> str:
    if m.kind == BOUNCE and m.bounce is not None:
        reason = " ".join(p for p in (m.bounce.status, m.bounce.diagnostic) if p)
        return f"Bounced: {', '.join(m.bounce.recipients)}" + (f" ({reason})" if reason else "")
    words = own_words(m.text)
    words = words if len(words) <= 600 else words[:600].rstrip() + " …"
    head = m.subject or "(no subject)"
    if m.kind == AUTO_REPLY:
        return f"Automatic answer ({m.why_automatic}): {head}"
    words = " ".join(words.split())  # one paragraph on the timeline
    return f"{head}: {words}" if words else head
