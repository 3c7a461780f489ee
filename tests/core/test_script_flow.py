"""The running script: applicable questions, next question, progress and typed answers."""

from __future__ import annotations

from datetime import date

import pytest

from repdesk.core.questions import AnswerType, Option, Question
from repdesk.core.script_flow import (
    Progress,
    applicable,
    format_answer,
    next_question,
    parse_answer,
    progress,
    run_questions,
)
from repdesk.formats.script_file import load_default

BUNDLE = load_default()
CORE = BUNDLE.sets[0]
WEBSITE = next(s for s in BUNDLE.sets if s.product == "website")
RUN = run_questions(CORE, WEBSITE)


def q(kind: AnswerType, *options: str) -> Question:
    return Question("k", "K?", kind, options=tuple(Option(o, o.title()) for o in options))


def test_run_is_core_then_product_and_mostly_core() -> None:
    keys = [x.key for x in RUN]
    assert keys[: len(CORE.questions)] == [x.key for x in CORE.questions]
    assert keys[len(CORE.questions) :] == [x.key for x in WEBSITE.questions]
    for product in BUNDLE.sets[1:]:
        share = len(CORE.questions) / (len(CORE.questions) + len(product.questions))
        assert 0.7 <= share <= 0.8


def test_flow_skips_questions_that_do_not_apply() -> None:
    assert next_question(RUN, {}) is not None and next_question(RUN, {}).key == "need"  # type: ignore[union-attr]
    nxt = next_question(RUN, {"need": False})
    assert nxt is not None and nxt.key == "timeline"  # challenge, current_solution skipped
    nxt = next_question(RUN, {"need": True})
    assert nxt is not None and nxt.key == "challenge"
    keys = [
        x.key for x in applicable(RUN, {"need": False, "budget": "none", "authority": "decides"})
    ]
    assert "challenge" not in keys and "budget_amount" not in keys and "decision_maker" not in keys


def test_progress_counts_answered_over_applicable() -> None:
    total = len(RUN)
    assert progress(RUN, {}) == Progress(0, total - 4)  # four conditional questions off
    p = progress(RUN, {"need": True, "challenge": "slow site"})
    assert p == Progress(2, total - 2)
    assert 0 < p.fraction < 1


def test_flow_ends_when_everything_applicable_is_answered() -> None:
    answers: dict[str, object] = {}
    for _ in range(len(RUN) + 1):
        question = next_question(RUN, answers)  # type: ignore[arg-type]
        if question is None:
            break
        answers[question.key] = parse_answer(
            question, "1" if question.options else _sample(question)
        )
    assert next_question(RUN, answers) is None  # type: ignore[arg-type]
    assert progress(RUN, answers).fraction == 1.0  # type: ignore[arg-type]


def _sample(question: Question) -> str:
    return {
        AnswerType.YES_NO: "yes",
        AnswerType.NUMBER: "5",
        AnswerType.MONEY: "$12k",
        AnswerType.DATE: "2025-05-01",
    }.get(question.answer_type, "something")


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (AnswerType.YES_NO, "Yes", True),
        (AnswerType.YES_NO, " y ", True),
        (AnswerType.YES_NO, "nope", False),
        (AnswerType.NUMBER, "12", 12),
        (AnswerType.NUMBER, "1,200", 1200),
        (AnswerType.NUMBER, "2.5", 2.5),
        (AnswerType.MONEY, "12,500", 12500),
        (AnswerType.MONEY, "$12k", 12000),
        (AnswerType.MONEY, "€1.5m", 1_500_000),
        (AnswerType.MONEY, "99.99 USD", 99.99),
        (AnswerType.DATE, "2025-03-31", date(2025, 3, 31)),
        (AnswerType.TEXT, "  on Tuesdays ", "on Tuesdays"),
    ],
)
def test_parse_answer_by_type(kind: AnswerType, text: str, expected: object) -> None:
    assert parse_answer(q(kind), text) == expected


def test_parse_choice_by_key_label_or_index() -> None:
    question = q(AnswerType.CHOICE, "decides", "influences")
    assert parse_answer(question, "2") == "influences"
    assert parse_answer(question, "DECIDES") == "decides"
    assert parse_answer(question, "Influences") == "influences"
    multi = q(AnswerType.MULTI_CHOICE, "a", "b", "c")
    assert parse_answer(multi, "3, a, 3") == ("c", "a")


@pytest.mark.parametrize(
    ("kind", "text", "fragment"),
    [
        (AnswerType.YES_NO, "maybe", "expected yes or no"),
        (AnswerType.NUMBER, "lots", "expected a number"),
        (AnswerType.NUMBER, "12,5", "expected a number"),
        (AnswerType.MONEY, "-5", "cannot be negative"),
        (AnswerType.MONEY, "a lot", "expected an amount"),
        (AnswerType.DATE, "31/03/2025", "YYYY-MM-DD"),
        (AnswerType.DATE, "2025-02-30", "YYYY-MM-DD"),
        (AnswerType.TEXT, "   ", "no answer given"),
    ],
)
def test_parse_answer_errors(kind: AnswerType, text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_answer(q(kind), text)


def test_parse_choice_errors() -> None:
    question = q(AnswerType.CHOICE, "a", "b")
    with pytest.raises(ValueError, match="from 1 to 2"):
        parse_answer(question, "3")
    with pytest.raises(ValueError, match="not an option of 'k'"):
        parse_answer(question, "zzz")


def test_format_answer() -> None:
    timeline = CORE.question("timeline")
    assert timeline is not None
    assert format_answer(timeline, "this_month") == "This month"
    assert format_answer(q(AnswerType.YES_NO), False) == "no"
    assert format_answer(q(AnswerType.MONEY), 12500) == "12,500"
    assert format_answer(q(AnswerType.DATE), date(2025, 1, 2)) == "2025-01-02"
    assert format_answer(q(AnswerType.TEXT), None) == ""
