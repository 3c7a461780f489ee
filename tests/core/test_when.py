"""One date-time format across the app: relative when recent, one absolute form elsewhere."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.when import format_absolute, format_moment

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 1, 14, 30, tzinfo=BERLIN)  # a Tuesday


def test_recent_moments_are_relative() -> None:
    assert format_moment(NOW - timedelta(seconds=20), NOW, BERLIN) == "just now"
    assert format_moment(NOW - timedelta(minutes=12), NOW, BERLIN) == "12 min ago"
    assert format_moment(NOW + timedelta(minutes=40), NOW, BERLIN) == "in 40 min"
    assert format_moment(NOW.replace(hour=9, minute=5), NOW, BERLIN) == "today 09:05"
    assert format_moment(NOW + timedelta(days=1, hours=-5), NOW, BERLIN) == "tomorrow 09:30"
    assert format_moment(NOW - timedelta(days=1), NOW, BERLIN) == "yesterday 14:30"


def test_other_days_use_the_one_absolute_form() -> None:
    assert (
        format_moment(datetime(2026, 12, 3, 10, tzinfo=BERLIN), NOW, BERLIN) == "Thu 03 Dec 10:00"
    )
    assert format_moment(datetime(2025, 12, 3, 10, tzinfo=BERLIN), NOW, BERLIN) == (
        "Wed 03 Dec 2025 10:00"
    )


def test_the_workspace_clock_decides_the_day() -> None:
    utc_late = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on Wednesday in Berlin
    assert format_moment(utc_late, NOW, BERLIN) == "tomorrow 00:30"


@given(st.integers(min_value=-400 * 86400, max_value=400 * 86400))
def test_every_moment_has_a_short_text_and_absolute_names_the_day(offset: int) -> None:
    moment = NOW + timedelta(seconds=offset)
    text = format_moment(moment, NOW, BERLIN)
    assert 0 < len(text) <= len("Wed 03 Dec 2025 10:00")
    assert format_absolute(moment, NOW, BERLIN).startswith(moment.astimezone(BERLIN).strftime("%a"))
