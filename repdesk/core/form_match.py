"""Answers that arrive on a form: which fields are which questions, which values which answers.

The one definition every arrival path uses (form email, CSV export, watched folder): a field named
by a question's key, or labelled like its prompt or form prompt, is that question; a value that
names an option's key or label (or yes/no, a number, a date) is its answer. Case, spacing and
punctuation are ignored. Fields that match nothing, or whose value fits no answer, stay as they
are (the lead's extra fields).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from repdesk.core.conditions import AnswerValue
from repdesk.core.form_plan import FORM_ID_FIELD
from repdesk.core.questions import AnswerType, Question
from repdesk.core.script_flow import NO_WORDS, YES_WORDS, parse_answer

_MAX_CACHED_VALUES = 20_000
_FORM_ID = "".join(ch for ch in FORM_ID_FIELD.casefold() if ch.isalnum())
_SPLIT = re.compile(r"\s*(?:[,;|\n]| ::: )\s*")
_YES = frozenset({"yes", "y", "true", "on", "checked", "ja", "oui", "si"} | YES_WORDS)
_NO = frozenset({"no", "n", "false", "off", "unchecked", "nein", "non"} | NO_WORDS)


def fold(text: str) -> str:
    """Text for comparing labels and values: lower case, letters and digits only."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass
class FormMatch:
    """What one submission's fields say: answers by question key, and what stays extra."""

    answers: dict[str, AnswerValue] = field(default_factory=dict)
    #: question key -> the field (label) its answer came from
    fields: dict[str, str] = field(default_factory=dict)
    #: fields that are no question (or whose value fits no answer), as they arrived
    rest: dict[str, str] = field(default_factory=dict)
    #: the set versions a repdesk-made form carried (its hidden field), else ""
    form_id: str = ""

    @property
    def matched(self) -> bool:
        return bool(self.answers)


class FormMatcher:
    """Built once per question set (and per remembered mapping), then used for every row."""

    def __init__(
        self, questions: Sequence[Question], mapping: Mapping[str, str] | None = None
    ) -> None:
        self.questions = {q.key: q for q in questions}
        by_label: dict[str, Question] = {}
        # Keys win over wording; a form prompt over the rep's prompt; the first question over a
        # later one with the same wording.
        for q in questions:
            by_label.setdefault(fold(q.key), q)
        for q in questions:
            if q.form_prompt:
                by_label.setdefault(fold(q.form_prompt), q)
        for q in questions:
            by_label.setdefault(fold(q.prompt), q)
        for label, key in (mapping or {}).items():
            if key in self.questions:
                by_label[fold(label)] = self.questions[key]
        by_label.pop("", None)
        self._by_label = by_label
        self._cache: dict[str, Question | None] = {}
        # A form's rows repeat the same few values ("This month"): each is read once.
        self._values: dict[tuple[str, str], AnswerValue | None] = {}
        self._form_ids: dict[str, bool] = {}

    def question_for(self, label: str) -> Question | None:
        """The question a field name or label stands for, if any."""
        if label not in self._cache:
            self._cache[label] = self._by_label.get(fold(label))
        return self._cache[label]

    def _is_form_id(self, label: str) -> bool:
        found = self._form_ids.get(label)
        if found is None:
            found = self._form_ids[label] = fold(label) == _FORM_ID
        return found

    def names_a_question(self, labels: Sequence[str]) -> bool:
        return any(self.question_for(label) is not None for label in labels)

    def match(self, fields: Mapping[str, str]) -> FormMatch:
        """Answers from a submission's fields (label -> text); the first field for a question
        wins."""
        result = FormMatch()
        for label, text in fields.items():
            if self._is_form_id(label):
                result.form_id = " ".join(text.split())
                continue
            question = self.question_for(label)
            value = self._value(question, text) if question is not None else None
            if question is None or value is None or question.key in result.answers:
                result.rest[label] = text
                continue
            result.answers[question.key] = value
            result.fields[question.key] = label
        return result

    def _value(self, question: Question, text: str) -> AnswerValue | None:
        key = (question.key, text)
        if key not in self._values:
            if len(self._values) >= _MAX_CACHED_VALUES:
                self._values.clear()
            self._values[key] = answer_value(question, text)
        return self._values[key]


def form_summary(verdict: str | None, note: str | None) -> str:
    """'Form: qualified · this month': a lead's provisional verdict and time frame, for lists."""
    if not verdict:
        return ""
    text = "Form: " + verdict.replace("_", " ")
    return f"{text} · {note}" if note else text


def answer_value(question: Question, text: str) -> AnswerValue | None:
    """The answer `text` gives to `question`, or None when it fits none (left as an extra)."""
    raw = text.strip()
    if not raw:
        return None
    kind = question.answer_type
    if kind is AnswerType.YES_NO:
        word = fold(raw)
        if word in _YES:
            return True
        if word in _NO:
            return False
        return None
    if kind is AnswerType.CHOICE:
        return _option(question, raw)
    if kind is AnswerType.MULTI_CHOICE:
        whole = _option(question, raw)
        if whole is not None:
            return (whole,)
        keys: list[str] = []
        for part in _SPLIT.split(raw):
            if not part:
                continue
            key = _option(question, part)
            if key is None:
                return None  # one part names no option: keep the text as it came
            if key not in keys:
                keys.append(key)
        return tuple(keys) if keys else None
    if kind is AnswerType.TEXT:
        return raw
    try:
        return parse_answer(question, raw)
    except ValueError:
        return None


def _option(question: Question, raw: str) -> str | None:
    wanted = fold(raw)
    if not wanted:
        return None
    for option in question.options:
        if fold(option.key) == wanted or fold(option.label) == wanted:
            return option.key
    return None
