"""The inbox's order as core.inbox declares it: a partition into segments, urgency first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.domain import JourneyStage, LeadStatus
from repdesk.core.inbox import (
    ALL_LEADS,
    INBOX,
    holds,
    inbox_key,
    inbox_order,
    is_waiting,
    segment_of,
)

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
END = NOW + timedelta(hours=12)


@dataclass(frozen=True)
class Lead:
    id: int
    status: str
    received_at: datetime
    first_response_at: datetime | None
    next_follow_up_at: datetime | None
    journey_stage: str = JourneyStage.AWARENESS.value
    form_verdict: str | None = None
    replied_at: datetime | None = None
    is_contact: bool = False  # a known contact: never waiting


moments = st.integers(-30 * 24, 30 * 24).map(lambda hours: NOW + timedelta(hours=hours))
leads = st.builds(
    Lead,
    id=st.integers(1, 10**6),
    status=st.sampled_from([s.value for s in LeadStatus]),
    received_at=moments,
    first_response_at=st.none() | moments,
    next_follow_up_at=st.none() | moments,
    journey_stage=st.sampled_from([s.value for s in JourneyStage] + ["unknown"]),
    form_verdict=st.sampled_from([None, "qualified", "nurture", "not_a_fit"]),
    replied_at=st.none() | moments,
    is_contact=st.booleans(),
).map(
    # services/email marks a reply as waiting for us only on a lead we have answered before
    lambda lead: lead if lead.first_response_at else replace(lead, replied_at=None)
)
late = st.none() | moments  # before when a lead waits past the response target


@given(leads, late)
def test_every_open_lead_is_in_exactly_one_inbox_segment_and_no_closed_one(
    lead: Lead, late_before: datetime | None
) -> None:
    shown = segment_of(lead, END, late_before=late_before)
    # each segment's conditions on their own, not only the first segment that takes the lead
    matching = [s.name for s in ALL_LEADS if all(holds(c, lead, END, late_before) for c in s.where)]
    assert len(matching) == 1
    if LeadStatus(lead.status).is_closed:
        assert shown is None and matching == ["closed"]
    else:
        assert shown is not None and [shown.name] == matching and shown in INBOX


@given(st.lists(leads, min_size=2, max_size=30, unique_by=lambda lead: lead.id), late)
def test_replied_then_waiting_then_steps_by_the_end_of_today_then_later_then_none(
    crowd: list[Lead], late_before: datetime | None
) -> None:
    order = inbox_order(crowd, END, late_before=late_before)
    assert all(not LeadStatus(lead.status).is_closed for lead in order)
    assert len(order) == sum(1 for lead in crowd if not LeadStatus(lead.status).is_closed)

    def rank(lead: Lead) -> int:
        if lead.replied_at is not None:
            return -1
        if is_waiting(lead):
            return 0
        if lead.next_follow_up_at is None:
            return 3
        return 1 if lead.next_follow_up_at < END else 2

    assert [rank(lead) for lead in order] == sorted(rank(lead) for lead in order)
    replies = [lead.replied_at for lead in order if rank(lead) == -1]
    assert replies == sorted(replies)  # type: ignore[type-var]  # the oldest reply first
    waiting = [lead for lead in order if rank(lead) == 0]

    def form_first(lead: Lead) -> bool:
        late = late_before is not None and lead.received_at < late_before
        return late and lead.form_verdict == "qualified"

    # late leads the form qualified first, then by the longest wait
    assert [not form_first(lead) for lead in waiting] == sorted(
        not form_first(lead) for lead in waiting
    )
    for group in (True, False):
        times = [lead.received_at for lead in waiting if form_first(lead) is group]
        assert times == sorted(times)
    stepped = [lead.next_follow_up_at for lead in order if rank(lead) in (1, 2)]
    assert stepped == sorted(stepped)  # type: ignore[type-var]  # the overdue first
    unplanned = [lead.received_at for lead in order if rank(lead) == 3]
    assert unplanned == sorted(unplanned, reverse=True)  # the newest first
    every = inbox_order(crowd, END, include_closed=True, late_before=late_before)
    assert every[: len(order)] == order and len(every) == len(crowd)


def test_a_tie_goes_to_the_lead_closer_to_a_decision() -> None:
    due = NOW + timedelta(hours=1)
    stages = ["unknown", *(s.value for s in JourneyStage)]
    tied = [Lead(i, "contacted", NOW, NOW, due, stage) for i, stage in enumerate(stages)]
    ordered = sorted(tied, key=lambda lead: inbox_key(lead, END))
    assert [lead.journey_stage for lead in ordered] == [
        "decision",
        "consideration",
        "awareness",
        "unknown",
    ]


def test_waiting_means_new_and_never_answered() -> None:
    assert is_waiting(Lead(1, "new", NOW, None, None))
    assert not is_waiting(Lead(1, "new", NOW, NOW, None))  # answered, still marked new
    assert not is_waiting(Lead(1, "contacted", NOW, None, None))  # imported as contacted
    assert not is_waiting(Lead(1, "new", NOW, None, None, is_contact=True))  # a known contact
