"""Inbox order, as one declarative table of segments, and urgency: how long someone has waited.

The inbox is a concatenation of segments; within each, rows follow the segment's keys. Both
readers render this table — services/inbox/inbox_service.py with SQLAlchemy and the first screen's
services/inbox/inbox_sqlite.py with the standard library — and `inbox_key` reads it in Python,
which the tests compare them with. Each segment's condition is chosen so that an index serves it
(see migrations 0002 and 0004): equivalent-looking conditions are not interchangeable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal, Protocol

from repdesk.core.domain import CLOSED_STATUSES, OPEN_STATUSES, JourneyStage, LeadStatus
from repdesk.core.journey import rank as journey_rank


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


#: The table's parameters: where "due today" ends (see end_of_day), and before when a lead must
#: have been received to wait past the response target (None: nobody waits past it).
END_OF_TODAY = ":end_of_today"
LATE_BEFORE = ":late_before"
#: Among leads waiting past the response target, those whose form answers gave this come first.
FORM_FIRST = "qualified"
#: The order key that ranks the journey stage: decision first (core.journey.rank).
JOURNEY = "journey"
#: The rank of each journey stage's stored text, and of any other text.
JOURNEY_RANKS = {stage.value: journey_rank(stage) for stage in JourneyStage}
UNKNOWN_JOURNEY_RANK = journey_rank("")

Op = Literal["=", "!=", "in", "not in", "is null", "is not null", "<", ">=", "is true", "is false"]


@dataclass(frozen=True)
class Check:
    """`column op value` on a lead: value is a text, a tuple of texts, or a parameter."""

    column: str
    op: Op
    value: str | tuple[str, ...] | None = None


@dataclass(frozen=True)
class AnyOf:
    """At least one of the checks holds."""

    checks: tuple[Check, ...]


Condition = Check | AnyOf


@dataclass(frozen=True)
class Key:
    """One order key: a lead column (or JOURNEY), ascending unless `descending`."""

    column: str
    descending: bool = False


@dataclass(frozen=True)
class Segment:
    name: str
    where: tuple[Condition, ...]
    """Every condition holds for the segment's leads (no lead is in two segments)."""
    order: tuple[Key, ...]


# Waiting = status new and never answered: an imported lead marked contacted has no first-response
# time on record but is not waiting, and one we tried to reach is not either; a known contact
# (imported as one, services.imports) has no waiting clock at all.
WAITING = (
    Check("status", "=", LeadStatus.NEW.value),
    Check("first_response_at", "is null"),
    Check("is_contact", "is false"),
)
CONTACTED = AnyOf(
    (
        Check("status", "!=", LeadStatus.NEW.value),
        Check("first_response_at", "is not null"),
        Check("is_contact", "is true"),
    )
)
# A lead whose reply waits for us comes first (services/email sets replied_at only for a lead we
# have answered before, so no lead is in that segment and a waiting one); the later segments
# leave it out.
REPLIED = (Check("replied_at", "is not null"), Check("status", "in", OPEN_STATUSES))
NOT_REPLIED = Check("replied_at", "is null")
# Spelled out both ways (not NOT(...)): a NULL form verdict must land in the second.
FORM_QUALIFIED_LATE = (
    Check("form_verdict", "=", FORM_FIRST),
    Check("received_at", "<", LATE_BEFORE),
)
NOT_FORM_QUALIFIED_LATE = AnyOf(
    (
        Check("form_verdict", "is null"),
        Check("form_verdict", "!=", FORM_FIRST),
        Check("received_at", ">=", LATE_BEFORE),
    )
)
NOT_CLOSED = Check("status", "not in", CLOSED_STATUSES)
LONGEST_WAIT = (Key("received_at"), Key(JOURNEY), Key("id"))
BY_STEP = (Key("next_follow_up_at"), Key(JOURNEY), Key("id"))
NEWEST_FIRST = (Key("received_at", descending=True), Key("id", descending=True))

#: The inbox: leads whose reply waits for our answer (oldest reply first), who waits longest for
#: a first answer (among those past the response target, the
#: ones whose form answers qualify them first), then steps due before the end of today (overdue
#: first), later steps, open leads without a step. Closed leads are left out.
INBOX = (
    Segment("replied", REPLIED, (Key("replied_at"), Key("id"))),
    Segment("waiting_form_qualified", (*WAITING, *FORM_QUALIFIED_LATE), LONGEST_WAIT),
    Segment("waiting", (*WAITING, NOT_FORM_QUALIFIED_LATE), LONGEST_WAIT),
    Segment(
        "due",
        (NOT_CLOSED, CONTACTED, NOT_REPLIED, Check("next_follow_up_at", "<", END_OF_TODAY)),
        BY_STEP,
    ),
    Segment(
        "later",
        (NOT_CLOSED, CONTACTED, NOT_REPLIED, Check("next_follow_up_at", ">=", END_OF_TODAY)),
        BY_STEP,
    ),
    # Open statuses listed (not "not closed"): the index then seeks past the closed leads, which
    # have no step either, and counting this segment stays a small range.
    Segment(
        "no_step",
        (
            Check("status", "in", OPEN_STATUSES),
            CONTACTED,
            NOT_REPLIED,
            Check("next_follow_up_at", "is null"),
        ),
        NEWEST_FIRST,
    ),
)
#: The Leads page: the inbox, then the closed leads, newest first.
ALL_LEADS = (*INBOX, Segment("closed", (Check("status", "in", CLOSED_STATUSES),), NEWEST_FIRST))


#: The segments whose leads the inbox's summary counts as "replied" and as "waiting for a first
#: answer".
REPLIED_SEGMENTS = frozenset({"replied"})
WAITING_SEGMENTS = frozenset({"waiting_form_qualified", "waiting"})


def segments(include_closed: bool = False) -> tuple[Segment, ...]:
    return ALL_LEADS if include_closed else INBOX


class LeadFacts(Protocol):
    """What the order reads of a lead (a LeadSummary has it all)."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def next_follow_up_at(self) -> datetime | None: ...
    @property
    def journey_stage(self) -> str: ...
    @property
    def form_verdict(self) -> str | None: ...
    @property
    def replied_at(self) -> datetime | None: ...
    @property
    def is_contact(self) -> bool: ...


class Waiting(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def is_contact(self) -> bool: ...


def is_waiting(lead: Waiting) -> bool:
    """Still waiting for a first answer: the inbox's first segments."""
    return all(holds(check, lead, None) for check in WAITING)


def holds(
    condition: Condition,
    lead: object,
    end_of_today: datetime | None,
    late_before: datetime | None = None,
) -> bool:
    """The condition read in Python, as the SQL renderings read it: NULL compares as false, and
    a missing LATE_BEFORE is before every time (nobody waits past the target)."""
    if isinstance(condition, AnyOf):
        return any(holds(c, lead, end_of_today, late_before) for c in condition.checks)
    value = getattr(lead, condition.column)
    if condition.value == LATE_BEFORE and late_before is None:
        return condition.op == ">="
    wanted = {END_OF_TODAY: end_of_today, LATE_BEFORE: late_before}.get(
        str(condition.value), condition.value
    )
    if wanted is None and condition.op in ("<", ">="):
        raise ValueError(f"{condition.column} {condition.op} needs {condition.value}")
    match condition.op:
        case "is null":
            return value is None
        case "is not null":
            return value is not None
        case "is true":
            return value is not None and bool(value)
        case "is false":
            return value is not None and not value
        case "=":
            return value is not None and value == wanted
        case "!=":
            return value is not None and value != wanted
        case "in":
            return value is not None and isinstance(wanted, tuple) and value in wanted
        case "not in":
            return value is not None and isinstance(wanted, tuple) and value not in wanted
        case "<":
            return value is not None and bool(value < wanted)
        case ">=":
            return value is not None and bool(value >= wanted)
    raise ValueError(f"unknown operator {condition.op!r}")


def segment_of(
    lead: LeadFacts,
    end_of_today: datetime,
    include_closed: bool = False,
    late_before: datetime | None = None,
) -> Segment | None:
    """The segment the lead is in (None: not shown, a closed lead in the inbox)."""
    for segment in segments(include_closed):
        if all(holds(c, lead, end_of_today, late_before) for c in segment.where):
            return segment
    return None


def inbox_key(
    lead: LeadFacts,
    end_of_today: datetime,
    include_closed: bool = False,
    late_before: datetime | None = None,
) -> tuple[float, ...]:
    """Where the lead sorts: its segment's place, then that segment's keys (leads not shown sort
    after every other)."""
    found = segments(include_closed)
    segment = segment_of(lead, end_of_today, include_closed, late_before)
    if segment is None:
        return (float(len(found)),)
    key: list[float] = [float(found.index(segment))]
    for part in segment.order:
        if part.column == JOURNEY:
            value = float(JOURNEY_RANKS.get(lead.journey_stage, UNKNOWN_JOURNEY_RANK))
        else:
            raw = getattr(lead, part.column)
            value = raw.timestamp() if isinstance(raw, datetime) else float(raw)
        key.append(-value if part.descending else value)
    return tuple(key)


def inbox_order(
    leads: Sequence[LeadFacts],
    end_of_today: datetime,
    include_closed: bool = False,
    late_before: datetime | None = None,
) -> list[LeadFacts]:
    """The leads the inbox (or the Leads page) shows, in its order."""
    shown = [lead for lead in leads if segment_of(lead, end_of_today, include_closed, late_before)]
    return sorted(
        shown, key=lambda lead: inbox_key(lead, end_of_today, include_closed, late_before)
    )


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
