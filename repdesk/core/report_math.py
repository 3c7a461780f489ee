"""Report arithmetic over plain numbers: medians, shares, speed-to-lead buckets, attempts and funnel
rates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from repdesk.core.domain import CallOutcome, LeadStatus, Verdict

HOUR = 60.0
DAY = 24 * HOUR
WEEK = 7 * DAY


@dataclass(frozen=True)
class Bucket:
    """One bar of the speed-to-lead histogram: a label and how many leads fall in it."""

    label: str
    count: int


@dataclass(frozen=True)
class SpeedFigures:
    """Speed to lead over every lead received in a period (never-contacted leads count in each
    share)."""

    received: int
    contacted: int
    never_contacted: int
    median_minutes: float | None
    within_target_share: float
    within_hour_share: float
    within_day_share: float
    buckets: tuple[Bucket, ...]


@dataclass(frozen=True)
class AttemptFigures:
    """Call attempts made before the first connected call, per lead that was reached."""

    connected_leads: int
    median_attempts: float | None
    mean_attempts: float | None
    max_attempts: int
    unreached_leads: int


@dataclass(frozen=True)
class GroupFunnel:
    """Leads of one source or product: how many, how many reached qualified, how many were won."""

    name: str
    leads: int
    qualified: int
    won: int

    @property
    def won_rate(self) -> float:
        return rate(self.won, self.qualified)


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0


def mean(values: Sequence[float]) -> float | None:
    return None if not values else sum(values) / len(values)


def rate(part: int, whole: int) -> float:
    """part / whole, 0.0 when there is nothing to divide; always between 0 and 1 for counts."""
    return 0.0 if whole <= 0 else part / whole


def share_within(delays: Sequence[float | None], limit_minutes: float) -> float:
    """Share of all leads (None = never answered) answered within `limit_minutes` (inclusive)."""
    hits = sum(1 for d in delays if d is not None and d <= limit_minutes)
    return rate(hits, len(delays))


def bucket_bounds(target_minutes: float) -> tuple[float, ...]:
    """Upper bounds (minutes) of the histogram bars: the response target, 1 h, 24 h, 7 d."""
    first = target_minutes if 0 < target_minutes < HOUR else 5.0
    return (first, HOUR, DAY, WEEK)


def bucket_labels(bounds: Sequence[float]) -> tuple[str, ...]:
    """Compact bar labels: '≤ 5 min', '5–60 min', '1–24 h', '1–7 d', '> 7 d', 'Never'."""
    labels = [f"≤ {_amount(bounds[0], _unit(bounds[0]))} {_unit(bounds[0])}"]
    for low, high in zip(bounds, bounds[1:], strict=False):
        unit = _unit(high)
        labels.append(f"{_amount(low, unit)}–{_amount(high, unit)} {unit}")
    labels += [f"> {_amount(bounds[-1], _unit(bounds[-1]))} {_unit(bounds[-1])}", "Never"]
    return tuple(labels)


def speed_buckets(delays: Iterable[float | None], bounds: Sequence[float]) -> tuple[Bucket, ...]:
    """Histogram of response delays: one bar per bound (upper bound inclusive), one over, one
    never."""
    counts = [0] * (len(bounds) + 2)
    for d in delays:
        if d is None:
            counts[-1] += 1
            continue
        for i, bound in enumerate(bounds):
            if d <= bound:
                counts[i] += 1
                break
        else:
            counts[-2] += 1
    return tuple(Bucket(label, n) for label, n in zip(bucket_labels(bounds), counts, strict=True))


def speed_figures(delays: Sequence[float | None], target_minutes: float) -> SpeedFigures:
    """Every speed-to-lead figure for one period; `delays` has one entry per lead received."""
    answered = [d for d in delays if d is not None]
    return SpeedFigures(
        received=len(delays),
        contacted=len(answered),
        never_contacted=len(delays) - len(answered),
        median_minutes=median(answered),
        within_target_share=share_within(delays, target_minutes),
        within_hour_share=share_within(delays, HOUR),
        within_day_share=share_within(delays, DAY),
        buckets=speed_buckets(delays, bucket_bounds(target_minutes)),
    )


def speed_from_counts(
    target_minutes: float,
    received: int,
    within: tuple[int, int, int],
    buckets: Sequence[int],
    median_minutes: float | None,
) -> SpeedFigures:
    """The speed figures from counts a database made: `within` counts the leads answered within
    the target, an hour and a day; `buckets` holds one count per bar of bucket_bounds(target),
    then the over-the-last-bound count, then the never-answered count (speed_figures' order)."""
    labels = bucket_labels(bucket_bounds(target_minutes))
    never = buckets[-1]
    return SpeedFigures(
        received=received,
        contacted=received - never,
        never_contacted=never,
        median_minutes=median_minutes,
        within_target_share=rate(within[0], received),
        within_hour_share=rate(within[1], received),
        within_day_share=rate(within[2], received),
        buckets=tuple(Bucket(label, n) for label, n in zip(labels, buckets, strict=True)),
    )


def histogram_median(counts: Mapping[int, int]) -> float | None:
    """The median of values given as value -> how many times it occurs."""
    n = sum(counts.values())
    if n == 0:
        return None
    wanted = (n - 1) // 2, n // 2  # the middle position(s), 0-based
    found: list[float] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(float(value))
    return (found[0] + found[1]) / 2.0


def attempt_figures_from(histogram: Mapping[int, int], unreached: int) -> AttemptFigures:
    """attempt_figures from attempts -> how many leads were reached after that many."""
    reached = sum(histogram.values())
    total = sum(n * count for n, count in histogram.items())
    return AttemptFigures(
        connected_leads=reached,
        median_attempts=histogram_median(histogram),
        mean_attempts=None if not reached else total / reached,
        max_attempts=max((n for n, count in histogram.items() if count), default=0),
        unreached_leads=unreached,
    )


def attempts_before_connect(
    calls: Iterable[tuple[int, datetime, int, str | None]],
) -> dict[int, int | None]:
    """Per lead: call attempts before its first connected call (None: never connected yet).

    `calls` are (lead_id, occurred_at, activity_id, outcome) of call activities, in any order.
    """
    ordered = sorted(calls, key=lambda c: (c[0], c[1], c[2]))
    result: dict[int, int | None] = {}
    tried: dict[int, int] = {}
    for lead_id, _when, _id, outcome in ordered:
        if lead_id in result and result[lead_id] is not None:
            continue  # already connected: later calls do not count
        if outcome == CallOutcome.CONNECTED.value:
            result[lead_id] = tried.get(lead_id, 0)
        else:
            tried[lead_id] = tried.get(lead_id, 0) + 1
            result[lead_id] = None
    return result


def attempt_figures(per_lead: Mapping[int, int | None]) -> AttemptFigures:
    reached = [n for n in per_lead.values() if n is not None]
    return AttemptFigures(
        connected_leads=len(reached),
        median_attempts=median([float(n) for n in reached]),
        mean_attempts=mean([float(n) for n in reached]),
        max_attempts=max(reached, default=0),
        unreached_leads=len(per_lead) - len(reached),
    )


def reached_qualified(status: str, verdict: str | None) -> bool:
    """A lead counts as qualified in the funnel when its verdict says so or it got to qualified or
    won."""
    return verdict == Verdict.QUALIFIED.value or status in (
        LeadStatus.QUALIFIED.value,
        LeadStatus.WON.value,
    )


def group_funnels(rows: Iterable[tuple[str, str, str | None, int]]) -> tuple[GroupFunnel, ...]:
    """Fold (group, status, verdict, count) aggregates into one funnel per group, biggest first."""
    acc: dict[str, list[int]] = {}
    for group, status, verdict, n in rows:
        entry = acc.setdefault(group or "(none)", [0, 0, 0])
        entry[0] += n
        if reached_qualified(status, verdict):
            entry[1] += n
        if status == LeadStatus.WON.value:
            entry[2] += n
    funnels = [GroupFunnel(name, *counts) for name, counts in acc.items()]
    return tuple(sorted(funnels, key=lambda g: (-g.leads, g.name)))


def _unit(minutes: float) -> str:
    """The unit a range ending at `minutes` is told in."""
    if minutes <= HOUR:
        return "min"
    return "h" if minutes <= DAY else "d"


def _amount(minutes: float, unit: str) -> str:
    return f"{minutes / {'min': 1.0, 'h': HOUR, 'd': DAY}[unit]:g}"
