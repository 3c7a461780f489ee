"""Plain row objects the UI and CLI get instead of ORM records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        return self.name or self.company or self.email or self.phone or f"Lead {self.id}"

    def to_json(self) -> dict[str, Any]:
        """The `leads --json` object: every field (times in ISO 8601), plus the name. Built field
        by field, not with dataclasses.asdict (it deep-copies; a million leads stream through
        here)."""
        data = {name: getattr(self, name) for name in _LEAD_FIELDS}
        for key in _LEAD_TIMES:
            value = data[key]
            if value is not None:
                data[key] = value.isoformat()
        data["name"] = self.name
        return data


_LEAD_FIELDS = tuple(LeadSummary.__dataclass_fields__)
_LEAD_TIMES = ("received_at", "first_response_at", "next_follow_up_at")


@dataclass(frozen=True)
class ActivityRow:
    id: int
    kind: str
    outcome: str | None
    occurred_at: datetime
    body: str
    duration_seconds: int | None


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
