"""Capacity routing: deterministic, proportional to remaining capacity, never over capacity."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.routing import RepLoad, assign_many, pick_rep


def test_full_and_inactive_reps_are_never_picked() -> None:
    reps = [RepLoad(1, 10, 10), RepLoad(2, 10, 3, active=False), RepLoad(3, 0, 0), RepLoad(4, 5, 4)]
    assert pick_rep(reps, None) == 4
    assert pick_rep([RepLoad(1, 10, 10), RepLoad(2, 5, 9)], None) is None
    assert pick_rep([], None) is None


def test_equal_reps_take_turns_after_the_previous_one() -> None:
    reps = [RepLoad(3, 10, 0), RepLoad(1, 10, 0), RepLoad(2, 10, 0)]
    assert pick_rep(reps, None) == 1
    assert pick_rep(reps, 1) == 2
    assert pick_rep(reps, 3) == 1
    assert assign_many(reps, 6) == [1, 2, 3, 1, 2, 3]


def test_highest_share_of_capacity_left_goes_first() -> None:
    reps = [RepLoad(1, 100, 50), RepLoad(2, 10, 2)]  # 50 % left vs 80 % left
    assert pick_rep(reps, 2) == 2


def test_fresh_month_split_follows_capacity() -> None:
    reps = [RepLoad(1, 60, 0), RepLoad(2, 30, 0), RepLoad(3, 10, 0)]
    counts = Counter(assign_many(reps, 50))
    assert counts == {1: 30, 2: 15, 3: 5}


def test_filling_up_gives_each_rep_exactly_its_remaining_capacity() -> None:
    reps = [RepLoad(1, 40, 30), RepLoad(2, 20, 0), RepLoad(3, 25, 5)]
    picks = assign_many(reps, 10 + 20 + 20 + 3)
    counts = Counter(picks)
    assert counts[1] == 10 and counts[2] == 20 and counts[3] == 20
    assert counts[None] == 3  # the rest goes to the over-capacity queue


def test_deterministic() -> None:
    reps = [RepLoad(i, 7 + i, i) for i in range(1, 6)]
    assert assign_many(reps, 30, 2) == assign_many(reps, 30, 2)


_reps = st.lists(
    st.builds(RepLoad, st.integers(1, 50), st.integers(0, 20), st.integers(0, 25), st.booleans()),
    max_size=6,
    unique_by=lambda r: r.rep_id,
)


@given(_reps, st.integers(0, 80))
def test_nobody_exceeds_capacity_and_split_tracks_remaining(
    reps: list[RepLoad], count: int
) -> None:
    picks = assign_many(reps, count)
    counts = Counter(p for p in picks if p is not None)
    by_id = {r.rep_id: r for r in reps}
    for rep_id, n in counts.items():
        rep = by_id[rep_id]
        assert rep.active and n <= rep.remaining
    open_total = sum(r.remaining for r in reps if r.active and r.capacity > 0)
    assert sum(counts.values()) == min(count, open_total)
    if count >= open_total:  # filled up: everyone got exactly what they had left
        for rep in reps:
            if rep.active:
                assert counts[rep.rep_id] == rep.remaining
    # at every step the chosen rep had the largest share of capacity left
    loads = dict(by_id)
    for pick in picks:
        if pick is None:
            break
        chosen = loads[pick]
        for other in loads.values():
            if other.can_take:
                assert chosen.remaining * other.capacity >= other.remaining * chosen.capacity
        loads[pick] = RepLoad(chosen.rep_id, chosen.capacity, chosen.assigned_this_month + 1)


def test_away_reps_get_nothing_and_the_overflow_says_why() -> None:
    from repdesk.core.routing import overflow_reason

    reps = [
        RepLoad(1, 10, 2, away=True, name="Ann Lee"),
        RepLoad(2, 5, 5, name="Ben Okafor"),
        RepLoad(3, 5, 0, active=False, name="Old Rep"),
    ]
    assert pick_rep(reps, None) is None
    assert overflow_reason(reps) == "Ann Lee away; Ben Okafor full (5 of 5)"
    assert pick_rep([*reps, RepLoad(4, 5, 1, name="Mia")], None) == 4
    assert overflow_reason([]) == "no active rep"
