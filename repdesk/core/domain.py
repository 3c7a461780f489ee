"""Domain words of DESIGN.md as plain enums and value objects (no Qt, no SQLAlchemy)."""

from __future__ import annotations

from enum import StrEnum


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    NURTURE = "nurture"
    NOT_A_FIT = "not_a_fit"
    WON = "won"
    LOST = "lost"

    @property
    def is_closed(self) -> bool:
        return self in (LeadStatus.WON, LeadStatus.LOST)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: The statuses a lead ends in (won and lost), and all the others: a not-a-fit lead stays open.
CLOSED_STATUSES: tuple[str, ...] = tuple(s.value for s in LeadStatus if s.is_closed)
OPEN_STATUSES: tuple[str, ...] = tuple(s.value for s in LeadStatus if not s.is_closed)


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    NOTE = "note"
    MEETING = "meeting"
    INQUIRY = "inquiry"
    STATUS_CHANGE = "status_change"
    QUALIFICATION = "qualification"
    EDIT = "edit"
    """A rep changed the lead's data or owner (the timeline's history of edits)."""
    EMAIL_IN = "email_in"
    """Mail from the lead filed on it: outcome reply, auto_reply or bounce (services/email)."""


#: Activities that count as the business reaching out (they set first-response time).
OUTBOUND_KINDS = frozenset({ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING})


class CallOutcome(StrEnum):
    CONNECTED = "connected"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"


class Verdict(StrEnum):
    QUALIFIED = "qualified"
    NURTURE = "nurture"
    NOT_A_FIT = "not_a_fit"


class FollowUpKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    TASK = "task"


class FollowUpStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class JourneyStage(StrEnum):
    AWARENESS = "awareness"
    CONSIDERATION = "consideration"
    DECISION = "decision"


#: Lead fields an importer or user may set, in display order.
LEAD_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "company",
    "title",
    "email",
    "phone",
    "source",
    "product",
    "message",
    "owner",
    "status",
    "received_at",
    "notes",
    "tags",
    "email_opens",
    "email_clicks",
    "site_visits",
)
