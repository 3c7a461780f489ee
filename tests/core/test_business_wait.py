"""Speed to lead in business hours: how long an inquiry waited, counting only opening hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.core.business_hours import BusinessHours, business_seconds_between, is_business_time

NEW_YORK = ZoneInfo("America/New_York")
NY_HOURS = BusinessHours(time(9), time(17), frozenset(range(5)), NEW_YORK)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)  # type: ignore[misc]


def test_a_friday_evening_inquiry_answered_monday_at_0903_waited_three_minutes() -> None:
    friday_evening = ny(2026, 11, 20, 19, 0)
    monday = ny(2026, 11, 23, 9, 3)
    assert business_seconds_between(friday_evening, monday, NY_HOURS) == 180


def test_inside_one_business_day_the_wait_is_the_clock_time() -> None:
    assert business_seconds_between(ny(2026, 11, 18, 10), ny(2026, 11, 18, 11, 30), NY_HOURS) == (
        90 * 60
    )


def test_overnight_counts_the_evening_and_the_morning_only() -> None:
    # 16:00 → next day 10:00: one hour before closing, one hour after opening.
    assert business_seconds_between(ny(2026, 11, 18, 16), ny(2026, 11, 19, 10), NY_HOURS) == 7200


def test_an_answer_outside_hours_right_after_the_inquiry_waited_nothing() -> None:
    assert business_seconds_between(ny(2026, 11, 21, 10), ny(2026, 11, 21, 12), NY_HOURS) == 0


def test_an_answer_stamped_before_the_inquiry_waited_nothing() -> None:
    assert business_seconds_between(ny(2026, 11, 18, 12), ny(2026, 11, 18, 11), NY_HOURS) == 0


def test_a_daylight_saving_day_counts_its_real_business_hours() -> None:
    # 2026-03-08 is a Sunday (spring forward); Monday 9–17 is still eight real hours.
    assert business_seconds_between(ny(2026, 3, 6, 17), ny(2026, 3, 9, 17), NY_HOURS) == 8 * 3600


def test_times_in_another_zone_are_judged_on_the_business_clock() -> None:
    start = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # 09:00 in New York
    assert business_seconds_between(start, start + timedelta(minutes=5), NY_HOURS) == 300


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        business_seconds_between(datetime(2026, 11, 18, 9), ny(2026, 11, 18, 10), NY_HOURS)


_moments = st.integers(min_value=0, max_value=60 * 24 * 3600).map(
    lambda s: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=s)
)


@settings(max_examples=300, deadline=None)
@given(_moments, _moments, _moments)
def test_waits_add_up_and_never_exceed_the_clock(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    first, second = (
        business_seconds_between(a, b, NY_HOURS),
        business_seconds_between(b, c, NY_HOURS),
    )
    assert business_seconds_between(a, c, NY_HOURS) == first + second
    assert 0 <= first <= (b - a).total_seconds()


@settings(max_examples=200, deadline=None)
@given(_moments, st.integers(min_value=1, max_value=600))
def test_one_second_steps_count_exactly_the_business_seconds(start: datetime, steps: int) -> None:
    # Counting second by second with is_business_time gives the same total (near an edge too).
    start = start.replace(second=0)
    inside = sum(is_business_time(start + timedelta(seconds=i), NY_HOURS) for i in range(steps))
    assert business_seconds_between(start, start + timedelta(seconds=steps), NY_HOURS) == inside
