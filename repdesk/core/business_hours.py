"""Business hours: when a rep can be expected to act, daylight-saving correct, as pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

__all__ = [
    "BusinessHours",
    "add_business_days",
    "at_local",
    "business_seconds_between",
    "is_business_time",
    "local_days_later",
    "next_business_time",
]

# Any non-empty set of workdays recurs within a week; the spare days cover a start
# time that falls into a daylight-saving gap and so lands after the end time.
_SEARCH_DAYS = 15


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Daily opening hours [start, end) on the given weekdays (0 = Monday), as wall-clock times in
    tz."""

    start: time
    end: time
    workdays: frozenset[int]
    tz: tzinfo

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError(
                "Business hours start and end must be wall-clock times without a zone."
            )
        if not self.start < self.end:
            raise ValueError(
                "Business hours must start before they end, got "
                f"{self.start:%H:%M}–{self.end:%H:%M}."
            )
        if not self.workdays:
            raise ValueError("Business hours need at least one workday.")
        if not self.workdays <= frozenset(range(7)):
            raise ValueError(
                f"Workdays must be numbers 0 (Monday) to 6 (Sunday), got {sorted(self.workdays)}."
            )


def _require_aware(dt: datetime) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"A time zone is required, got the naive time {dt.isoformat()}.")


def _utc(dt: datetime) -> datetime:
    # Same-tzinfo comparisons in Python ignore `fold`; comparing in UTC is always right.
    return dt.astimezone(UTC)


def at_local(day: date, wall: time, tz: tzinfo, *, fold: int = 0) -> datetime:
    """The aware time at wall-clock `wall` on `day` in tz; a time in a spring-forward gap moves to
    the gap's end."""
    naive = datetime.combine(day, wall.replace(tzinfo=None, fold=fold))
    aware = naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    if aware.replace(tzinfo=None) == naive:
        return aware  # the time exists; fold picks the occurrence of an ambiguous (fall-back) time
    # The wall time does not exist. The first moment whose wall clock reaches it is the
    # transition itself (02:30 → 03:00 in New York), found by bisection between the two
    # readings of the gap time (before and after the offset change); transitions are whole seconds.
    readings = [int(naive.replace(tzinfo=tz, fold=f).timestamp()) for f in (0, 1)]
    low, high = min(readings) - 1, max(readings) + 1
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, tz)


def _inside(local: datetime, hours: BusinessHours) -> bool:
    return local.weekday() in hours.workdays and hours.start <= local.time() < hours.end


def is_business_time(dt: datetime, hours: BusinessHours) -> bool:
    """True when dt (aware) falls on a workday between start (inclusive) and end (exclusive) local
    time."""
    _require_aware(dt)
    return _inside(dt.astimezone(hours.tz), hours)


def next_business_time(dt: datetime, hours: BusinessHours) -> datetime:
    """The earliest business moment at or after dt (aware), returned in the hours' zone."""
    _require_aware(dt)
    local = dt.astimezone(hours.tz)
    if _inside(local, hours):
        return local
    instant = _utc(dt)
    day = local.date()
    for _ in range(_SEARCH_DAYS):
        if day.weekday() in hours.workdays:
            # An opening time repeated by a fall-back change opens twice: try both occurrences.
            for fold in (0, 1):
                opening = at_local(day, hours.start, hours.tz, fold=fold)
                if _utc(opening) >= instant and _inside(opening, hours):
                    return opening
        day += timedelta(days=1)
    raise ValueError("Business hours never open: the start time always falls after the end time.")


def add_business_days(dt: datetime, n: int, hours: BusinessHours) -> datetime:
    """The same wall-clock time n workdays after the next business moment at or after dt (n ≥ 0)."""
    if n < 0:
        raise ValueError(f"The number of business days to add must be 0 or more, got {n}.")
    base = next_business_time(dt, hours)
    if n == 0:
        return base
    day = base.date()
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if day.weekday() in hours.workdays:
            remaining -= 1
    return next_business_time(at_local(day, base.time(), hours.tz), hours)


def business_seconds_between(start: datetime, end: datetime, hours: BusinessHours) -> int:
    """Whole seconds of business time in [start, end): how long an inquiry really waited.

    A Friday-evening inquiry answered on Monday at 09:03 (hours 09:00–17:00) waited 180 seconds;
    an answer before the inquiry, or outside business hours right after it, waited 0.
    """
    _require_aware(start)
    _require_aware(end)
    lo, hi = _utc(start), _utc(end)
    if hi <= lo:
        return 0
    total = 0.0
    day = start.astimezone(hours.tz).date()
    last = end.astimezone(hours.tz).date()
    while day <= last:
        if day.weekday() in hours.workdays:
            opening = _utc(at_local(day, hours.start, hours.tz))
            closing = _utc(at_local(day, hours.end, hours.tz))
            overlap = (min(hi, closing) - max(lo, opening)).total_seconds()
            if overlap > 0:
                total += overlap
        day += timedelta(days=1)
    return int(total)


def local_days_later(dt: datetime, days: int, hours: BusinessHours) -> datetime:
    """The business moment `days` local calendar days after dt (days ≥ 0): the one rule for day-N
    cadence steps and check-ins.

    The time of day is anchored on the next business moment at or after dt (so a moment after
    closing counts as the next opening), the days are counted on the wall calendar from dt's own
    local day (so daylight-saving changes keep the time of day), and a day that is not a workday
    moves to the next opening. Qualified Thursday at closing time: one day later is Friday at
    opening, not Friday at closing time pushed to Monday.
    """
    if days < 0:
        raise ValueError(f"The number of days to add must be 0 or more, got {days}.")
    anchor = next_business_time(dt, hours)
    if days == 0:
        return anchor
    day = dt.astimezone(hours.tz).date() + timedelta(days=days)
    return next_business_time(at_local(day, anchor.time(), hours.tz), hours)
