"""Cadences: named follow-up plans by day offset, started when a lead enters a status, that never
run out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from repdesk.core.business_hours import BusinessHours, local_days_later, next_business_time
from repdesk.core.domain import FollowUpKind, LeadStatus

__all__ = [
    "DEFAULT_RESUME_GRACE",
    "Cadence",
    "CadenceStep",
    "cadence_for_status",
    "due_at",
    "next_step_after",
    "step",
]

#: How far in the past a step's due time must be before resuming skips it.
DEFAULT_RESUME_GRACE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CadenceStep:
    """One planned follow-up: what to do, and how many calendar days after the cadence started."""

    day_offset: int
    kind: FollowUpKind
    note: str
    template: str = ""
    """The email template an email step sends (services/email); "" for none."""


@dataclass(frozen=True, slots=True)
class Cadence:
    """A named plan of steps started by a lead status, then repeated every repeat_every_days until
    closed."""

    key: str
    name: str
    trigger_status: LeadStatus
    steps: tuple[CadenceStep, ...]
    repeat_every_days: int | None
    repeat_kind: FollowUpKind
    repeat_note: str = "Regular check-in"
    repeat_template: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("A cadence needs a key.")
        if self.trigger_status.is_closed:
            raise ValueError(
                f"Cadence {self.key!r} cannot start on the closed status "
                f"{self.trigger_status.value!r}."
            )
        if not self.steps:
            raise ValueError(f"Cadence {self.key!r} needs at least one step.")
        previous = 0
        for number, planned in enumerate(self.steps, start=1):
            if planned.day_offset < previous:
                raise ValueError(
                    f"Cadence {self.key!r} step {number} is on day {planned.day_offset}, "
                    f"before the step or start before it (day {previous})."
                )
            previous = planned.day_offset
        # The type admits None only to say it explicitly: an open lead must always have a
        # next step (DESIGN.md), so a cadence that stops by itself is refused.
        if self.repeat_every_days is None or self.repeat_every_days < 1:
            raise ValueError(
                f"Cadence {self.key!r} must repeat every 1 or more days so that an open lead "
                f"always has a next step, got {self.repeat_every_days!r}."
            )

    @property
    def repeat_days(self) -> int:
        """The repeat interval in days (never None once constructed)."""
        assert self.repeat_every_days is not None  # checked in __post_init__
        return self.repeat_every_days


def step(cadence: Cadence, index: int) -> CadenceStep:
    """Step `index` of the cadence; indexes past the planned steps are the repeating check-ins."""
    if index < 0:
        raise IndexError(f"Cadence step indexes start at 0, got {index}.")
    if index < len(cadence.steps):
        return cadence.steps[index]
    beyond = index - len(cadence.steps) + 1
    last = cadence.steps[-1].day_offset
    return CadenceStep(
        day_offset=last + beyond * cadence.repeat_days,
        kind=cadence.repeat_kind,
        note=cadence.repeat_note,
        template=cadence.repeat_template,
    )


def due_at(
    cadence: Cadence, step_index: int, started_at: datetime, hours: BusinessHours
) -> datetime:
    """When step `step_index` is due: its day offset in local calendar days after started_at, in
    business hours (core.business_hours.local_days_later)."""
    if started_at.tzinfo is None or started_at.utcoffset() is None:
        raise ValueError(f"A cadence start needs a time zone, got {started_at.isoformat()}.")
    # Offsets never decrease and local_days_later is monotone in its days, so due times never
    # decrease with the index either.
    return local_days_later(started_at, step(cadence, step_index).day_offset, hours)


def cadence_for_status(cadences: Iterable[Cadence], status: LeadStatus) -> Cadence | None:
    """The first cadence started by `status`, or None for closed statuses or when none is
    defined."""
    if status.is_closed:
        return None
    for cadence in cadences:
        if cadence.trigger_status is status:
            return cadence
    return None


def next_step_after(
    cadence: Cadence,
    index: int,
    started_at: datetime,
    hours: BusinessHours,
    now: datetime,
    *,
    grace: timedelta = DEFAULT_RESUME_GRACE,
) -> tuple[int, datetime]:
    """The step after step `index` (-1: none done yet) and its due time, never before now in
    business hours.

    When resuming an old lead, a step more than `grace` overdue is skipped whenever the step
    after it is already due too, so the lead gets one step now instead of a pile of overdue ones.
    """
    if index < -1:
        raise IndexError(f"The last done step index must be -1 (none) or more, got {index}.")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"The current time needs a time zone, got {now.isoformat()}.")
    floor = next_business_time(now, hours)
    floor_utc = floor.astimezone(UTC)
    cutoff = floor_utc - grace
    candidate = index + 1
    due = due_at(cadence, candidate, started_at, hours)
    # Due times grow without bound (every cadence repeats), so this loop ends.
    while due.astimezone(UTC) < cutoff:
        following = due_at(cadence, candidate + 1, started_at, hours)
        if following.astimezone(UTC) > floor_utc:
            break
        candidate, due = candidate + 1, following
    if due.astimezone(UTC) < floor_utc:
        due = floor
    return candidate, due
