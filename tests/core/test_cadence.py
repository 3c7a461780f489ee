"""Cadences: default plans, due times in business hours, resuming old leads, and the cadence
file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.core.business_hours import BusinessHours, is_business_time, next_business_time
from repdesk.core.cadence import (
    Cadence,
    CadenceStep,
    cadence_for_status,
    due_at,
    next_step_after,
    step,
)
from repdesk.core.domain import FollowUpKind, LeadStatus
from repdesk.formats.cadence_file import (
    CadenceFileError,
    load_cadence_file,
    load_default_cadences,
    parse_cadences,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = frozenset(range(5))
NY_HOURS = BusinessHours(time(9), time(17), WEEKDAYS, NEW_YORK)
BERLIN_HOURS = BusinessHours(time(8), time(16, 30), WEEKDAYS, BERLIN)
DEFAULTS = load_default_cadences()
BY_KEY = {cadence.key: cadence for cadence in DEFAULTS}
CALL, EMAIL = FollowUpKind.CALL, FollowUpKind.EMAIL


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)  # type: ignore[misc]


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def test_defaults_cover_every_open_status_and_no_closed_one() -> None:
    for status in LeadStatus:
        cadence = cadence_for_status(DEFAULTS, status)
        if status.is_closed:
            assert cadence is None
        else:
            assert cadence is not None and cadence.trigger_status is status


def test_new_inquiry_plan() -> None:
    cadence = BY_KEY["new_inquiry"]
    plan = [(s.day_offset, s.kind) for s in cadence.steps]
    assert plan == [
        (0, CALL),
        (0, EMAIL),
        (1, CALL),
        (3, CALL),
        (3, EMAIL),
        (7, CALL),
        (14, EMAIL),
        (30, CALL),
    ]
    assert len(cadence.steps) >= 6
    assert (cadence.repeat_every_days, cadence.repeat_kind) == (30, CALL)
    assert [step(cadence, i).day_offset for i in (8, 9, 10)] == [60, 90, 120]
    assert all(step(cadence, i).kind is CALL for i in (8, 9, 10))


def test_other_default_plans() -> None:
    assert [s.day_offset for s in BY_KEY["contacted"].steps] == [2, 5, 10]
    assert BY_KEY["contacted"].repeat_every_days == 30
    assert BY_KEY["nurture"].repeat_every_days == 30
    assert BY_KEY["not_a_fit"].repeat_every_days == 90
    qualified = BY_KEY["qualified"]
    assert [(s.day_offset, s.kind) for s in qualified.steps] == [(1, CALL)]
    assert (qualified.repeat_every_days, qualified.repeat_kind) == (7, CALL)


def test_day_zero_steps_are_due_at_once_in_hours() -> None:
    cadence = BY_KEY["new_inquiry"]
    started = ny(2024, 5, 15, 10, 12)
    assert due_at(cadence, 0, started, NY_HOURS) == started
    assert due_at(cadence, 1, started, NY_HOURS) == started


def test_day_zero_after_hours_is_due_next_business_morning() -> None:
    cadence = BY_KEY["new_inquiry"]
    assert due_at(cadence, 0, ny(2024, 5, 17, 21, 0), NY_HOURS) == ny(2024, 5, 20, 9, 0)


def test_qualified_hand_over_is_next_business_day() -> None:
    qualified = BY_KEY["qualified"]
    assert due_at(qualified, 0, ny(2024, 5, 15, 11, 0), NY_HOURS) == ny(2024, 5, 16, 11, 0)
    # Qualified on a Friday: the hand-over (day 1, a Saturday) is Monday morning; the weekly
    # follow-ups count from the planned day (day 8, again a Saturday), so they land on Mondays.
    assert due_at(qualified, 0, ny(2024, 5, 17, 11, 0), NY_HOURS) == ny(2024, 5, 20, 9, 0)
    assert due_at(qualified, 1, ny(2024, 5, 17, 11, 0), NY_HOURS) == ny(2024, 5, 27, 9, 0)
    assert due_at(qualified, 1, ny(2024, 5, 15, 11, 0), NY_HOURS) == ny(2024, 5, 23, 11, 0)


def test_day_n_steps_after_closing_count_from_the_day_they_started() -> None:
    qualified, contacted = BY_KEY["qualified"], BY_KEY["contacted"]
    # Qualified Thursday at 17:00 (closing): the hand-over is Friday at opening, not Monday.
    assert due_at(qualified, 0, ny(2024, 5, 16, 17, 0), NY_HOURS) == ny(2024, 5, 17, 9, 0)
    assert due_at(qualified, 0, ny(2024, 5, 16, 21, 0), NY_HOURS) == ny(2024, 5, 17, 9, 0)
    # The weekly follow-ups count from the same day: day 8 is the next Friday.
    assert due_at(qualified, 1, ny(2024, 5, 16, 17, 0), NY_HOURS) == ny(2024, 5, 24, 9, 0)
    # Contacted Monday after closing: day 2 is Wednesday, day 5 Saturday → Monday.
    assert due_at(contacted, 0, ny(2024, 5, 13, 17, 30), NY_HOURS) == ny(2024, 5, 15, 9, 0)
    assert due_at(contacted, 1, ny(2024, 5, 13, 17, 30), NY_HOURS) == ny(2024, 5, 20, 9, 0)


def test_month_end_and_leap_year_offsets_use_calendar_days() -> None:
    nurture = BY_KEY["nurture"]
    # 2024 is a leap year: Jan 31 + 30 days is Friday Mar 1.
    assert due_at(nurture, 0, ny(2024, 1, 31, 10, 0), NY_HOURS) == ny(2024, 3, 1, 10, 0)
    # 2023: Jan 31 + 30 days is Thursday Mar 2.
    assert due_at(nurture, 0, ny(2023, 1, 31, 10, 0), NY_HOURS) == ny(2023, 3, 2, 10, 0)
    # Feb 29 + 30 days is Sunday Mar 30 2024: moved to Monday Apr 1 at opening.
    assert due_at(nurture, 0, ny(2024, 2, 29, 10, 0), NY_HOURS) == ny(2024, 4, 1, 9, 0)


def test_due_time_keeps_wall_clock_across_dst() -> None:
    contacted = BY_KEY["contacted"]
    # Started Thu 2024-03-07 14:00 EST; day 5 is Tue 2024-03-12, after New York's spring forward.
    due = due_at(contacted, 1, ny(2024, 3, 7, 14, 0), NY_HOURS)
    assert (due.date().isoformat(), due.hour) == ("2024-03-12", 14)
    assert utc(due).hour == 18


def test_cadence_validation() -> None:
    one = (CadenceStep(1, CALL, "x"),)
    with pytest.raises(ValueError, match="closed status"):
        Cadence("k", "K", LeadStatus.WON, one, 7, CALL)
    with pytest.raises(ValueError, match="at least one step"):
        Cadence("k", "K", LeadStatus.NEW, (), 7, CALL)
    with pytest.raises(ValueError, match="must repeat"):
        Cadence("k", "K", LeadStatus.NEW, one, None, CALL)
    with pytest.raises(ValueError, match="must repeat"):
        Cadence("k", "K", LeadStatus.NEW, one, 0, CALL)
    with pytest.raises(ValueError, match="before the step"):
        Cadence(
            "k", "K", LeadStatus.NEW, (CadenceStep(3, CALL, ""), CadenceStep(1, CALL, "")), 7, CALL
        )
    with pytest.raises(IndexError):
        step(BY_KEY["nurture"], -1)


def test_cadence_for_status_with_none_defined() -> None:
    assert cadence_for_status([BY_KEY["nurture"]], LeadStatus.NEW) is None
    assert cadence_for_status(DEFAULTS, LeadStatus.LOST) is None


def test_next_step_for_fresh_lead_is_the_first_step_now() -> None:
    cadence = BY_KEY["new_inquiry"]
    started = ny(2024, 5, 15, 10, 0)
    assert next_step_after(cadence, -1, started, NY_HOURS, started) == (0, started)
    # Both day-0 steps are kept even minutes later: the email is not skipped because the call is
    # late.
    later = started + timedelta(minutes=20)
    assert next_step_after(cadence, 0, started, NY_HOURS, later) == (1, later)
    assert next_step_after(cadence, 1, started, NY_HOURS, later) == (2, ny(2024, 5, 16, 10, 0))


def test_resuming_an_old_lead_gives_one_step_now_not_a_pile() -> None:
    cadence = BY_KEY["new_inquiry"]
    started = ny(2024, 1, 2, 10, 0)
    now = ny(2024, 7, 3, 7, 0)  # before opening: due at 09:00
    index, due = next_step_after(cadence, -1, started, NY_HOURS, now)
    assert due == ny(2024, 7, 3, 9, 0)
    assert step(cadence, index).kind is CALL
    # The chosen step is the last one that was due; the one after it is in the future.
    assert utc(due_at(cadence, index, started, NY_HOURS)) < utc(due)
    assert utc(due_at(cadence, index + 1, started, NY_HOURS)) > utc(due) - timedelta(days=1)
    # Doing that step schedules the following one on plan, not now.
    after_index, after_due = next_step_after(
        cadence, index, started, NY_HOURS, due + timedelta(minutes=5)
    )
    assert after_index == index + 1
    assert after_due == due_at(cadence, index + 1, started, NY_HOURS)


def test_well_overdue_step_gives_way_to_a_step_due_now() -> None:
    cadence = BY_KEY["new_inquiry"]
    started = ny(2024, 1, 2, 10, 0)
    # Day 180 is Sunday 2024-06-30, so step 12 is due Monday 09:00: take it rather than the old step
    # 11.
    now = ny(2024, 7, 1, 9, 0)
    assert due_at(cadence, 12, started, NY_HOURS) == now
    assert next_step_after(cadence, -1, started, NY_HOURS, now) == (12, now)


def test_slightly_overdue_step_is_kept_and_due_now() -> None:
    cadence = BY_KEY["new_inquiry"]
    started = ny(2024, 5, 13, 10, 0)  # Monday
    now = ny(2024, 5, 14, 15, 0)  # day-1 call was due 5 hours ago
    assert next_step_after(cadence, 1, started, NY_HOURS, now) == (2, now)


TIMES = st.datetimes(
    min_value=datetime(2019, 12, 25), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
)
# Start times clustered around the DST changes of both zones (March, October/November).
NEAR_DST = st.builds(
    lambda year, month, day, minutes, tz: (
        datetime(year, month, day, tzinfo=tz) + timedelta(minutes=minutes)
    ),
    year=st.integers(2020, 2028),
    month=st.sampled_from([3, 10, 11]),
    day=st.integers(1, 31 - 3),
    minutes=st.integers(0, 24 * 60 - 1),
    tz=st.sampled_from([NEW_YORK, BERLIN]),
)
STARTS = st.one_of(TIMES, NEAR_DST)
HOURS = st.sampled_from(
    [
        NY_HOURS,
        BERLIN_HOURS,
        BusinessHours(time(2, 30), time(11), frozenset({0, 2, 4, 6}), NEW_YORK),
        BusinessHours(time(2, 15), time(20), frozenset({5, 6}), BERLIN),
    ]
)
CADENCES = st.sampled_from(DEFAULTS)


@settings(max_examples=300, deadline=None)
@given(cadence=CADENCES, started=STARTS, hours=HOURS)
def test_due_times_are_business_times_and_never_decrease(
    cadence: Cadence, started: datetime, hours: BusinessHours
) -> None:
    previous = None
    for index in range(len(cadence.steps) + 4):
        due = due_at(cadence, index, started, hours)
        assert is_business_time(due, hours)
        assert due.weekday() in hours.workdays
        assert utc(due) >= utc(started)
        # Day N is on the N-th local calendar day after the start's day, or later.
        offset = step(cadence, index).day_offset
        assert due.astimezone(hours.tz).date() >= (
            started.astimezone(hours.tz).date() + timedelta(days=offset)
        )
        if previous is not None:
            assert utc(due) >= utc(previous)
        previous = due


@settings(max_examples=300, deadline=None)
@given(
    cadence=CADENCES,
    started=STARTS,
    hours=HOURS,
    elapsed=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=800)),
    done=st.integers(-1, 10),
)
def test_next_step_is_never_before_now_and_always_exists(
    cadence: Cadence, started: datetime, hours: BusinessHours, elapsed: timedelta, done: int
) -> None:
    now = started + elapsed
    index, due = next_step_after(cadence, done, started, hours, now)
    assert index > done
    assert is_business_time(due, hours)
    assert utc(due) >= utc(next_business_time(now, hours))
    assert utc(due) >= utc(due_at(cadence, index, started, hours))
    # A step is skipped only when it is more than a day overdue and the step after it is due too.
    floor = utc(next_business_time(now, hours))
    for skipped in range(done + 1, index + 1):
        well_overdue = utc(due_at(cadence, skipped, started, hours)) < floor - timedelta(days=1)
        next_due = utc(due_at(cadence, skipped + 1, started, hours)) <= floor
        assert (well_overdue and next_due) == (skipped < index)


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "cadences.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _minimal(**overrides: object) -> dict[str, object]:
    cadence: dict[str, object] = {
        "key": "k",
        "name": "K",
        "trigger_status": "new",
        "steps": [{"day_offset": 0, "kind": "call", "note": "now"}],
        "repeat_every_days": 7,
        "repeat_kind": "email",
    }
    cadence.update(overrides)
    return {"version": 1, "cadences": [cadence]}


def test_cadence_file_round_trip(tmp_path: Path) -> None:
    (cadence,) = load_cadence_file(_write(tmp_path, _minimal(repeat_note="weekly")))
    assert cadence == Cadence(
        "k", "K", LeadStatus.NEW, (CadenceStep(0, CALL, "now"),), 7, EMAIL, "weekly"
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"version": 2, "cadences": []}, "unsupported version 2"),
        ({"version": 1, "cadences": []}, "non-empty list"),
        (_minimal(trigger_status="won"), "is closed"),
        (_minimal(trigger_status="hot"), "trigger_status 'hot' is not one of new, contacted"),
        (_minimal(repeat_kind="fax"), "repeat_kind 'fax' is not one of call, email, task"),
        (
            _minimal(repeat_every_days=0),
            "repeat_every_days must be a whole number of days ≥ 1, got 0",
        ),
        (_minimal(repeat_every_days=None), "repeat_every_days must be a whole number"),
        (_minimal(repeat_every_days=True), "repeat_every_days must be a whole number"),
        (_minimal(steps=[]), '"steps" must be a non-empty list'),
        (_minimal(steps=[{"day_offset": -1, "kind": "call"}]), "step 1: day_offset must be"),
        (_minimal(steps=[{"day_offset": 1.5, "kind": "call"}]), "step 1: day_offset must be"),
        (_minimal(steps=[{"day_offset": 1, "kind": "call", "when": 2}]), "unknown field 'when'"),
        (
            _minimal(steps=[{"day_offset": 3, "kind": "call"}, {"day_offset": 1, "kind": "call"}]),
            "step 2: day_offset 1 comes before",
        ),
        (_minimal(name=""), "name must be non-empty text"),
        (_minimal(colour="red"), "unknown field 'colour'"),
    ],
)
def test_cadence_file_errors_are_one_sentence(
    tmp_path: Path, document: object, message: str
) -> None:
    with pytest.raises(CadenceFileError) as caught:
        load_cadence_file(_write(tmp_path, document))
    text = str(caught.value)
    assert message in text
    assert text.startswith(str(tmp_path))
    assert text.endswith(".") and "\n" not in text


def test_cadence_file_rejects_duplicates() -> None:
    document = _minimal()
    cadences = document["cadences"]
    assert isinstance(cadences, list)
    cadences.append(dict(cadences[0], key="other"))
    with pytest.raises(CadenceFileError, match="status 'new' already starts cadence 'k'"):
        parse_cadences(json.dumps(document))
    cadences[1]["key"] = "k"
    with pytest.raises(CadenceFileError, match="key is used twice"):
        parse_cadences(json.dumps(document))


def test_cadence_file_bad_json_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CadenceFileError, match="invalid JSON at line 1"):
        parse_cadences("{nope")
    with pytest.raises(CadenceFileError, match="cannot read the cadence file"):
        load_cadence_file(tmp_path / "missing.json")


def test_opening_inside_a_dst_gap_keeps_due_times_in_order() -> None:
    # Found by hypothesis: opening at 02:30 on New York's spring-forward Sunday. Day 0 and day 1
    # must both be due at the jump (03:00 EDT), not day 0 at 03:30 and day 1 earlier at 03:00.
    hours = BusinessHours(time(2, 30), time(11), frozenset({0, 2, 4, 6}), NEW_YORK)
    cadence = BY_KEY["new_inquiry"]
    started = datetime(2021, 3, 13, 8, 0, tzinfo=BERLIN)  # Saturday 02:00 EST
    day0, day1 = due_at(cadence, 0, started, hours), due_at(cadence, 2, started, hours)
    assert utc(day0) == utc(day1) == datetime(2021, 3, 14, 7, 0, tzinfo=UTC)
