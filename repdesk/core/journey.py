"""Buyer's journey stage from qualification answers and engagement signals (rules and thresholds are
data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from repdesk.core.domain import JourneyStage

_ORDER = (JourneyStage.AWARENESS, JourneyStage.CONSIDERATION, JourneyStage.DECISION)


@dataclass(frozen=True)
class Engagement:
    """How much a lead engaged with us: email opens, link clicks, site visits."""

    email_opens: int = 0
    email_clicks: int = 0
    site_visits: int = 0


@dataclass(frozen=True)
class EngagementRule:
    """Reaching every minimum here puts the lead at least at `stage`."""

    stage: JourneyStage
    min_opens: int = 0
    min_clicks: int = 0
    min_visits: int = 0

    def matches(self, e: Engagement) -> bool:
        return (
            e.email_opens >= self.min_opens
            and e.email_clicks >= self.min_clicks
            and e.site_visits >= self.min_visits
        )


@dataclass(frozen=True)
class AnswerRule:
    """Answers that put the lead at least at `stage`: every key must have one of its listed
    values."""

    stage: JourneyStage
    require: Mapping[str, frozenset[str]]

    def matches(self, answers: Mapping[str, object]) -> bool:
        return all(_text(answers.get(key)) in allowed for key, allowed in self.require.items())


DEFAULT_ENGAGEMENT_RULES: tuple[EngagementRule, ...] = (
    EngagementRule(JourneyStage.DECISION, min_clicks=3, min_visits=6),
    EngagementRule(JourneyStage.CONSIDERATION, min_clicks=1, min_visits=2),
    EngagementRule(JourneyStage.CONSIDERATION, min_visits=5),
    EngagementRule(JourneyStage.CONSIDERATION, min_opens=4, min_clicks=1),
)

DEFAULT_ANSWER_RULES: tuple[AnswerRule, ...] = (
    AnswerRule(
        JourneyStage.DECISION,
        {"timeline": frozenset({"this_month", "1_3_months"}), "budget": frozenset({"approved"})},
    ),
    AnswerRule(JourneyStage.CONSIDERATION, {"need": frozenset({"yes"})}),
)


def later(a: JourneyStage, b: JourneyStage) -> JourneyStage:
    """The stage further along the journey."""
    return a if _ORDER.index(a) >= _ORDER.index(b) else b


def stage_from_answers(
    answers: Mapping[str, object] | None, rules: Sequence[AnswerRule] = DEFAULT_ANSWER_RULES
) -> JourneyStage:
    result = JourneyStage.AWARENESS
    for rule in rules:
        if answers and rule.matches(answers):
            result = later(result, rule.stage)
    return result


def stage_from_engagement(
    engagement: Engagement, rules: Sequence[EngagementRule] = DEFAULT_ENGAGEMENT_RULES
) -> JourneyStage:
    result = JourneyStage.AWARENESS
    for rule in rules:
        if rule.matches(engagement):
            result = later(result, rule.stage)
    return result


def journey_stage(
    answers: Mapping[str, object] | None,
    engagement: Engagement,
    answer_rules: Sequence[AnswerRule] = DEFAULT_ANSWER_RULES,
    engagement_rules: Sequence[EngagementRule] = DEFAULT_ENGAGEMENT_RULES,
) -> JourneyStage:
    """The furthest stage that either the answers or the engagement signals show."""
    return later(
        stage_from_answers(answers, answer_rules),
        stage_from_engagement(engagement, engagement_rules),
    )


def rank(stage: JourneyStage | str) -> int:
    """Inbox tiebreak: 0 for decision, 1 for consideration, 2 for awareness (unknown text sorts
    last)."""
    try:
        return len(_ORDER) - 1 - _ORDER.index(JourneyStage(stage))
    except ValueError:
        return len(_ORDER)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip().lower() if value is not None else ""
