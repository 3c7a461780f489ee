"""Which questions apply to the answers so far, and the 0–100 qualification score."""

from __future__ import annotations

from collections.abc import Sequence

from repdesk.core.conditions import Answers, AnswerValue, evaluate_condition, is_answered
from repdesk.core.questions import AnswerType, Question


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
    kept = effective_answers(questions, answers)
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
    total = 0.0
    earned = 0.0
    for q in applicable_questions(questions, answers):
        total += q.weight
        points = answer_points(q, kept.get(q.key))
        if points is not None:
            earned += q.weight * min(1.0, max(0.0, points))
    if total <= 0:
        return 0
    return max(0, min(100, int(100 * earned / total + 0.5)))
