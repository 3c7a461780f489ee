"""Journey stage: answers and engagement thresholds, never moving backwards with more signals; inbox
rank."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.domain import JourneyStage
from repdesk.core.journey import (
    AnswerRule,
    Engagement,
    EngagementRule,
    journey_stage,
    later,
    rank,
    stage_from_answers,
    stage_from_engagement,
)

NONE = Engagement()
ORDER = [JourneyStage.AWARENESS, JourneyStage.CONSIDERATION, JourneyStage.DECISION]


@pytest.mark.parametrize(
    "answers, expected",
    [
        (None, JourneyStage.AWARENESS),
        ({}, JourneyStage.AWARENESS),
        ({"need": "no"}, JourneyStage.AWARENESS),
        ({"need": "yes"}, JourneyStage.CONSIDERATION),
        ({"need": True}, JourneyStage.CONSIDERATION),
        ({"need": "yes", "timeline": "this_month", "budget": "approved"}, JourneyStage.DECISION),
        ({"timeline": "1_3_months", "budget": "approved"}, JourneyStage.DECISION),
        (
            {"timeline": "3_6_months", "budget": "approved", "need": "yes"},
            JourneyStage.CONSIDERATION,
        ),
        ({"timeline": "this_month", "budget": "estimating"}, JourneyStage.AWARENESS),
    ],
)
def test_stage_from_answers(answers: dict[str, object] | None, expected: JourneyStage) -> None:
    assert stage_from_answers(answers) is expected


@pytest.mark.parametrize(
    "engagement, expected",
    [
        (Engagement(0, 0, 0), JourneyStage.AWARENESS),
        (Engagement(10, 0, 1), JourneyStage.AWARENESS),  # opening mail alone is not consideration
        (Engagement(0, 1, 2), JourneyStage.CONSIDERATION),
        (Engagement(0, 0, 5), JourneyStage.CONSIDERATION),
        (Engagement(4, 1, 0), JourneyStage.CONSIDERATION),
        (Engagement(0, 3, 6), JourneyStage.DECISION),
        (
            Engagement(0, 3, 5),
            JourneyStage.CONSIDERATION,
        ),  # one visit short of the decision threshold
    ],
)
def test_stage_from_engagement_at_the_thresholds(
    engagement: Engagement, expected: JourneyStage
) -> None:
    assert stage_from_engagement(engagement) is expected


def test_thresholds_are_data() -> None:
    rules = (EngagementRule(JourneyStage.DECISION, min_opens=1),)
    assert stage_from_engagement(Engagement(1, 0, 0), rules) is JourneyStage.DECISION
    answer_rules = (AnswerRule(JourneyStage.CONSIDERATION, {"industry": frozenset({"dental"})}),)
    assert (
        journey_stage({"industry": "Dental"}, NONE, answer_rules=answer_rules)
        is JourneyStage.CONSIDERATION
    )


def test_the_furthest_signal_wins() -> None:
    assert journey_stage({"need": "yes"}, Engagement(0, 3, 9)) is JourneyStage.DECISION
    assert (
        journey_stage({"timeline": "this_month", "budget": "approved"}, NONE)
        is JourneyStage.DECISION
    )


counts = st.integers(min_value=0, max_value=50)


@given(counts, counts, counts, counts, counts, counts)
def test_more_engagement_never_moves_a_lead_back(
    o: int, c: int, v: int, do: int, dc: int, dv: int
) -> None:
    before = stage_from_engagement(Engagement(o, c, v))
    after = stage_from_engagement(Engagement(o + do, c + dc, v + dv))
    assert ORDER.index(after) >= ORDER.index(before)


@given(st.sampled_from(ORDER), st.sampled_from(ORDER))
def test_later_and_rank_agree(a: JourneyStage, b: JourneyStage) -> None:
    assert later(a, b) in (a, b)
    assert rank(later(a, b)) == min(rank(a), rank(b))


def test_rank_puts_decision_first_and_tolerates_unknown_text() -> None:
    assert [rank(s) for s in ORDER] == [2, 1, 0]
    assert rank("decision") == 0
    assert rank("bogus") == 3
