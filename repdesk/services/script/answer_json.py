"""Answers as stored in a qualification's JSON: dates as ISO text, multiple choices as lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from repdesk.core.conditions import AnswerValue
from repdesk.core.questions import AnswerType, Question
from repdesk.core.scoring import is_answered


def answers_to_json(answers: Mapping[str, AnswerValue | None]) -> dict[str, Any]:
    """Dates as ISO strings, multiple choices as lists; unanswered keys are left out."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if value is None or not is_answered(value):
            continue
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif isinstance(value, list | tuple):
            out[key] = [str(v) for v in value]
        else:
            out[key] = value
    return out


def answers_from_json(
    questions: Sequence[Question], data: Mapping[str, Any]
) -> dict[str, AnswerValue]:
    types = {q.key: q.answer_type for q in questions}
    out: dict[str, AnswerValue] = {}
    for key, value in data.items():
        kind = types.get(key)
        if kind is AnswerType.DATE and isinstance(value, str):
            try:
                out[key] = date.fromisoformat(value)
            except ValueError:
                out[key] = value
        elif isinstance(value, list):
            out[key] = tuple(str(v) for v in value)
        else:
            out[key] = value
    return out
