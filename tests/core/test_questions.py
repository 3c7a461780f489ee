"""Question model validation, the condition language (text and data forms) and scoring."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    ConditionError,
    Not,
    Op,
    condition_from_data,
    condition_to_data,
    format_condition,
    parse_condition,
)
from repdesk.core.questions import (
    AnswerType,
    Option,
    Question,
    QuestionSet,
    SetKind,
    question_set_from_data,
    question_set_to_data,
    validate_sets,
)
from repdesk.core.scoring import answer_points, evaluate_condition, score

YES_NO = AnswerType.YES_NO
NEED = Question("need", "Need?", YES_NO, weight=2)
TIMELINE = Question(
    "timeline",
    "When?",
    AnswerType.CHOICE,
    options=(Option("this_month", "This month", 1.0), Option("later", "Later", 0.0)),
    weight=2,
)


# ---------------------------------------------------------------- conditions: text form


def test_parse_compact_text_form() -> None:
    cond = parse_condition("need = yes and timeline in (this_month, 1_3_months)")
    assert cond == AllOf(
        (Compare("need", Op.EQ, "yes"), Compare("timeline", Op.IN, ("this_month", "1_3_months")))
    )


def test_and_binds_tighter_than_or_and_parentheses_group() -> None:
    assert parse_condition("a = 1 or b = 2 and c = 3") == AnyOf(
        (Compare("a", Op.EQ, 1), AllOf((Compare("b", Op.EQ, 2), Compare("c", Op.EQ, 3))))
    )
    assert parse_condition("(a = 1 or b = 2) and c = 3") == AllOf(
        (AnyOf((Compare("a", Op.EQ, 1), Compare("b", Op.EQ, 2))), Compare("c", Op.EQ, 3))
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x != no", Compare("x", Op.NE, "no")),
        ("x >= 10", Compare("x", Op.GTE, 10)),
        ("x <= -2.5", Compare("x", Op.LTE, -2.5)),
        ("x not in (a, b)", Compare("x", Op.NOT_IN, ("a", "b"))),
        ("answered(x)", Compare("x", Op.ANSWERED)),
        ("not answered(x)", Not(Compare("x", Op.ANSWERED))),
        ('x = "two words"', Compare("x", Op.EQ, "two words")),
        ("x = 2025-01-31", Compare("x", Op.EQ, "2025-01-31")),
        ("x == yes", Compare("x", Op.EQ, "yes")),
    ],
)
def test_parse_each_operator(text: str, expected: Condition) -> None:
    assert parse_condition(text) == expected


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("", 1, "empty condition"),
        ("need =", 7, "expected a value after '='"),
        ("need yes", 6, "expected an operator"),
        ("need = yes and", 15, "expected a question key"),
        ("(need = yes", 12, "expected ')'"),
        ("x in a", 6, "expected '('"),
        ("x > 3", 3, "use '>='"),
        ('x = "open', 5, "unterminated"),
        ("need = yes maybe", 12, "expected 'and', 'or'"),
        ("x = $", 5, "unexpected character"),
    ],
)
def test_parse_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ConditionError) as info:
        parse_condition(text)
    assert info.value.column == column
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"column {column}: ")


_keys = st.sampled_from(["need", "timeline", "budget", "x", "team_size"])
_values = st.one_of(
    st.sampled_from(
        ["yes", "no", "this_month", "1_3_months", "and", "Or", "12", "1.5", "a b", 'q"x', ""]
    ),
    st.text(max_size=8),
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


def _compares() -> st.SearchStrategy[Condition]:
    scalar = st.builds(Compare, _keys, st.sampled_from([Op.EQ, Op.NE, Op.GTE, Op.LTE]), _values)
    listed = st.builds(
        Compare,
        _keys,
        st.sampled_from([Op.IN, Op.NOT_IN]),
        st.lists(_values, min_size=1, max_size=3).map(tuple),
    )
    answered = st.builds(Compare, _keys, st.just(Op.ANSWERED), st.none())
    return st.one_of(scalar, listed, answered)


conditions = st.recursive(
    _compares(),
    lambda inner: st.one_of(
        st.builds(AllOf, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(Not, inner),
    ),
    max_leaves=8,
)


@given(conditions)
def test_text_round_trip(cond: Condition) -> None:
    assert parse_condition(format_condition(cond)) == cond


@given(conditions)
def test_data_round_trip(cond: Condition) -> None:
    assert condition_from_data(condition_to_data(cond)) == cond


def test_data_form_matches_the_spec() -> None:
    data = {
        "all": [
            {"question": "need", "op": "eq", "value": "yes"},
            {"not": {"question": "b", "op": "answered"}},
        ]
    }
    assert condition_from_data(data) == AllOf(
        (Compare("need", Op.EQ, "yes"), Not(Compare("b", Op.ANSWERED)))
    )
    with pytest.raises(ConditionError, match="unknown op 'equals'"):
        condition_from_data({"question": "need", "op": "equals", "value": "yes"})


def test_evaluation_semantics() -> None:
    answers = {
        "need": True,
        "tags": ["a", "b"],
        "n": 12,
        "d": date(2025, 3, 1),
        "iso": "2025-03-01",
    }
    assert evaluate_condition(parse_condition("need = yes"), answers)
    assert not evaluate_condition(parse_condition("need = no"), answers)
    assert evaluate_condition(parse_condition("tags = b and tags not in (c)"), answers)
    assert evaluate_condition(parse_condition("n >= 12 and n <= 12.5"), answers)
    assert evaluate_condition(parse_condition("d >= 2025-02-28 and iso <= 2025-03-01"), answers)
    # a comparison with an unanswered question is false, and not answered() tests for it
    assert not evaluate_condition(parse_condition("missing != yes"), answers)
    assert evaluate_condition(parse_condition("not answered(missing)"), answers)
    assert not evaluate_condition(parse_condition("answered(blank)"), {"blank": "  "})


# ---------------------------------------------------------------- validation


def test_valid_question_has_no_problems() -> None:
    assert TIMELINE.validate() == []
    q = Question("go", "Go?", YES_NO, condition=parse_condition("timeline = later"))
    assert q.validate({"timeline": TIMELINE}) == []


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        (Question("need", "Need?", YES_NO, options=(Option("a", "A"),)), "cannot have options"),
        (Question("t", "When?", AnswerType.CHOICE), "needs at least one option"),
        (
            Question("t", "?", AnswerType.CHOICE, options=(Option("a", "A"), Option("a", "B"))),
            "duplicate option",
        ),
        (Question("n", "N?", YES_NO, weight=-1), "weight must be zero or more"),
        (
            Question("n", "N?", YES_NO, condition=parse_condition("ghost = yes")),
            "not an earlier question",
        ),
        (Question("n", "N?", YES_NO, condition=parse_condition("n = yes")), "its own question"),
        (
            Question("n", "N?", YES_NO, condition=parse_condition("timeline = soon")),
            "not an option of 'timeline'",
        ),
        (
            Question("n", "N?", YES_NO, condition=parse_condition("need = maybe")),
            "compare it with yes or no",
        ),
        (
            Question("n", "N?", YES_NO, condition=parse_condition("need >= 1")),
            ">= and <= need number",
        ),
        (Question("1x", "N?", YES_NO), "question key"),
        (Question("n", "", YES_NO), "prompt must not be empty"),
        (Question("n", "two\nlines", YES_NO), "one line"),
        (
            Question("t", "?", AnswerType.CHOICE, options=(Option("a", "A", 1.5),)),
            "between 0 and 1",
        ),
    ],
)
def test_question_problems(question: Question, fragment: str) -> None:
    problems = question.validate({"need": NEED, "timeline": TIMELINE})
    assert any(fragment in p for p in problems), problems


def test_condition_naming_a_later_question_is_a_problem() -> None:
    later = Question("a", "A?", YES_NO, condition=parse_condition("b = yes"))
    s = QuestionSet("core", "Core", SetKind.CORE, questions=(later, Question("b", "B?", YES_NO)))
    assert any("'b', which is not an earlier question" in p for p in s.validate())


def test_set_level_validation() -> None:
    core = QuestionSet("core", "Core", SetKind.CORE, questions=(NEED,))
    dup = QuestionSet("web", "Web", SetKind.PRODUCT, "website", questions=(NEED,))
    assert validate_sets([core]) == []
    assert any("duplicate question key 'need'" in p for p in validate_sets([core, dup]))
    assert any("exactly one core set" in p for p in validate_sets([core, core]))
    assert any(
        "product key" in p for p in validate_sets([core, QuestionSet("w", "W", SetKind.PRODUCT)])
    )


def test_set_json_round_trip_ignores_version() -> None:
    q = Question(
        "go", "Go?", YES_NO, "Say it", required=True, condition=parse_condition("need = yes")
    )
    s = QuestionSet("core", "Core", SetKind.CORE, questions=(NEED, TIMELINE, q), version=7)
    back = question_set_from_data(question_set_to_data(s), version=8)
    assert back == s and back.version == 8


# ---------------------------------------------------------------- scoring


def test_answer_points_per_type() -> None:
    assert answer_points(NEED, True) == 1.0 and answer_points(NEED, False) == 0.0
    assert answer_points(TIMELINE, "later") == 0.0
    assert answer_points(Question("n", "N", AnswerType.NUMBER), 3) == 1.0
    assert answer_points(Question("n", "N", AnswerType.TEXT, answered_points=0.5), "x") == 0.5
    assert answer_points(NEED, None) is None


def test_score_is_normalised_over_applicable_questions() -> None:
    gated = Question(
        "why", "Why?", AnswerType.TEXT, weight=4, condition=parse_condition("need = yes")
    )
    qs = [NEED, TIMELINE, gated]
    assert score(qs, {}) == 0
    # need = no: 'why' does not apply, so only need + timeline weigh (4 in all)
    assert score(qs, {"need": False, "timeline": "this_month"}) == 50
    # need = yes: all apply (weight 8); need 2 + timeline 2 earned
    assert score(qs, {"need": True, "timeline": "this_month"}) == 50
    assert score(qs, {"need": True, "timeline": "this_month", "why": "growth"}) == 100
    # an answer left on a question that no longer applies is ignored
    assert score(qs, {"need": False, "timeline": "later", "why": "old"}) == 0
