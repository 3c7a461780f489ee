"""Question sets as frozen data: questions, options, validation and the JSON form for the store."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from repdesk.core.conditions import (
    KEY_RE,
    Compare,
    Condition,
    Op,
    condition_from_data,
    condition_to_data,
    questions_named,
)

OPTION_KEY_RE = re.compile(r"[A-Za-z0-9_]+")
#: The question whose answer is the lead's buying time frame (nurture timing, the inbox's note).
TIMEFRAME_KEY = "timeline"
#: A label may not end like this: the script file reads it as the option's points.
POINTS_SUFFIX_RE = re.compile(r"\(\s*points\s+([^)]*)\)\s*$", re.IGNORECASE)


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    TEXT = "text"

    @property
    def has_options(self) -> bool:
        return self in (AnswerType.CHOICE, AnswerType.MULTI_CHOICE)

    @property
    def is_ordered(self) -> bool:
        return self in (AnswerType.NUMBER, AnswerType.MONEY, AnswerType.DATE)


class SetKind(StrEnum):
    CORE = "core"
    PRODUCT = "product"


@dataclass(frozen=True)
class Problem:
    """One validation problem; `field` says where (key, prompt, option:KEY, condition, weight…)."""

    field: str
    message: str


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    #: Score value 0..1 of choosing this option; None counts as 1.0.
    points: float | None = None


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    answer_type: AnswerType
    talk_track: str = ""
    options: tuple[Option, ...] = ()
    required: bool = False
    condition: Condition | None = None
    weight: float = 0.0
    #: Score value 0..1 of any answer to a number, money, date or text question.
    answered_points: float = 1.0
    #: What a prospect reads on a web form or a printed sheet; a question with one is on forms.
    form_prompt: str = ""

    @property
    def on_forms(self) -> bool:
        return bool(self.form_prompt)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def problems(self, earlier: Mapping[str, Question] | None = None) -> list[Problem]:
        """What is wrong, given the questions asked before this one (for its condition)."""
        found: list[Problem] = []
        add = found.append
        if not KEY_RE.fullmatch(self.key):
            add(
                Problem(
                    "key",
                    f"question key {self.key!r} must be letters, digits and _ (not starting with a "
                    "digit)",
                )
            )
        for name, text in (
            ("prompt", self.prompt),
            ("talk_track", self.talk_track),
            ("form_prompt", self.form_prompt),
        ):
            found.extend(_text_problems(name, text, required=name == "prompt"))
        if self.answer_type.has_options and not self.options:
            add(Problem("type", f"a {self.answer_type.value} question needs at least one option"))
        if self.options and not self.answer_type.has_options:
            add(
                Problem(
                    "option:" + self.options[0].key,
                    f"a {self.answer_type.value} question cannot have options",
                )
            )
        seen: set[str] = set()
        for opt in self.options:
            where = "option:" + opt.key
            if not OPTION_KEY_RE.fullmatch(opt.key):
                add(Problem(where, f"option key {opt.key!r} must be letters, digits and _"))
            if opt.key in seen:
                add(Problem(where, f"duplicate option key '{opt.key}'"))
            seen.add(opt.key)
            found.extend(_text_problems(where, opt.label, required=True))
            if POINTS_SUFFIX_RE.search(opt.label):
                add(Problem(where, "an option label cannot end with '(points …)'"))
            if opt.points is not None and not (0.0 <= opt.points <= 1.0):
                add(Problem(where, f"option points must be between 0 and 1, got {opt.points}"))
        if not math.isfinite(self.weight) or self.weight < 0:
            add(Problem("weight", f"weight must be zero or more, got {self.weight}"))
        if not (0.0 <= self.answered_points <= 1.0):
            add(Problem("points", f"points must be between 0 and 1, got {self.answered_points}"))
        if self.condition is not None:
            msgs = condition_problems(self.condition, earlier or {}, self_key=self.key)
            found.extend(Problem("condition", m) for m in msgs)
            if self.on_forms:
                found.extend(_form_condition_problems(self, earlier or {}))
        return found

    def validate(self, earlier: Mapping[str, Question] | None = None) -> list[str]:
        return [p.message for p in self.problems(earlier)]


@dataclass(frozen=True)
class QuestionSet:
    key: str
    name: str
    kind: SetKind
    product: str = ""
    questions: tuple[Question, ...] = ()
    #: Assigned by the store; not part of equality (a loaded file equals the stored set).
    version: int = field(default=0, compare=False)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def problems(self, preceding: Sequence[Question] = ()) -> list[tuple[str, Problem]]:
        """(question key or "", problem); `preceding` are the questions asked before (core)."""
        found: list[tuple[str, Problem]] = []
        if not KEY_RE.fullmatch(self.key):
            found.append(
                ("", Problem("key", f"set key {self.key!r} must be letters, digits and _"))
            )
        for p in _text_problems("name", self.name, required=True):
            found.append(("", p))
        if self.kind is SetKind.CORE and self.product:
            found.append(("", Problem("product", "the core set cannot name a product")))
        if self.kind is SetKind.PRODUCT and not KEY_RE.fullmatch(self.product):
            found.append(
                ("", Problem("product", f"a product set needs a product key, got {self.product!r}"))
            )
        earlier: dict[str, Question] = {q.key: q for q in preceding}
        for q in self.questions:
            if q.key in earlier:
                found.append((q.key, Problem("key", f"duplicate question key '{q.key}'")))
            found.extend((q.key, p) for p in q.problems(earlier))
            earlier.setdefault(q.key, q)
        return found

    def validate(self, preceding: Sequence[Question] = ()) -> list[str]:
        return [f"{k}: {p.message}" if k else p.message for k, p in self.problems(preceding)]


def _form_condition_problems(question: Question, earlier: Mapping[str, Question]) -> list[Problem]:
    """A question on forms may depend only on questions that are on forms too (a form cannot
    show it on an answer it never asks for)."""
    assert question.condition is not None
    off = sorted(
        {
            cmp.question
            for cmp in questions_named(question.condition)
            if cmp.question in earlier and not earlier[cmp.question].on_forms
        }
    )
    return [
        Problem(
            "form_prompt",
            f"'{question.key}' is on forms but its condition names '{key}', which is not "
            f"(give '{key}' a form prompt too, or remove this one)",
        )
        for key in off
    ]


def _text_problems(name: str, text: str, *, required: bool) -> list[Problem]:
    if required and not text.strip():
        return [Problem(name, f"{name.split(':')[0]} must not be empty")]
    if text != text.strip() or "\t" in text or len(text.splitlines()) > 1:
        return [Problem(name, f"{name.split(':')[0]} must be one line without surrounding spaces")]
    return []


def condition_problems(
    condition: Condition, known: Mapping[str, Question], self_key: str | None = None
) -> list[str]:
    """Check a condition against the questions it may name (earlier ones only)."""
    found: list[str] = []
    for cmp in questions_named(condition):
        target = known.get(cmp.question)
        if target is None:
            if cmp.question == self_key:
                found.append(f"the condition cannot name its own question '{cmp.question}'")
            else:
                found.append(
                    f"the condition names '{cmp.question}', which is not an earlier question"
                )
            continue
        found.extend(_compare_problems(cmp, target))
    return found


def _compare_problems(cmp: Compare, target: Question) -> list[str]:
    if cmp.op is Op.ANSWERED:
        return []
    values = cmp.value if isinstance(cmp.value, tuple) else (cmp.value,)
    kind = target.answer_type
    if cmp.op in (Op.GTE, Op.LTE) and not kind.is_ordered:
        return [f"'{target.key}' is a {kind.value} question: >= and <= need number, money or date"]
    found: list[str] = []
    for value in values:
        if kind.has_options and str(value) not in {o.key for o in target.options}:
            keys = ", ".join(o.key for o in target.options)
            found.append(f"'{value}' is not an option of '{target.key}' (options: {keys})")
        elif kind is AnswerType.YES_NO and value not in ("yes", "no"):
            found.append(
                f"'{target.key}' is a yes/no question: compare it with yes or no, not '{value}'"
            )
        elif kind in (AnswerType.NUMBER, AnswerType.MONEY) and (
            isinstance(value, str) or isinstance(value, float) and not math.isfinite(value)
        ):
            found.append(
                f"'{target.key}' is a {kind.value} question: compare it with a number, not "
                f"'{value}'"
            )
        elif kind is AnswerType.DATE and not _is_iso_date(value):
            found.append(
                f"'{target.key}' is a date question: compare it with a date like 2025-01-31"
            )
    return found


def _is_iso_date(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10


def validate_sets(sets: Sequence[QuestionSet]) -> list[str]:
    """Whole-collection checks: exactly one core set, unique set keys and products, each set
    valid."""
    found: list[str] = []
    cores = [s for s in sets if s.kind is SetKind.CORE]
    if len(cores) != 1:
        found.append(f"there must be exactly one core set, found {len(cores)}")
    core_questions = cores[0].questions if cores else ()
    keys: set[str] = set()
    products: set[str] = set()
    for s in sets:
        if s.key in keys:
            found.append(f"duplicate set key '{s.key}'")
        keys.add(s.key)
        if s.kind is SetKind.PRODUCT:
            if s.product in products:
                found.append(f"two sets for product '{s.product}'")
            products.add(s.product)
        preceding = () if s.kind is SetKind.CORE else core_questions
        found.extend(f"set {s.key}: {m}" for m in s.validate(preceding))
    return found


# ---------------------------------------------------------------- JSON form (store)


def question_to_data(q: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": q.key,
        "prompt": q.prompt,
        "talk_track": q.talk_track,
        "answer_type": q.answer_type.value,
        "required": q.required,
        "weight": q.weight,
        "answered_points": q.answered_points,
        "options": [{"key": o.key, "label": o.label, "points": o.points} for o in q.options],
        "condition": condition_to_data(q.condition) if q.condition is not None else None,
    }
    if q.form_prompt:  # absent for questions not on forms: versions stored before it stay equal
        data["form_prompt"] = q.form_prompt
    return data


def question_from_data(data: Mapping[str, Any]) -> Question:
    """Inverse of question_to_data; raises ValueError (incl. ConditionError) on bad data."""
    cond = data.get("condition")
    return Question(
        key=str(data["key"]),
        prompt=str(data["prompt"]),
        answer_type=AnswerType(data["answer_type"]),
        talk_track=str(data.get("talk_track", "")),
        options=tuple(
            Option(
                str(o["key"]),
                str(o["label"]),
                None if o.get("points") is None else float(o["points"]),
            )
            for o in data.get("options", [])
        ),
        required=bool(data.get("required", False)),
        condition=condition_from_data(cond) if cond is not None else None,
        weight=float(data.get("weight", 0.0)),
        answered_points=float(data.get("answered_points", 1.0)),
        form_prompt=str(data.get("form_prompt", "")),
    )


def question_set_to_data(s: QuestionSet) -> dict[str, Any]:
    return {
        "key": s.key,
        "name": s.name,
        "kind": s.kind.value,
        "product": s.product,
        "questions": [question_to_data(q) for q in s.questions],
    }


def question_set_from_data(data: Mapping[str, Any], version: int = 0) -> QuestionSet:
    return QuestionSet(
        key=str(data["key"]),
        name=str(data["name"]),
        kind=SetKind(data["kind"]),
        product=str(data.get("product", "")),
        questions=tuple(question_from_data(q) for q in data.get("questions", [])),
        version=version,
    )
