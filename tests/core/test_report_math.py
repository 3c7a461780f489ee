"""Report arithmetic: medians, shares over every lead, histogram edges, attempts and funnel
folding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core import report_math as rm

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_median_of_odd_even_and_none() -> None:
    assert rm.median([]) is None
    assert rm.median([7.0]) == 7.0
    assert rm.median([9.0, 1.0, 5.0]) == 5.0
    assert rm.median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_shares_count_never_contacted_leads_in_the_denominator() -> None:
    delays = [1.0, 5.0, 6.0, None]
    assert rm.share_within(delays, 5) == 0.5  # 5.0 is within: the bound is inclusive
    assert rm.share_within([], 5) == 0.0
    assert rm.share_within([None, None], 60) == 0.0


def test_buckets_at_their_edges() -> None:
    bounds = rm.bucket_bounds(5)
    delays = [0.0, 5.0, 5.01, 60.0, 61.0, 1440.0, 1441.0, 10080.0, 10081.0, None]
    buckets = rm.speed_buckets(delays, bounds)
    assert [b.label for b in buckets] == [
        "≤ 5 min",
        "5–60 min",
        "1–24 h",
        "1–7 d",
        "> 7 d",
        "Never",
    ]
    assert [b.count for b in buckets] == [2, 2, 2, 2, 1, 1]


def test_bucket_bounds_follow_the_target_but_stay_ordered() -> None:
    assert rm.bucket_bounds(15)[0] == 15
    assert rm.bucket_bounds(90)[0] == 5.0  # a target over an hour would break the order
    assert rm.bucket_bounds(0)[0] == 5.0


def test_speed_figures_for_no_leads() -> None:
    figures = rm.speed_figures([], 5)
    assert figures.median_minutes is None
    assert (figures.within_target_share, figures.within_hour_share, figures.within_day_share) == (
        0.0,
        0.0,
        0.0,
    )
    assert figures.never_contacted == 0 and sum(b.count for b in figures.buckets) == 0


def test_speed_figures_exact() -> None:
    figures = rm.speed_figures([2.0, 30.0, 120.0, None], 5)
    assert figures.median_minutes == 30.0
    assert figures.within_target_share == 0.25
    assert figures.within_hour_share == 0.5
    assert figures.within_day_share == 0.75
    assert figures.never_contacted == 1 and figures.contacted == 3 and figures.received == 4


@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False)), max_size=60
    ),
    st.integers(min_value=1, max_value=59),
)
def test_buckets_partition_every_lead_and_shares_are_monotone(
    delays: list[float | None], target: int
) -> None:
    figures = rm.speed_figures(delays, target)
    assert sum(b.count for b in figures.buckets) == len(delays)
    assert figures.buckets[-1].count == figures.never_contacted
    assert (
        0.0
        <= figures.within_target_share
        <= figures.within_hour_share
        <= figures.within_day_share
        <= 1.0
    )
    assert figures.buckets[0].count == round(figures.within_target_share * len(delays))


def test_attempts_count_calls_before_the_first_connect_only() -> None:
    calls = [
        (1, T0 + timedelta(hours=2), 12, "connected"),
        (1, T0, 10, "no_answer"),
        (1, T0 + timedelta(hours=1), 11, "voicemail"),
        (1, T0 + timedelta(hours=3), 13, "no_answer"),  # after the connect: not counted
        (2, T0, 20, "connected"),
        (3, T0, 30, "no_answer"),
        (3, T0, 31, "wrong_number"),
    ]
    per_lead = rm.attempts_before_connect(calls)
    assert per_lead == {1: 2, 2: 0, 3: None}
    figures = rm.attempt_figures(per_lead)
    assert (figures.connected_leads, figures.median_attempts, figures.mean_attempts) == (
        2,
        1.0,
        1.0,
    )
    assert (figures.max_attempts, figures.unreached_leads) == (2, 1)


def test_attempt_figures_with_no_calls() -> None:
    figures = rm.attempt_figures({})
    assert (
        figures.median_attempts is None
        and figures.mean_attempts is None
        and figures.max_attempts == 0
    )


def test_group_funnels_fold_status_and_verdict_counts() -> None:
    rows = [
        ("Web", "won", None, 2),
        ("Web", "qualified", "qualified", 3),
        ("Web", "lost", "qualified", 1),
        ("Web", "lost", None, 4),
        ("Ads", "new", None, 5),
        ("", "won", "qualified", 1),
    ]
    groups = {g.name: g for g in rm.group_funnels(rows)}
    assert (groups["Web"].leads, groups["Web"].qualified, groups["Web"].won) == (10, 6, 2)
    assert groups["Web"].won_rate == 2 / 6
    assert groups["Ads"].won_rate == 0.0
    assert groups["(none)"].won == 1
    assert [g.name for g in rm.group_funnels(rows)] == ["Web", "Ads", "(none)"]


def test_rate_is_zero_for_nothing() -> None:
    assert rm.rate(0, 0) == 0.0 and rm.rate(1, 4) == 0.25
