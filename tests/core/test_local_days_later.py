"""'N local days later, in business hours' (core.business_hours.local_days_later): the one rule for
every day-N cadence step and the nurture check-in, at its edges (closing time, weekends, DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.core.business_hours import (
    BusinessHours,
    is_business_time,
    local_days_later,
    next_business_time,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = frozenset(range(5))
NY_HOURS = BusinessHours(time(9), time(17), WEEKDAYS, NEW_YORK)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)  # type: ignore[misc]


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


@pytest.mark.parametrize(
    "start, days, expected",
    [
        # Thursday at closing time: the next business day is Friday (the day after Thursday), at
        # the next business moment's time of day, not Friday 17:00 pushed to Monday.
        (ny(2024, 5, 16, 17, 0), 1, ny(2024, 5, 17, 9, 0)),
        (ny(2024, 5, 16, 20, 30), 1, ny(2024, 5, 17, 9, 0)),
        (ny(2024, 5, 16, 16, 59), 1, ny(2024, 5, 17, 16, 59)),
        (ny(2024, 5, 16, 7, 0), 1, ny(2024, 5, 17, 9, 0)),
        # Friday after closing: the next business day is Monday, not Tuesday.
        (ny(2024, 5, 17, 17, 0), 1, ny(2024, 5, 20, 9, 0)),
        (ny(2024, 5, 18, 11, 0), 1, ny(2024, 5, 20, 9, 0)),  # Saturday
        # Day 3 after Thursday evening is Sunday: Monday at opening.
        (ny(2024, 5, 16, 18, 0), 3, ny(2024, 5, 20, 9, 0)),
        (ny(2024, 5, 16, 18, 0), 7, ny(2024, 5, 23, 9, 0)),
        # Day 0 is the next business moment itself.
        (ny(2024, 5, 16, 17, 0), 0, ny(2024, 5, 17, 9, 0)),
        (ny(2024, 5, 16, 11, 0), 0, ny(2024, 5, 16, 11, 0)),
        # Across New York's spring-forward (Sun 10 Mar 2024) the wall clock is kept.
        (ny(2024, 3, 7, 14, 0), 5, ny(2024, 3, 12, 14, 0)),
        (ny(2024, 3, 7, 17, 0), 5, ny(2024, 3, 12, 9, 0)),
        # 30 calendar days, not 30 × 24 hours, across the fall-back (Sun 3 Nov 2024).
        (ny(2024, 10, 21, 10, 0), 30, ny(2024, 11, 20, 10, 0)),
    ],
)
def test_examples(start: datetime, days: int, expected: datetime) -> None:
    result = local_days_later(start, days, NY_HOURS)
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        local_days_later(ny(2024, 5, 16, 10, 0), -1, NY_HOURS)


# Start times anywhere, and clustered around the DST changes of both zones.
TIMES = st.datetimes(
    min_value=datetime(2019, 12, 25), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
)
NEAR_DST = st.builds(
    lambda year, month, day, minutes, tz: (
        datetime(year, month, day, tzinfo=tz) + timedelta(minutes=minutes)
    ),
    year=st.integers(2020, 2028),
    month=st.sampled_from([3, 10, 11]),
    day=st.integers(1, 28),
    minutes=st.integers(0, 24 * 60 - 1),
    tz=st.sampled_from([NEW_YORK, BERLIN]),
)
STARTS = st.one_of(TIMES, NEAR_DST)
HOURS = st.sampled_from(
    [
        NY_HOURS,
        BusinessHours(time(8, 30), time(16, 30), WEEKDAYS, BERLIN),
        BusinessHours(time(10), time(18), frozenset({1, 2, 3, 4, 5}), BERLIN),  # Tue–Sat
        # Openings inside the 02:00–03:00 spring-forward gap, and odd workdays.
        BusinessHours(time(2, 30), time(11), frozenset({0, 2, 4, 6}), NEW_YORK),
        BusinessHours(time(2, 15), time(20), frozenset({5, 6}), BERLIN),
    ]
)
DAYS = st.integers(0, 120)


def local_date(dt: datetime, hours: BusinessHours) -> date:
    return dt.astimezone(hours.tz).date()


@settings(max_examples=400, deadline=None)
@given(start=STARTS, days=DAYS, hours=HOURS)
def test_the_result_is_a_business_moment_on_or_after_day_n(
    start: datetime, days: int, hours: BusinessHours
) -> None:
    result = local_days_later(start, days, hours)
    assert is_business_time(result, hours)
    assert utc(result) >= utc(next_business_time(start, hours))
    assert local_date(result, hours) >= local_date(start, hours) + timedelta(days=days)
    if days == 0:
        assert result == next_business_time(start, hours)


@settings(max_examples=400, deadline=None)
@given(start=STARTS, days=st.integers(1, 120), hours=HOURS)
def test_day_n_on_a_workday_lands_on_that_day(
    start: datetime, days: int, hours: BusinessHours
) -> None:
    target = local_date(start, hours) + timedelta(days=days)
    result = local_days_later(start, days, hours)
    if target.weekday() in hours.workdays:
        # The Thursday 17:00 edge: a day-1 step after closing is on Friday, never later.
        assert local_date(result, hours) == target
        local_start = start.astimezone(hours.tz)
        if is_business_time(start, hours) and is_business_time(
            result.replace(hour=local_start.hour, minute=local_start.minute), hours
        ):
            # Started in business hours: the same wall-clock time, whatever DST did in between.
            local = result.astimezone(hours.tz)
            assert (local.hour, local.minute) == (local_start.hour, local_start.minute)
    else:
        # Not a workday: the next workday's opening.
        day = target
        while day.weekday() not in hours.workdays:
            day += timedelta(days=1)
        assert local_date(result, hours) == day
        assert result == next_business_time(datetime.combine(day, time(0), tzinfo=hours.tz), hours)


@settings(max_examples=300, deadline=None)
@given(start=STARTS, first=DAYS, more=st.integers(0, 60), hours=HOURS)
def test_more_days_are_never_earlier(
    start: datetime, first: int, more: int, hours: BusinessHours
) -> None:
    earlier = local_days_later(start, first, hours)
    later = local_days_later(start, first + more, hours)
    assert utc(later) >= utc(earlier)
