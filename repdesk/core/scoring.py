"""Evaluating conditions on answers, which questions apply so far, and the 0–100 score."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from repdesk.core.conditions import (
    AllOf,
    Answers,
    AnswerValue,
    AnyOf,
    Condition,
    ConditionValue,
    Not,
    Op,
)
from repdesk.core.questions import AnswerType, Question

_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def effective_answers(questions: Sequence[Question], answers: Answers) -> dict[str, AnswerValue]:
    """The answers that count: those of applicable questions, walking in asking order.

    An answer left behind on a question that no longer applies (the rep went back and
    changed an earlier answer) is ignored, so it cannot switch on later questions.
    """
    kept: dict[str, AnswerValue] = {}
    for q in questions:
        if q.condition is not None and not evaluate_condition(q.condition, kept):
            continue
        value = answers.get(q.key)
        if value is not None and is_answered(value):
            kept[q.key] = value
    return kept


def applicable_questions(questions: Sequence[Question], answers: Answers) -> list[Question]:
    """The questions whose condition holds (or that have none), in asking order."""
    return applicable_given(questions, effective_answers(questions, answers))


def applicable_given(
    questions: Sequence[Question], kept: Mapping[str, AnswerValue]
) -> list[Question]:
    """applicable_questions, given the effective answers already worked out."""
    return [q for q in questions if q.condition is None or evaluate_condition(q.condition, kept)]


def answer_points(question: Question, value: AnswerValue | None) -> float | None:
    """The 0..1 value of one answer (None when unanswered).

    yes = 1, no = 0; a choice gives its option's points (1.0 when not set; the best
    chosen option for multiple choice); any other answer gives the question's points.
    """
    if value is None or not is_answered(value):
        return None
    kind = question.answer_type
    if kind is AnswerType.YES_NO:
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        return 1.0 if str(value).strip().lower() in ("yes", "true", "y", "1") else 0.0
    if kind.has_options:
        chosen = list(value) if isinstance(value, list | tuple) else [str(value)]
        points = []
        for key in chosen:
            option = question.option(str(key))
            if option is not None:
                points.append(1.0 if option.points is None else option.points)
        return max(points) if points else 0.0
    return question.answered_points


def score(questions: Sequence[Question], answers: Answers) -> int:
    """0–100: earned weight over the weight of the questions that apply.

    Unanswered applicable questions count as zero, so the live score only grows as
    the call goes on (unless an answer switches questions on or off).
    """
    kept = effective_answers(questions, answers)
    return score_given(applicable_given(questions, kept), kept)


def score_given(applicable: Sequence[Question], kept: Mapping[str, AnswerValue]) -> int:
    """score, given the applicable questions and the effective answers already worked out."""
    total = 0.0
    earned = 0.0
    for q in applicable:
        total += q.weight
        points = answer_points(q, kept.get(q.key))
        if points is not None:
            earned += q.weight * min(1.0, max(0.0, points))
    if total <= 0:
        return 0
    return max(0, min(100, int(100 * earned / total + 0.5)))


# ---------------------------------------------------------------- evaluation


def is_answered(value: object) -> bool:
    """An answer counts when it is present and not blank (False and 0 are answers)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | tuple):
        return len(value) > 0
    return True


def _norm(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _equal(answer: object, value: ConditionValue) -> bool:
    answer = _norm(answer)
    if isinstance(answer, list | tuple):
        return any(_equal(a, value) for a in answer)
    if isinstance(answer, date):
        return answer.isoformat() == str(value)
    if isinstance(answer, int | float) and isinstance(value, int | float):
        return answer == value
    return str(answer) == str(value)


def _as_number_or_date(value: object) -> float | date | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _ordered(answer: object, value: ConditionValue, op: Op) -> bool:
    a, b = _as_number_or_date(answer), _as_number_or_date(value)
    if isinstance(a, float) and isinstance(b, float):
        return a >= b if op is Op.GTE else a <= b
    if isinstance(a, date) and isinstance(b, date):
        return a >= b if op is Op.GTE else a <= b
    return False


def evaluate_condition(condition: Condition, answers: Answers) -> bool:
    """True when the condition holds; a comparison on an unanswered question is false."""
    if isinstance(condition, AllOf):
        return all(evaluate_condition(c, answers) for c in condition.items)
    if isinstance(condition, AnyOf):
        return any(evaluate_condition(c, answers) for c in condition.items)
    if isinstance(condition, Not):
        return not evaluate_condition(condition.item, answers)
    answer = answers.get(condition.question)
    if not is_answered(answer):
        return False
    if condition.op is Op.ANSWERED:
        return True
    value = condition.value
    if condition.op in (Op.IN, Op.NOT_IN):
        values: Sequence[ConditionValue] = value if isinstance(value, tuple) else ()
        hit = any(_equal(answer, v) for v in values)
        return hit if condition.op is Op.IN else not hit
    assert value is not None and not isinstance(value, tuple)
    if condition.op is Op.EQ:
        return _equal(answer, value)
    if condition.op is Op.NE:
        return not _equal(answer, value)
    return _ordered(answer, value, condition.op)
