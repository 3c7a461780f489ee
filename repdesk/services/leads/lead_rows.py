"""Plain row objects the UI and CLI get instead of ORM records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from repdesk.core.contact import display_name, join_name


@dataclass(frozen=True)
class LeadSummary:
    id: int
    first_name: str
    last_name: str
    company: str
    title: str
    email: str
    phone: str
    source: str
    product: str
    status: str
    owner: str | None
    received_at: datetime
    first_response_at: datetime | None
    next_follow_up_at: datetime | None
    notes: str
    verdict: str | None = None
    score: int | None = None
    journey_stage: str = "awareness"
    do_not_contact: bool = False
    phone_ext: str = ""
    replied_at: datetime | None = None
    """When their reply came in, while it waits for our answer (services/email)."""
    #: The provisional verdict of the answers it arrived with, and their time frame.
    form_verdict: str | None = None
    form_note: str | None = None
    #: A known contact (imported from a CRM or address book): no waiting clock.
    is_contact: bool = False

    @property
    def name(self) -> str:
        return join_name(self.first_name, self.last_name)

    @property
    def display_name(self) -> str:
        return display_name(self)

    def to_json(self) -> dict[str, Any]:
        return lead_json(tuple(getattr(self, name) for name in LEAD_FIELDS))


LEAD_FIELDS = tuple(LeadSummary.__dataclass_fields__)
_TIME_AT = tuple(
    LEAD_FIELDS.index(k)
    for k in ("received_at", "first_response_at", "next_follow_up_at", "replied_at")
)
_FIRST, _LAST = LEAD_FIELDS.index("first_name"), LEAD_FIELDS.index("last_name")
_DNC = LEAD_FIELDS.index("do_not_contact")


def lead_json(values: tuple[Any, ...] | Any) -> dict[str, Any]:
    """The `leads --json` object of a lead's LEAD_FIELDS values: every field (times in ISO 8601),
    then the name. Built from the values (a million leads stream through here: no dataclass, no
    dataclasses.asdict deep copy)."""
    data = dict(zip(LEAD_FIELDS, values, strict=True))
    for at in _TIME_AT:
        value = values[at]
        if value is not None:
            data[LEAD_FIELDS[at]] = value.isoformat()
    data["do_not_contact"] = bool(values[_DNC])
    data["name"] = join_name(values[_FIRST], values[_LAST])
    return data


@dataclass(frozen=True)
class ActivityRow:
    id: int
    kind: str
    outcome: str | None
    occurred_at: datetime
    body: str
    duration_seconds: int | None
    by: str = ""  # the rep who did it ("" on a solo file, or before reps were recorded)

    def to_json(self) -> dict[str, Any]:
        return _json(asdict(self))


@dataclass(frozen=True)
class HistoryRow:
    """One field of the lead changed: old and new value (owners by name), who, when."""

    field: str
    old: str | None
    new: str | None
    by: str  # the rep's name, the login when it has no rep, "" on a solo file
    changed_at: datetime

    def to_json(self) -> dict[str, Any]:
        return _json(asdict(self))


@dataclass(frozen=True)
class StepRow:
    """One follow-up of a lead, whatever its state (pending, done or cancelled)."""

    id: int
    due_at: datetime
    kind: str
    note: str
    status: str
    cadence: str
    outcome: str | None
    done_at: datetime | None
    cancelled_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return _json(asdict(self))


@dataclass(frozen=True)
class LeadDetail:
    lead: LeadSummary
    message: str
    tags: str
    extra: dict[str, Any]
    qualification_expires_at: datetime | None
    email_opens: int
    email_clicks: int
    site_visits: int
    activities: list[ActivityRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    """Every change of the lead's fields, newest first (written by the database's triggers)."""
    version: int = 0
    """The lead's version when read (the database bumps it on every change of its fields): an edit
    names it, so that one made from a stale view is refused."""
    phones: list[dict[str, Any]] = field(default_factory=list)
    """Every number an import kept, best first: {"number", "kind"[, "ext"][, "valid": False]}."""
    phone_ext: str = ""
    """The extension of the lead's main phone."""

    def to_json(self) -> dict[str, Any]:
        """The lead's fields (as `repdesk leads --json` lists them), its inquiry, tags, extra
        fields, engagement and timeline (newest first)."""
        data = self.lead.to_json()
        data.update(
            message=self.message,
            tags=self.tags,
            extra=self.extra,
            qualification_expires_at=_iso(self.qualification_expires_at),
            email_opens=self.email_opens,
            email_clicks=self.email_clicks,
            site_visits=self.site_visits,
            activities=[a.to_json() for a in self.activities],
            history=[h.to_json() for h in self.history],
            phones=self.phones,
            phone_ext=self.phone_ext,
        )
        return data


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}
