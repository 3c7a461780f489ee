"""What marketing learns from form answers: how often the call changed each one, and how often the
form's verdict agreed with the call's, per form and per source."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from repdesk.core.report_math import rate


@dataclass(frozen=True)
class FormCallPair:
    """A lead's form answers and the first call qualification after them (answers as stored)."""

    form_id: str
    source: str
    form_answers: Mapping[str, object]
    form_verdict: str
    call_answers: Mapping[str, object]
    call_verdict: str


@dataclass(frozen=True)
class AnswerChanges:
    """One question: how many form answers the call answered too, and how many it changed."""

    key: str
    compared: int
    changed: int

    @property
    def changed_share(self) -> float:
        return rate(self.changed, self.compared)


@dataclass(frozen=True)
class Agreement:
    """One form or source: leads called after a form, verdicts agreed, answers changed."""

    name: str
    leads: int
    agreed: int
    answers_compared: int
    answers_changed: int

    @property
    def agreement_share(self) -> float:
        return rate(self.agreed, self.leads)

    @property
    def changed_share(self) -> float:
        return rate(self.answers_changed, self.answers_compared)


@dataclass(frozen=True)
class FormLearning:
    """Every pair of the period, summed; `waiting` counts form answers not called on yet."""

    called: int
    agreed: int
    waiting: int
    questions: tuple[AnswerChanges, ...]
    by_form: tuple[Agreement, ...]
    by_source: tuple[Agreement, ...]

    @property
    def agreement_share(self) -> float:
        return rate(self.agreed, self.called)


def same_answer(form: object, call: object) -> bool:
    """Stored answers compared as answers: a multiple choice in any order, 12 and 12.0 alike."""
    return _key(form) == _key(call)


def _key(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return str(value).strip()


def form_learning(pairs: Iterable[FormCallPair], waiting: int = 0) -> FormLearning:
    """Sum the pairs: per question (in first-seen order), per form and per source (most leads
    first)."""
    questions: dict[str, list[int]] = {}
    groups: dict[str, dict[str, list[int]]] = {"form": {}, "source": {}}
    called = agreed = 0
    for pair in pairs:
        called += 1
        agree = pair.form_verdict == pair.call_verdict
        agreed += agree
        compared = changed = 0
        for key, value in pair.form_answers.items():
            if key not in pair.call_answers:
                continue  # the call did not ask it (no longer applied) or skipped it
            counts = questions.setdefault(key, [0, 0])
            counts[0] += 1
            compared += 1
            if not same_answer(value, pair.call_answers[key]):
                counts[1] += 1
                changed += 1
        for kind, name in (("form", pair.form_id), ("source", pair.source)):
            row = groups[kind].setdefault(name or "(none)", [0, 0, 0, 0])
            row[0] += 1
            row[1] += agree
            row[2] += compared
            row[3] += changed
    return FormLearning(
        called,
        agreed,
        waiting,
        tuple(AnswerChanges(k, c, n) for k, (c, n) in questions.items()),
        _agreements(groups["form"]),
        _agreements(groups["source"]),
    )


def _agreements(rows: Mapping[str, list[int]]) -> tuple[Agreement, ...]:
    found = [Agreement(name, *counts) for name, counts in rows.items()]
    return tuple(sorted(found, key=lambda a: (-a.leads, a.name)))
