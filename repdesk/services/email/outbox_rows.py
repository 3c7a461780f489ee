"""What the outbox hands out: a queued message, a row of the outbox with why it waits, the report
of one sending run, and the message as it goes on the wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from repdesk.core.contact import display_name
from repdesk.store.models import LeadRecord, OutboxRecord

QUEUED, SENDING, HANDING_OVER, SENT = "queued", "sending", "handing_over", "sent"
UNSURE, FAILED, CANCELLED = "unsure", "failed", "cancelled"
WAITING = (QUEUED, SENDING, HANDING_OVER)
NEEDS_LOOK = (UNSURE, FAILED)
UNSURE_TEXT = "unsure — check your Sent folder"


@dataclass(frozen=True)
class Queued:
    outbox_id: int
    lead_id: int
    message_id: str
    status: str = QUEUED

    def to_json(self) -> dict[str, Any]:
        return {"lead_id": self.lead_id, "message_id": self.message_id, "status": self.status}


@dataclass(frozen=True)
class OutboxRow:
    id: int
    lead_id: int
    lead_name: str
    to: str
    subject: str
    status: str
    attempts: int
    queued_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str
    message_id: str

    @property
    def why(self) -> str:
        if self.status == UNSURE:
            return UNSURE_TEXT
        if self.status == FAILED:
            return f"not sent: {self.last_error}"
        if self.status in (SENDING, HANDING_OVER):
            return "being sent now"
        if self.last_error:
            return f"waiting: {self.last_error}"
        return "waiting to be sent"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lead_id": self.lead_id,
            "to": self.to,
            "subject": self.subject,
            "status": self.status,
            "why": self.why,
            "attempts": self.attempts,
            "queued_at": self.queued_at.isoformat(),
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "message_id": self.message_id,
        }


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    unsure: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.sent or self.unsure or self.failed)


def build_message(row: OutboxRecord, now: datetime) -> bytes:
    """The message as it goes on the wire; its Message-ID is the one fixed when it was queued."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = row.from_header
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = row.message_id
    if row.in_reply_to:
        msg["In-Reply-To"] = row.in_reply_to
    if row.thread_refs:
        msg["References"] = row.thread_refs
    msg["X-Mailer"] = "repdesk"
    msg.set_content(row.body)
    return msg.as_bytes()


def outbox_row(o: OutboxRecord, lead: LeadRecord) -> OutboxRow:
    name = display_name(lead)
    return OutboxRow(
        o.id,
        o.lead_id,
        name,
        lead.email,
        o.subject,
        o.status,
        o.attempts,
        o.queued_at,
        o.next_attempt_at,
        o.sent_at,
        o.last_error,
        o.message_id,
    )
