"""Business hours: opening times, weekends, business-day arithmetic and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.core.business_hours import (
    BusinessHours,
    add_business_days,
    at_local,
    is_business_time,
    next_business_time,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = frozenset(range(5))
NY_HOURS = BusinessHours(time(9), time(17), WEEKDAYS, NEW_YORK)
BERLIN_HOURS = BusinessHours(time(8, 30), time(18), WEEKDAYS, BERLIN)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)  # type: ignore[misc]


def test_inside_hours_is_unchanged() -> None:
    wednesday_ten = ny(2024, 5, 15, 10, 0)
    assert next_business_time(wednesday_ten, NY_HOURS) == wednesday_ten
    assert is_business_time(wednesday_ten, NY_HOURS)


def test_before_start_moves_to_same_day_start() -> None:
    assert next_business_time(ny(2024, 5, 15, 6, 45), NY_HOURS) == ny(2024, 5, 15, 9, 0)


def test_end_is_exclusive_and_after_end_moves_to_next_workday() -> None:
    assert not is_business_time(ny(2024, 5, 15, 17, 0), NY_HOURS)
    assert next_business_time(ny(2024, 5, 15, 17, 0), NY_HOURS) == ny(2024, 5, 16, 9, 0)
    assert next_business_time(ny(2024, 5, 15, 23, 59), NY_HOURS) == ny(2024, 5, 16, 9, 0)


def test_friday_evening_and_weekend_move_to_monday() -> None:
    monday = ny(2024, 5, 20, 9, 0)
    assert next_business_time(ny(2024, 5, 17, 18, 0), NY_HOURS) == monday
    assert next_business_time(ny(2024, 5, 18, 11, 0), NY_HOURS) == monday
    assert next_business_time(ny(2024, 5, 19, 8, 0), NY_HOURS) == monday


def test_input_in_another_zone_is_judged_on_the_local_clock() -> None:
    # 13:30 UTC is 09:30 in New York (EDT): inside hours, though UTC says nothing about it.
    instant = datetime(2024, 5, 15, 13, 30, tzinfo=UTC)
    result = next_business_time(instant, NY_HOURS)
    assert result == instant
    assert result.tzinfo is NEW_YORK
    # 22:30 UTC Friday is 18:30 in New York: Monday 09:00 EDT is 13:00 UTC.
    friday = datetime(2024, 5, 17, 22, 30, tzinfo=UTC)
    assert next_business_time(friday, NY_HOURS).astimezone(UTC) == datetime(
        2024, 5, 20, 13, 0, tzinfo=UTC
    )


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        next_business_time(datetime(2024, 5, 15, 10, 0), NY_HOURS)


@pytest.mark.parametrize(
    ("start", "end", "workdays", "message"),
    [
        (time(17), time(9), WEEKDAYS, "start before"),
        (time(9), time(9), WEEKDAYS, "start before"),
        (time(9), time(17), frozenset(), "at least one workday"),
        (time(9), time(17), frozenset({7}), "0 \\(Monday\\) to 6"),
    ],
)
def test_invalid_hours_are_refused(
    start: time, end: time, workdays: frozenset[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessHours(start, end, workdays, NEW_YORK)


def test_spring_forward_keeps_wall_clock_start() -> None:
    # New York springs forward on Sunday 2024-03-10; Monday still opens at 09:00 local (13:00 UTC,
    # not 14:00).
    result = next_business_time(ny(2024, 3, 8, 18, 0), NY_HOURS)
    assert result.astimezone(UTC) == datetime(2024, 3, 11, 13, 0, tzinfo=UTC)
    assert result.utcoffset() == timedelta(hours=-4)


def test_start_in_the_spring_forward_gap_moves_forward() -> None:
    early = BusinessHours(time(2, 30), time(17), frozenset(range(7)), NEW_YORK)
    result = next_business_time(ny(2024, 3, 10, 1, 0), early)
    # 02:30 does not exist that night: the clock jumps from 02:00 EST to 03:00 EDT, and 03:00
    # is already past the opening time on the wall clock, so business starts at the jump.
    assert result.astimezone(UTC) == datetime(2024, 3, 10, 7, 0, tzinfo=UTC)
    assert (result.hour, result.minute) == (3, 0)
    assert is_business_time(result, early)
    assert not is_business_time(result.astimezone(UTC) - timedelta(seconds=1), early)


def test_opening_time_repeated_by_fall_back_opens_again() -> None:
    # 01:30 happens twice on 2024-11-03 in New York. At 01:10 EST (after the first 01:30 EDT)
    # the wall clock is before opening again, and the next opening is 01:30 EST, not Monday.
    early = BusinessHours(time(1, 30), time(17), frozenset(range(7)), NEW_YORK)
    second_pass = datetime(2024, 11, 3, 6, 10, tzinfo=UTC)
    assert second_pass.astimezone(NEW_YORK).strftime("%H:%M %Z") == "01:10 EST"
    result = next_business_time(second_pass, early)
    assert result.astimezone(UTC) == datetime(2024, 11, 3, 6, 30, tzinfo=UTC)


def test_at_local_takes_first_occurrence_of_an_ambiguous_time() -> None:
    # 01:30 happens twice on 2024-11-03 in New York; the first is EDT (05:30 UTC).
    result = at_local(datetime(2024, 11, 3).date(), time(1, 30), NEW_YORK)
    assert result.astimezone(UTC) == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)


def test_fall_back_in_berlin_keeps_wall_clock_start() -> None:
    # Berlin falls back on Sunday 2024-10-27: Monday 08:30 is CET (07:30 UTC).
    friday_evening = datetime(2024, 10, 25, 19, 0, tzinfo=BERLIN)
    result = next_business_time(friday_evening, BERLIN_HOURS)
    assert result.astimezone(UTC) == datetime(2024, 10, 28, 7, 30, tzinfo=UTC)


def test_add_business_days_skips_weekends_and_keeps_time() -> None:
    assert add_business_days(ny(2024, 5, 17, 10, 0), 1, NY_HOURS) == ny(2024, 5, 20, 10, 0)
    assert add_business_days(ny(2024, 5, 15, 10, 0), 5, NY_HOURS) == ny(2024, 5, 22, 10, 0)
    assert add_business_days(ny(2024, 5, 15, 10, 0), 0, NY_HOURS) == ny(2024, 5, 15, 10, 0)


def test_add_business_days_starts_from_the_next_business_moment() -> None:
    # Saturday: the next business moment is Monday 09:00, one business day later is Tuesday 09:00.
    assert add_business_days(ny(2024, 5, 18, 12, 0), 1, NY_HOURS) == ny(2024, 5, 21, 9, 0)


def test_add_business_days_across_dst_keeps_wall_clock() -> None:
    result = add_business_days(ny(2024, 3, 8, 10, 0), 1, NY_HOURS)
    assert (result.date().isoformat(), result.hour) == ("2024-03-11", 10)
    assert result.astimezone(UTC).hour == 14


def test_add_negative_business_days_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_business_days(ny(2024, 5, 15, 10, 0), -1, NY_HOURS)


ZONES = st.sampled_from([NEW_YORK, BERLIN, ZoneInfo("Australia/Lord_Howe"), UTC])
HOURS = st.builds(
    BusinessHours,
    start=st.sampled_from([time(0), time(2, 30), time(8), time(9)]),
    end=st.sampled_from([time(12), time(17), time(23, 59)]),
    workdays=st.frozensets(st.integers(0, 6), min_size=1),
    tz=ZONES,
)
INSTANTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300)
@given(hours=HOURS, instant=INSTANTS)
def test_next_business_time_is_the_earliest_business_moment(
    hours: BusinessHours, instant: datetime
) -> None:
    result = next_business_time(instant, hours)
    assert is_business_time(result, hours)
    assert result.astimezone(UTC) >= instant
    assert result.tzinfo is hours.tz
    # Earliest: either dt itself, or a moment just before which it was not business time.
    if result.astimezone(UTC) != instant:
        assert not is_business_time(instant, hours)
        assert not is_business_time(result.astimezone(UTC) - timedelta(seconds=1), hours)
        assert result.time() >= hours.start
    assert next_business_time(result, hours) == result


@settings(max_examples=200)
@given(hours=HOURS, instant=INSTANTS, n=st.integers(0, 30))
def test_add_business_days_lands_on_business_time_and_moves_forward(
    hours: BusinessHours, instant: datetime, n: int
) -> None:
    result = add_business_days(instant, n, hours)
    assert is_business_time(result, hours)
    base = next_business_time(instant, hours)
    assert result.astimezone(UTC) >= base.astimezone(UTC)
    if n:
        assert result.date() > base.date()
