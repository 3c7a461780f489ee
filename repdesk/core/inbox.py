"""Inbox urgency: who waits longest for a first reply, whose follow-up is overdue or due today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import IntEnum

from repdesk.core.domain import JourneyStage, LeadStatus
from repdesk.core.journey import rank as journey_rank


class Urgency(IntEnum):
    """Inbox sections, most urgent first."""

    UNCONTACTED_LATE = 0
    UNCONTACTED = 1
    OVERDUE = 2
    DUE_TODAY = 3
    LATER = 4
    CLOSED = 5


@dataclass(frozen=True)
class InboxFilter:
    """What the rep narrowed the inbox to; the empty filter is the inbox itself."""

    search: str = ""
    status: str = ""
    source: str = ""
    owner: str = ""  # a rep's name, or "-" for unassigned
    product: str = ""
    include_closed: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.search.strip() or self.status or self.source or self.owner or self.product)


@dataclass(frozen=True)
class InboxFacts:
    status: LeadStatus
    received_at: datetime
    first_response_at: datetime | None
    next_follow_up_at: datetime | None
    journey_stage: JourneyStage = JourneyStage.AWARENESS
    is_contact: bool = False  # a known contact: no waiting clock


def urgency(facts: InboxFacts, now: datetime, end_of_today: datetime, target: timedelta) -> Urgency:
    if facts.status.is_closed:
        return Urgency.CLOSED
    if facts.status is LeadStatus.NEW and facts.first_response_at is None and not facts.is_contact:
        late = now - facts.received_at > target
        return Urgency.UNCONTACTED_LATE if late else Urgency.UNCONTACTED
    if facts.next_follow_up_at is not None:
        if facts.next_follow_up_at < now:
            return Urgency.OVERDUE
        if facts.next_follow_up_at < end_of_today:
            return Urgency.DUE_TODAY
    return Urgency.LATER


def sort_key(
    facts: InboxFacts, now: datetime, end_of_today: datetime, target: timedelta
) -> tuple[int, float, int]:
    """Order of the inbox: section, then the longest wait (or the earliest step), then journey
    stage."""
    section = urgency(facts, now, end_of_today, target)
    if section in (Urgency.UNCONTACTED_LATE, Urgency.UNCONTACTED):
        moment = facts.received_at.timestamp()
    elif facts.next_follow_up_at is not None:
        moment = facts.next_follow_up_at.timestamp()
    else:
        moment = float("inf")
    return (int(section), moment, journey_rank(facts.journey_stage))


def end_of_day(now: datetime, zone: tzinfo) -> datetime:
    """The next midnight in `zone` after `now`, in UTC: where "due today" ends."""
    local = now.astimezone(zone)
    return (
        local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    ).astimezone(UTC)


def waiting_text(since: datetime, now: datetime) -> str:
    """'3 min', '2 h', '3 d' — how long someone has waited, in the largest whole unit."""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d"


def waiting_level(since: datetime, now: datetime, target: timedelta) -> int:
    """0 within target, 1 up to an hour late, 2 more than an hour late: drives the colour."""
    waited = now - since
    if waited <= target:
        return 0
    if waited <= target + timedelta(hours=1):
        return 1
    return 2
