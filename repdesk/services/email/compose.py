"""Drafting an email to a lead: the template that fits, its placeholders filled from the lead and
the sender, the thread it belongs to, and the refusals (do not contact, no address, bouncing)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core import do_not_contact
from repdesk.core.contact import display_name
from repdesk.core.domain import FollowUpKind, FollowUpStatus, LeadStatus
from repdesk.core.email_rules import (
    NOT_A_FIT,
    fitting_template,
    pick_template,
    placeholder_values,
    render,
)
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.email.accounts import AccountInfo, AccountService
from repdesk.services.email.templates import TemplateService
from repdesk.store.models import (
    FollowUpRecord,
    InboundMailRecord,
    LeadRecord,
    OutboxRecord,
    QualificationRecord,
)

#: Outbox states of a message that went, or may have gone, or will go (threading counts them).
LIVE = ("queued", "sending", "handing_over", "sent", "unsure")
MAX_REFERENCES = 10
NO_ACCOUNT = (
    "There is no outgoing mail account yet: add one in Settings → Email or with "
    "`repdesk source add smtp …`."
)


@dataclass(frozen=True)
class Draft:
    """An email ready for the composer (or for sending as is, from the command line)."""

    lead_id: int
    lead_name: str
    to: str
    template: str
    subject: str
    body: str
    missing: tuple[str, ...]
    """Placeholders the lead has no value for: they stay written as {name} in the text."""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    follow_up_id: int | None = None
    from_header: str = ""


class DraftService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        templates: TemplateService,
        accounts: AccountService,
        step_template: Callable[[str, int], str],
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._templates = templates
        self._accounts = accounts
        self._step_template = step_template
        """The template an email step of (cadence key, step index) names ("" for none)."""

    def draft(
        self, lead_id: int, template: str | None = None, *, follow_up_id: int | None = None
    ) -> Draft:
        """The email for `lead_id` with `template` (default: the one that fits the lead now)."""
        account = self._accounts.account()
        if account is None:
            raise UserError(NO_ACCOUNT)
        with self._sessions() as session:
            lead = session.get(LeadRecord, lead_id)
            if lead is None:
                raise NotFoundError(f"There is no lead with id {lead_id}.")
            check_can_email(lead)
            step = self._step(session, lead, follow_up_id)
            key = template or fitting_template(
                LeadStatus(lead.status),
                answered=lead.first_response_at is not None,
                replied=lead.replied_at is not None,
                step_template=self._step_template(step.cadence, step.step_index)
                if step is not None and step.kind == FollowUpKind.EMAIL.value
                else "",
                not_a_fit_sent=_sent_before(session, lead.id, NOT_A_FIT),
            )
            try:
                chosen = pick_template(self._templates.by_key(), key, lead.product)
            except KeyError:
                raise NotFoundError(f"There is no template {key!r}.") from None
            values = _values(session, lead, account)
            subject, missing_subject = render(chosen.subject, values)
            body, missing_body = render(chosen.body, values)
            thread = _thread(session, lead)
            in_reply_to = thread[-1][1] if thread else ""
            subject = _reply_subject(session, lead, in_reply_to) or subject
            name = display_name(lead)
            refs = [mid for _when, mid in thread]
            if len(refs) > MAX_REFERENCES:
                refs = refs[:1] + refs[-(MAX_REFERENCES - 1) :]
            return Draft(
                lead_id=lead.id,
                lead_name=name,
                to=lead.email,
                template=chosen.key,
                subject=subject,
                body=body,
                missing=tuple(dict.fromkeys(missing_subject + missing_body)),
                in_reply_to=in_reply_to,
                references=tuple(refs),
                # The email answers the step that is due, when that step is an email.
                follow_up_id=step.id
                if step is not None
                and (follow_up_id is not None or step.kind == FollowUpKind.EMAIL.value)
                else None,
                from_header=account.from_header,
            )

    def preview(self, lead_id: int, subject: str, body: str) -> tuple[str, str, list[str]]:
        """A template's subject and text filled in for one lead (the Templates page)."""
        account = self._accounts.account()
        with self._sessions() as session:
            lead = session.get(LeadRecord, lead_id)
            if lead is None:
                raise NotFoundError(f"There is no lead with id {lead_id}.")
            values = _values(session, lead, account)
        s, m1 = render(subject, values)
        b, m2 = render(body, values)
        return s, b, list(dict.fromkeys(m1 + m2))

    def _step(
        self, session: Session, lead: LeadRecord, follow_up_id: int | None
    ) -> FollowUpRecord | None:
        if follow_up_id is not None:
            step = session.get(FollowUpRecord, follow_up_id)
            if step is None or step.lead_id != lead.id:
                raise NotFoundError(f"There is no follow-up {follow_up_id} for this lead.")
            if step.status != FollowUpStatus.PENDING.value:
                raise UserError(f"Follow-up {follow_up_id} is already {step.status}.")
            return step
        # The lead's pending step counts only when it is due: a step weeks away is not "now".
        step = session.scalars(
            select(FollowUpRecord).where(
                FollowUpRecord.lead_id == lead.id,
                FollowUpRecord.status == FollowUpStatus.PENDING.value,
            )
        ).first()
        return step if step is not None and step.due_at <= self._clock() else None


def check_can_email(lead: LeadRecord) -> None:
    """One sentence when this lead must not (or cannot) get an email from us."""
    name = display_name(lead)
    if lead.do_not_contact:
        raise UserError(do_not_contact.refusal(name))
    if not lead.email:
        raise UserError(f"{name} has no email address; edit the lead to add one.")
    if lead.bouncing_email and lead.bouncing_email == lead.email:
        raise UserError(
            f"Mail to {lead.email} bounced: find another way to reach {name}, or correct the "
            "address (Edit lead)."
        )


def _values(session: Session, lead: LeadRecord, account: AccountInfo | None) -> dict[str, str]:
    challenge = ""
    answers = session.scalar(
        select(QualificationRecord.answers)
        .where(QualificationRecord.lead_id == lead.id)
        .order_by(QualificationRecord.started_at.desc(), QualificationRecord.id.desc())
        .limit(1)
    )
    if isinstance(answers, dict) and isinstance(answers.get("challenge"), str):
        challenge = answers["challenge"]
    return placeholder_values(
        lead,
        challenge=challenge,
        rep_name=account.from_name if account else "",
        rep_email=account.from_address if account else "",
        rep_phone=account.phone if account else "",
    )


def _thread(session: Session, lead: LeadRecord) -> list[tuple[datetime, str]]:
    """Every message of the lead's conversation by time: the inquiry that came by email, their
    replies and ours."""
    thread: list[tuple[datetime, str]] = []
    inquiry = str((lead.extra or {}).get("Message-ID", "")).strip()
    if inquiry.startswith("<") and inquiry.endswith(">"):
        thread.append((lead.received_at, inquiry))
    for when, mid in session.execute(
        select(InboundMailRecord.received_at, InboundMailRecord.message_id).where(
            InboundMailRecord.lead_id == lead.id, InboundMailRecord.kind == "reply"
        )
    ):
        if mid:
            thread.append((when, mid))
    for when, mid in session.execute(
        select(OutboxRecord.queued_at, OutboxRecord.message_id).where(
            OutboxRecord.lead_id == lead.id, OutboxRecord.status.in_(LIVE)
        )
    ):
        thread.append((when, mid))
    thread.sort()
    return list(dict.fromkeys(thread))


def _reply_subject(session: Session, lead: LeadRecord, in_reply_to: str) -> str:
    """'Re: …' when answering a message the person wrote themselves (not a form's notice)."""
    if not in_reply_to:
        return ""
    subject = session.scalar(
        select(InboundMailRecord.subject).where(
            InboundMailRecord.lead_id == lead.id, InboundMailRecord.message_id == in_reply_to
        )
    )
    inquiry = str((lead.extra or {}).get("Message-ID", "")).strip()
    # A plain email from the person: the form tools name their own source.
    if subject is None and in_reply_to == inquiry and lead.source == "Email":
        subject = str((lead.extra or {}).get("Email subject", ""))
    if not subject:
        return ""
    return "Re: " + re.sub(r"^((re|aw|sv|fwd?)\s*:\s*)+", "", subject.strip(), flags=re.I)


def _sent_before(session: Session, lead_id: int, template: str) -> bool:
    return (
        session.scalar(
            select(OutboxRecord.id)
            .where(
                OutboxRecord.lead_id == lead_id,
                OutboxRecord.template == template,
                OutboxRecord.status.in_(LIVE),
            )
            .limit(1)
        )
        is not None
    )
