"""Verdict rules: the agreed default definition, decisions, expiry, and a property over all
answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.conditions import parse_condition
from repdesk.core.domain import Verdict
from repdesk.core.questions import AnswerType, Question
from repdesk.core.verdict_rules import (
    DEFAULT_EXPIRY_DAYS,
    RuleSet,
    VerdictRule,
    decide,
    default_rules,
    evaluate,
    expires_at,
    needs_requalification,
    rules_from_data,
    rules_to_data,
)
from repdesk.formats.script_file import load_default

RULES = default_rules()
TIMELINES = ["this_month", "1_3_months", "3_6_months", "6_12_months", "no_plans"]
AUTHORITIES = ["decides", "influences", "no_role"]
BUDGETS = ["approved", "estimating", "none"]


def _reference(answers: dict[str, object]) -> Verdict:
    """The agreed definition written out by hand."""
    need = answers.get("need")
    if (
        need is True
        and answers.get("timeline") in ("this_month", "1_3_months")
        and (answers.get("authority") == "decides" or answers.get("budget") == "approved")
    ):
        return Verdict.QUALIFIED
    if need is False:
        return Verdict.NOT_A_FIT
    return Verdict.NURTURE


def test_default_definition_examples() -> None:
    base = {"need": True, "timeline": "this_month", "authority": "decides", "budget": "none"}
    assert evaluate(RULES, base) is Verdict.QUALIFIED
    assert evaluate(RULES, {**base, "timeline": "1_3_months"}) is Verdict.QUALIFIED
    assert evaluate(RULES, {**base, "timeline": "3_6_months"}) is Verdict.NURTURE
    assert evaluate(RULES, {**base, "authority": "influences"}) is Verdict.NURTURE
    assert (
        evaluate(RULES, {**base, "authority": "influences", "budget": "approved"})
        is Verdict.QUALIFIED
    )
    assert evaluate(RULES, {**base, "need": False}) is Verdict.NOT_A_FIT
    assert evaluate(RULES, {}) is Verdict.NURTURE
    assert evaluate(RULES, {"need": True}) is Verdict.NURTURE


def test_first_matching_rule_wins_and_default_applies() -> None:
    rules = RuleSet(
        (
            VerdictRule(Verdict.NOT_A_FIT, parse_condition("x = 1")),
            VerdictRule(Verdict.QUALIFIED, parse_condition("x >= 1")),
        ),
        default=Verdict.NURTURE,
    )
    assert evaluate(rules, {"x": 1}) is Verdict.NOT_A_FIT
    assert evaluate(rules, {"x": 2}) is Verdict.QUALIFIED
    assert evaluate(rules, {"x": 0}) is Verdict.NURTURE


def test_rules_json_round_trip() -> None:
    assert rules_from_data(rules_to_data(RULES)) == RULES


def test_rules_validate_against_questions() -> None:
    qs = [Question("need", "N?", AnswerType.YES_NO)]
    problems = default_rules().validate(qs)
    assert any("'timeline'" in p for p in problems)
    assert (
        RuleSet((VerdictRule(Verdict.NOT_A_FIT, parse_condition("need = no")),)).validate(qs) == []
    )


def test_decide_reports_missing_required_in_order() -> None:
    bundle = load_default()
    core = bundle.sets[0]
    decision = decide([core], bundle.rules, {"need": True})
    assert decision.verdict is Verdict.NURTURE
    assert decision.missing_required == ["challenge", "timeline", "authority", "budget"]
    decision = decide([core], bundle.rules, {"need": False})
    assert decision.verdict is Verdict.NOT_A_FIT
    assert "challenge" not in decision.missing_required  # only asked when need = yes


def test_decide_ignores_answers_of_questions_that_no_longer_apply() -> None:
    q1 = Question("a", "A?", AnswerType.YES_NO, weight=1)
    q2 = Question("b", "B?", AnswerType.YES_NO, weight=1, condition=parse_condition("a = yes"))
    from repdesk.core.questions import QuestionSet, SetKind

    s = QuestionSet("core", "Core", SetKind.CORE, questions=(q1, q2))
    rules = RuleSet((VerdictRule(Verdict.QUALIFIED, parse_condition("b = yes")),))
    assert decide([s], rules, {"a": True, "b": True}).verdict is Verdict.QUALIFIED
    assert decide([s], rules, {"a": False, "b": True}).verdict is Verdict.NURTURE


_bundle = load_default()
_core, _product = _bundle.sets[0], _bundle.sets[1]


def _answer_strategy(q: Question) -> st.SearchStrategy[object]:
    kind = q.answer_type
    if kind is AnswerType.YES_NO:
        return st.booleans()
    if kind is AnswerType.CHOICE:
        return st.sampled_from([o.key for o in q.options])
    if kind is AnswerType.MULTI_CHOICE:
        return st.lists(st.sampled_from([o.key for o in q.options]), min_size=1).map(tuple)
    if kind in (AnswerType.NUMBER, AnswerType.MONEY):
        return st.integers(0, 10**6)
    return st.text(min_size=1, max_size=5)


@st.composite
def _answers(draw: st.DrawFn) -> dict[str, object]:
    out: dict[str, object] = {}
    for q in [*_core.questions, *_product.questions]:
        if draw(st.booleans()):
            out[q.key] = draw(_answer_strategy(q))
    return out


@given(_answers())
def test_every_combination_gives_one_verdict_and_a_score_in_range(
    answers: dict[str, object],
) -> None:
    decision = decide([_core, _product], _bundle.rules, answers)  # type: ignore[arg-type]
    assert decision.verdict in set(Verdict)
    assert 0 <= decision.score <= 100
    # with 'challenge' (only asked on need = yes) possibly stale, the verdict still matches the
    # definition
    assert decision.verdict is _reference(answers)


def test_expiry() -> None:
    done = datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert DEFAULT_EXPIRY_DAYS == 90
    end = expires_at(done)
    assert end == done + timedelta(days=90)
    assert not needs_requalification(end, end - timedelta(seconds=1))
    assert needs_requalification(end, end)
    assert needs_requalification(None, done)
    assert expires_at(done, 30) == done + timedelta(days=30)
