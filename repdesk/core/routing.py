"""Routing a qualified lead to a rep by remaining monthly capacity (deterministic round robin)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class RepLoad:
    rep_id: int
    capacity: int
    assigned_this_month: int
    active: bool = True
    away: bool = False  # on holiday or sick: hands nothing over until they are back
    name: str = ""

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.assigned_this_month)

    @property
    def can_take(self) -> bool:
        return self.active and not self.away and self.capacity > 0 and self.remaining > 0


def overflow_reason(reps: Sequence[RepLoad]) -> str:
    """Why nobody can take a lead, rep by rep: "Ann Lee away; Ben Okafor full (30 of 30)"."""
    reasons = []
    for r in reps:
        if not r.active:
            continue
        who = r.name or f"rep {r.rep_id}"
        if r.away:
            reasons.append(f"{who} away")
        elif r.remaining <= 0:
            reasons.append(f"{who} full ({r.assigned_this_month} of {r.capacity})")
    return "; ".join(reasons) if reasons else "no active rep"


def pick_rep(reps: Sequence[RepLoad], previous_rep_id: int | None) -> int | None:
    """The rep to get the next lead, or None when every active rep is full.

    Picks the rep with the most capacity left relative to their capacity, so over a
    month each rep receives leads in proportion to their remaining capacity and nobody
    goes over. Ties go to the first tied rep after `previous_rep_id` in rep-id order,
    which makes equal reps take turns. No randomness: same input, same pick.
    """
    candidates = [r for r in reps if r.can_take]
    if not candidates:
        return None
    best = max(Fraction(r.remaining, r.capacity) for r in candidates)
    tied = sorted(r.rep_id for r in candidates if Fraction(r.remaining, r.capacity) == best)
    if previous_rep_id is not None:
        for rep_id in tied:
            if rep_id > previous_rep_id:
                return rep_id
    return tied[0]


def assign_many(
    reps: Sequence[RepLoad], count: int, previous_rep_id: int | None = None
) -> list[int | None]:
    """Route `count` leads one after another, updating loads as it goes (for previews and tests)."""
    loads = {r.rep_id: r for r in reps}
    picks: list[int | None] = []
    previous = previous_rep_id
    for _ in range(count):
        pick = pick_rep(list(loads.values()), previous)
        picks.append(pick)
        if pick is not None:
            load = loads[pick]
            loads[pick] = RepLoad(
                load.rep_id,
                load.capacity,
                load.assigned_this_month + 1,
                load.active,
                load.away,
                load.name,
            )
            previous = pick
    return picks
