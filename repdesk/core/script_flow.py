"""The call script as it runs: which questions apply, what to ask next, progress, typed answers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from repdesk.core.conditions import Answers, AnswerValue
from repdesk.core.questions import AnswerType, Question, QuestionSet
from repdesk.core.scoring import applicable_questions, effective_answers, is_answered

YES_WORDS = frozenset({"y", "yes", "yeah", "yep", "yup", "sure", "true", "1", "ok", "okay"})
NO_WORDS = frozenset({"n", "no", "nope", "nah", "false", "0"})

_NUMBER_RE = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[-+]?\.\d+")
_MONEY_RE = re.compile(r"(?P<num>(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|\.\d+)\s*(?P<suffix>[kKmM]?)")
_CURRENCY = "$€£¥"
_CURRENCY_CODES = ("usd", "eur", "gbp", "chf", "cad", "aud")


@dataclass(frozen=True)
class Progress:
    answered: int
    applicable: int

    @property
    def fraction(self) -> float:
        return self.answered / self.applicable if self.applicable else 1.0


def run_questions(core: QuestionSet, product: QuestionSet | None = None) -> list[Question]:
    """The questions of one run: the core set, then the product set (if any)."""
    return list(core.questions) + (list(product.questions) if product is not None else [])


def applicable(questions: Sequence[Question], answers: Answers) -> list[Question]:
    """The questions that apply to the answers so far (conditions hold), in order."""
    return applicable_questions(questions, answers)


def next_question(questions: Sequence[Question], answers: Answers) -> Question | None:
    """The first applicable question without an answer; None when the script is done."""
    kept = effective_answers(questions, answers)
    return next((q for q in applicable_questions(questions, answers) if q.key not in kept), None)


def progress(questions: Sequence[Question], answers: Answers) -> Progress:
    """Answered applicable questions over applicable questions."""
    kept = effective_answers(questions, answers)
    apply = applicable_questions(questions, answers)
    return Progress(answered=sum(1 for q in apply if q.key in kept), applicable=len(apply))


def parse_answer(question: Question, text: str) -> AnswerValue:
    """Read what the rep typed into the value stored for `question`; ValueError says why not.

    yes_no -> bool; choice -> option key (by key, label or 1-based number);
    multi_choice -> tuple of option keys (comma separated); number and money -> int or
    float ("12,500", "$12k", "1.5m"); date -> datetime.date (ISO, 2025-03-31); text -> str.
    """
    raw = text.strip()
    if not raw:
        raise ValueError(f"no answer given for '{question.key}'")
    kind = question.answer_type
    if kind is AnswerType.YES_NO:
        word = raw.lower().rstrip(".!")
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise ValueError(f"expected yes or no, got {raw!r}")
    if kind is AnswerType.CHOICE:
        return _pick_option(question, raw)
    if kind is AnswerType.MULTI_CHOICE:
        keys: list[str] = []
        for part in re.split(r"[,;]", raw):
            if part.strip():
                key = _pick_option(question, part.strip())
                if key not in keys:
                    keys.append(key)
        if not keys:
            raise ValueError(f"no option chosen for '{question.key}'")
        return tuple(keys)
    if kind is AnswerType.NUMBER:
        if not _NUMBER_RE.fullmatch(raw):
            raise ValueError(f"expected a number like 12 or 1,500, got {raw!r}")
        return _tidy(float(raw.replace(",", "")))
    if kind is AnswerType.MONEY:
        return _parse_money(raw)
    if kind is AnswerType.DATE:
        try:
            if len(raw) != 10:
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                f"expected a date as YYYY-MM-DD (e.g. 2025-03-31), got {raw!r}"
            ) from None
    return raw


def format_answer(question: Question, value: AnswerValue | None) -> str:
    """A short display form of a stored answer (option labels, yes/no, ISO dates)."""
    if value is None or not is_answered(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_label(question, str(v)) for v in value)
    if question.answer_type.has_options:
        return _label(question, str(value))
    if question.answer_type is AnswerType.MONEY and isinstance(value, int | float):
        return f"{value:,.2f}".removesuffix(".00")
    return str(value)


def _label(question: Question, key: str) -> str:
    option = question.option(key)
    return option.label if option is not None else key


def _pick_option(question: Question, raw: str) -> str:
    if raw.isdigit():
        index = int(raw)
        if 1 <= index <= len(question.options):
            return question.options[index - 1].key
        raise ValueError(f"choose a number from 1 to {len(question.options)}, got {raw}")
    folded = raw.casefold()
    for option in question.options:
        if option.key.casefold() == folded or option.label.casefold() == folded:
            return option.key
    keys = ", ".join(o.key for o in question.options)
    raise ValueError(f"{raw!r} is not an option of '{question.key}' (options: {keys})")


def _parse_money(raw: str) -> int | float:
    text = raw.strip().lower()
    for code in _CURRENCY_CODES:
        text = text.removeprefix(code).removesuffix(code)
    text = text.strip().strip(_CURRENCY).strip()
    if text.startswith("-"):
        raise ValueError(f"an amount of money cannot be negative, got {raw!r}")
    match = _MONEY_RE.fullmatch(text)
    if not match:
        raise ValueError(f"expected an amount like 12,500 or $12k, got {raw!r}")
    amount = float(match.group("num").replace(",", ""))
    amount *= {"": 1, "k": 1_000, "m": 1_000_000}[match.group("suffix").lower()]
    return _tidy(round(amount, 2))


def _tidy(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
