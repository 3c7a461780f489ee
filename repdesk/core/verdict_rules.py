"""Verdict rules as data (first matching rule wins), the decision, and re-qualification expiry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from repdesk.core.conditions import (
    Answers,
    Condition,
    condition_from_data,
    condition_to_data,
    parse_condition,
)
from repdesk.core.domain import Verdict
from repdesk.core.questions import Question, QuestionSet, condition_problems
from repdesk.core.scoring import (
    applicable_given,
    effective_answers,
    evaluate_condition,
    is_answered,
    score_given,
)

DEFAULT_EXPIRY_DAYS = 90

#: The agreed definition of a qualified lead (sales and marketing), in the text form.
DEFAULT_QUALIFIED = (
    "need = yes and timeline in (this_month, 1_3_months)"
    " and (authority = decides or budget = approved)"
)
DEFAULT_NOT_A_FIT = "need = no"


@dataclass(frozen=True)
class VerdictRule:
    verdict: Verdict
    condition: Condition


@dataclass(frozen=True)
class RuleSet:
    """Ordered rules; the first whose condition holds gives the verdict, else `default`."""

    rules: tuple[VerdictRule, ...]
    default: Verdict = Verdict.NURTURE

    def problems(self, questions: Sequence[Question]) -> list[tuple[int, str]]:
        """(rule index, message) for conditions naming unknown questions or options."""
        known = {q.key: q for q in questions}
        return [
            (i, m)
            for i, rule in enumerate(self.rules)
            for m in condition_problems(rule.condition, known)
        ]

    def validate(self, questions: Sequence[Question]) -> list[str]:
        return [f"rule {i + 1}: {m}" for i, m in self.problems(questions)]


@dataclass(frozen=True)
class Decision:
    score: int
    verdict: Verdict
    missing_required: list[str]


def default_rules() -> RuleSet:
    """qualified: need = yes, timeline within 3 months, and decides or budget approved;
    not_a_fit: need = no; nurture otherwise."""
    return RuleSet(
        rules=(
            VerdictRule(Verdict.QUALIFIED, parse_condition(DEFAULT_QUALIFIED)),
            VerdictRule(Verdict.NOT_A_FIT, parse_condition(DEFAULT_NOT_A_FIT)),
        ),
        default=Verdict.NURTURE,
    )


def evaluate(rules: RuleSet, answers: Answers) -> Verdict:
    """The verdict of the first rule that holds, else the default."""
    for rule in rules.rules:
        if evaluate_condition(rule.condition, answers):
            return rule.verdict
    return rules.default


def asked_questions(sets: Sequence[QuestionSet]) -> list[Question]:
    """The questions of a run in asking order (pass the core set first, then the product set)."""
    return [q for s in sets for q in s.questions]


def decide(sets: Sequence[QuestionSet], rules: RuleSet, answers: Answers) -> Decision:
    """Score, verdict and the required applicable questions still unanswered.

    Answers to questions that no longer apply are ignored; answers to keys outside
    the sets are kept for the rules (they may come from a web form).
    """
    questions = asked_questions(sets)
    keys = {q.key for q in questions}
    effective = effective_answers(questions, answers)
    applicable = applicable_given(questions, effective)
    kept: dict[str, Any] = {k: v for k, v in answers.items() if k not in keys and is_answered(v)}
    kept.update(effective)
    missing = [q.key for q in applicable if q.required and q.key not in kept]
    return Decision(
        score=score_given(applicable, effective),
        verdict=evaluate(rules, kept),
        missing_required=missing,
    )


def expires_at(completed_at: datetime, days: int = DEFAULT_EXPIRY_DAYS) -> datetime:
    """When a qualification completed at `completed_at` goes stale."""
    if days < 0:
        raise ValueError(f"expiry days must be zero or more, got {days}")
    return completed_at + timedelta(days=days)


def needs_requalification(expires_at: datetime | None, now: datetime) -> bool:
    """True once the expiry has passed, or when the lead was never qualified (None)."""
    return expires_at is None or now >= expires_at


# ---------------------------------------------------------------- JSON form (store)


def rules_to_data(rules: RuleSet) -> dict[str, Any]:
    return {
        "rules": [
            {"verdict": r.verdict.value, "when": condition_to_data(r.condition)}
            for r in rules.rules
        ],
        "default": rules.default.value,
    }


def rules_from_data(data: Mapping[str, Any]) -> RuleSet:
    """Inverse of rules_to_data; raises ValueError on bad data."""
    return RuleSet(
        rules=tuple(
            VerdictRule(Verdict(r["verdict"]), condition_from_data(r["when"]))
            for r in data.get("rules", [])
        ),
        default=Verdict(data.get("default", Verdict.NURTURE.value)),
    )
