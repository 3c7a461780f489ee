"""The script file: exact round trips (default file and generated bundles) and errors naming
lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.core.conditions import (
    AllOf,
    Compare,
    Condition,
    Not,
    Op,
    parse_condition,
    questions_named,
)
from repdesk.core.domain import Verdict
from repdesk.core.questions import AnswerType, Option, Question, QuestionSet, SetKind, validate_sets
from repdesk.core.verdict_rules import RuleSet, VerdictRule, default_rules
from repdesk.formats.script_file import ScriptBundle, ScriptFileError, dump, load, load_default

DEFAULT_PATH = Path(__file__).parents[2] / "resources" / "scripts" / "default.repdesk-script"


def test_default_file_is_canonical_and_valid() -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    bundle = load(text)
    assert dump(bundle.sets, bundle.rules) == text
    assert load_default() == bundle
    assert validate_sets(bundle.sets) == []
    assert bundle.rules == default_rules()
    core = bundle.sets[0]
    assert core.kind is SetKind.CORE
    for key in (
        "need",
        "challenge",
        "current_solution",
        "timeline",
        "authority",
        "budget",
        "team_size",
        "best_time",
    ):
        assert core.question(key) is not None, key
    timeline = core.question("timeline")
    assert timeline is not None
    assert [o.key for o in timeline.options] == [
        "this_month",
        "1_3_months",
        "3_6_months",
        "6_12_months",
        "no_plans",
    ]
    assert {s.product for s in bundle.sets[1:]} == {"website", "seo"}
    assert all(q.talk_track for s in bundle.sets for q in s.questions)


def test_form_prompts_are_read_and_written_back_in_place() -> None:
    bundle = load(DEFAULT_PATH.read_text(encoding="utf-8"))
    timeline = bundle.sets[0].question("timeline")
    assert timeline is not None and timeline.on_forms
    assert timeline.form_prompt == "When are you looking to start?"
    assert timeline.prompt == "When do they want this solved?"  # the rep's wording is its own
    best_time = bundle.sets[0].question("best_time")
    assert best_time is not None and not best_time.on_forms
    text = dump(bundle.sets, bundle.rules)
    assert "talk: If everything lined up" in text.split("form: When are you looking")[0][-200:]
    assert dump(load(text).sets, load(text).rules) == text


def test_a_file_written_before_form_prompts_still_imports() -> None:
    old = "\n".join(
        line
        for line in DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
        if not line.startswith("form:")
    )
    bundle = load(old + "\n")
    assert not any(q.on_forms for s in bundle.sets for q in s.questions)
    assert dump(bundle.sets, bundle.rules) == old + "\n"


def test_comments_blank_lines_and_continuations_are_read() -> None:
    text = """\
# managers edit this
[set core]
name: Core

[question need]
# a comment between fields
type: yes_no
prompt: Is there a need?
talk: Hello there,
  how are you?
required: yes
weight: 2

[rules]
qualified when need = yes
  and answered(need)
default nurture
"""
    bundle = load(text)
    need = bundle.sets[0].questions[0]
    assert need.talk_track == "Hello there, how are you?"
    assert need.required and need.weight == 2
    assert bundle.rules.rules[0].condition == parse_condition("need = yes and answered(need)")


# ---------------------------------------------------------------- generated bundles

_text = (
    st.text(
        alphabet=st.characters(
            whitelist_categories=("L", "N", "P", "Zs"), blacklist_characters="\r\n\t#[]()"
        ),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
_points = st.one_of(st.none(), st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(0, 1))
_weight = st.one_of(st.integers(0, 10).map(float), st.floats(0, 100))


@st.composite
def _question(draw: st.DrawFn, key: str, earlier: list[Question]) -> Question:
    kind = draw(st.sampled_from(list(AnswerType)))
    options: tuple[Option, ...] = ()
    if kind.has_options:
        keys = draw(
            st.lists(
                st.from_regex(r"[a-z0-9_]{1,6}", fullmatch=True),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        options = tuple(Option(k, draw(_text), draw(_points)) for k in keys)
    condition: Condition | None = None
    if earlier and draw(st.booleans()):
        parts: list[Condition] = []
        for target in draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3)):
            if target.answer_type is AnswerType.YES_NO:
                parts.append(Compare(target.key, Op.EQ, draw(st.sampled_from(["yes", "no"]))))
            elif target.options:
                values = tuple(o.key for o in target.options[:2])
                parts.append(Compare(target.key, Op.IN, values))
            elif target.answer_type in (AnswerType.NUMBER, AnswerType.MONEY):
                parts.append(Compare(target.key, Op.GTE, draw(st.integers(-5, 500))))
            else:
                parts.append(Not(Compare(target.key, Op.ANSWERED)))
        condition = parts[0] if len(parts) == 1 else AllOf(tuple(parts))
    named = {c.question for c in questions_named(condition)} if condition is not None else set()
    # On forms only when every question its condition names is on forms too (the rule of forms).
    may_be_on_forms = all(q.on_forms for q in earlier if q.key in named)
    return Question(
        key=key,
        prompt=draw(_text),
        answer_type=kind,
        talk_track=draw(st.one_of(st.just(""), _text)),
        options=options,
        required=draw(st.booleans()),
        condition=condition,
        weight=draw(_weight),
        answered_points=draw(st.sampled_from([1.0, 0.5, 0.0])) if not kind.has_options else 1.0,
        form_prompt=draw(st.one_of(st.just(""), _text)) if may_be_on_forms else "",
    )


@st.composite
def _bundles(draw: st.DrawFn) -> ScriptBundle:
    counter = iter(range(1000))
    core_qs: list[Question] = []
    for _ in range(draw(st.integers(1, 5))):
        core_qs.append(draw(_question(f"q{next(counter)}", core_qs)))
    sets = [QuestionSet("core", draw(_text), SetKind.CORE, questions=tuple(core_qs))]
    for i in range(draw(st.integers(0, 2))):
        qs: list[Question] = []
        for _ in range(draw(st.integers(0, 3))):
            qs.append(draw(_question(f"q{next(counter)}", core_qs + qs)))
        sets.append(QuestionSet(f"p{i}", draw(_text), SetKind.PRODUCT, f"prod{i}", tuple(qs)))
    every = [q for s in sets for q in s.questions]
    rules = tuple(
        VerdictRule(draw(st.sampled_from(list(Verdict))), Compare(q.key, Op.ANSWERED))
        for q in draw(st.lists(st.sampled_from(every), max_size=3))
    )
    return ScriptBundle(tuple(sets), RuleSet(rules, draw(st.sampled_from(list(Verdict)))))


@settings(max_examples=150, deadline=None)
@given(_bundles())
def test_generated_bundles_round_trip_exactly(bundle: ScriptBundle) -> None:
    assert validate_sets(bundle.sets) == []
    text = dump(bundle.sets, bundle.rules)
    loaded = load(text)
    assert loaded == bundle
    assert dump(loaded.sets, loaded.rules) == text


# ---------------------------------------------------------------- errors name the line

GOOD = DEFAULT_PATH.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    """The last line containing `needle` (a duplicate is reported where it repeats)."""
    lines = text.splitlines()
    exact = [i for i, line in enumerate(lines, start=1) if line == needle]
    return (exact or [i for i, line in enumerate(lines, start=1) if needle in line])[-1]


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        (
            "type: yes_no",
            "type: yesno",
            "unknown answer type 'yesno' (expected one of yes_no, choice,",
        ),
        ("weight: 3", "wieght: 3", "unknown field 'wieght' in a question"),
        ("weight: 3", "weight: heavy", "weight must be a number, got 'heavy'"),
        ("weight: 3", "weight: -1", "weight must be zero or more"),
        ("required: yes", "required: maybe", "required must be yes or no"),
        ("when: need = yes", "when: need = yes and", "expected a question key"),
        ("when: need = yes", "when: nead = yes", "'nead', which is not an earlier question"),
        (
            "when: authority in (influences, no_role)",
            "when: authority in (influence)",
            "'influence' is not an option",
        ),
        (
            "when: budget in (approved, estimating)",
            "when: team_size >= 3",
            "not an earlier question",
        ),
        (
            "option this_month: This month (points 1)",
            "option this_month: This month (points 7)",
            "between 0 and 1",
        ),
        ("option 1_3_months:", "option this_month:", "duplicate option key 'this_month'"),
        ("[question challenge]", "[question need]", "duplicate question key 'need'"),
        (
            "[question pages]",
            "[question team_size]",
            "duplicate question key 'team_size' (core set)",
        ),
        ("[question challenge]", "[questoin challenge]", "unknown section '[questoin challenge]'"),
        ("not_a_fit when need = no", "not-a-fit when need = no", "unknown verdict 'not-a-fit'"),
        (
            "not_a_fit when need = no",
            "not_a_fit if need = no",
            "write a rule as 'VERDICT when CONDITION'",
        ),
        ("not_a_fit when need = no", "not_a_fit when need = perhaps", "compare it with yes or no"),
        ("product: seo", "product: website", "a second set for product 'website'"),
        ("product: seo", "nam: x", "unknown field 'nam' in a set"),
        ("prompt: What is the challenge, in their words?", "prompt:", "prompt must not be empty"),
        (
            "form: Is there something you want to fix or improve?",
            "# need is not on forms",
            "'challenge' is on forms but its condition names 'need', which is not",
        ),
        (
            "[question challenge]\ntype: text",
            "[question challenge]\ntype: text\nform: One?\nform: Two?",
            "a second 'form:' line in question 'challenge'",
        ),
        (
            "type: text\nprompt: What is the challenge",
            "type: text\noption a: A\nprompt: What is the challenge",
            "a text question cannot have options",
        ),
    ],
)
def test_load_errors_name_the_line(old: str, new: str, fragment: str) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    needle = new.splitlines()[-1] if "option a" not in new else "option a: A"
    if new.startswith("# need"):  # the problem is on the line of the question that depends on it
        needle = "form: What is not working the way you would like?"
    expected_line = _line_of(text, needle)
    with pytest.raises(ScriptFileError) as info:
        load(text)
    message = str(info.value)
    assert fragment in message, message
    assert info.value.line == expected_line, message
    assert message.startswith(f"line {expected_line}")


def test_condition_error_points_at_the_column() -> None:
    text = GOOD.replace("when: need = yes", "when: need = ", 1)
    with pytest.raises(ScriptFileError) as info:
        load(text)
    assert str(info.value).startswith(
        f"line {_line_of(text, 'when: need = ')}, column 13: expected a value"
    )


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("name: x\n", 1, "outside any section"),
        (
            "[set core]\nname: C\n[question a]\nprompt: A?\n[rules]\ndefault nurture\n",
            3,
            "has no 'type:' line",
        ),
        (
            "[set core]\nname: C\n\n[rules]\nqualified when x = 1\ndefault nurture\n",
            5,
            "'x', which is not",
        ),
        ("[set core]\nname: C\n[rules]\nqualified when\n", 4, "the condition is empty"),
        (
            "[set core]\nname: C\n[rules]\ndefault nurture\nqualified when answered(x)\n",
            5,
            "never reached",
        ),
        ("[set core]\nname: C\n[rules]\n", 3, "needs a 'default VERDICT' line"),
        ("[set core]\nname: C\n", 2, "no [rules] section"),
        (
            "[set core]\nname: C\n[set two]\nname: T\n[rules]\ndefault nurture\n",
            3,
            "a second core set",
        ),
        ("[set web]\nname: W\nproduct: web\n[rules]\ndefault nurture\n", 1, "there is no core set"),
        ("[set core]\nname: C\n\n  stray\n", 4, "indented line must continue"),
        ("[set core]\n[rules]\ndefault nurture\n", 1, "has no 'name:' line"),
        (
            "[set core]\nname: C\n[rules]\ndefault nurture\ndefault qualified\n",
            5,
            "a second default",
        ),
    ],
)
def test_structural_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ScriptFileError) as info:
        load(text)
    assert fragment in str(info.value), str(info.value)
    assert info.value.line == line, str(info.value)
