"""Which arriving fields are which questions and answers: by key, prompt or form prompt, with
option keys or labels, whatever the case, spacing and punctuation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.form_match import FormMatcher, answer_value, fold
from repdesk.core.form_plan import FORM_ID_FIELD
from repdesk.core.questions import AnswerType, Option, Question
from repdesk.formats.script_file import load_default

SETS = load_default().sets
QUESTIONS = [q for s in SETS[:2] for q in s.questions]  # core and website


def matcher() -> FormMatcher:
    return FormMatcher(QUESTIONS)


def test_fields_named_by_key_with_option_keys_are_answers() -> None:
    got = matcher().match(
        {
            "name": "Jane Doe",
            "timeline": "this_month",
            "need": "yes",
            "budget_amount": "12,500",
            "team_size": "12",
            "site_goal": "sell_online",
            FORM_ID_FIELD: "core v3,  website v2",
        }
    )
    assert got.answers == {
        "timeline": "this_month",
        "need": True,
        "budget_amount": 12500,
        "team_size": 12,
        "site_goal": "sell_online",
    }
    assert got.rest == {"name": "Jane Doe"}
    assert got.form_id == "core v3, website v2"
    assert got.fields["timeline"] == "timeline"


def test_labels_like_a_prompt_or_form_prompt_and_option_labels_in_any_case_match() -> None:
    got = matcher().match(
        {
            "WHEN ARE YOU LOOKING TO START": "  in 1 to 3 MONTHS ",  # form prompt, no '?'
            "what is their role in the decision?": "Makes the decision.",  # the rep's prompt
            "Have you set a budget for this?": "budget-approved",  # option label, a dash
            "Is there something you want to fix or improve?": "Yes",
        }
    )
    assert got.answers == {
        "timeline": "1_3_months",
        "authority": "decides",
        "budget": "approved",
        "need": True,
    }
    assert got.rest == {}


def test_values_that_fit_no_answer_and_unknown_fields_stay_extra() -> None:
    got = matcher().match(
        {"timeline": "whenever", "need": "perhaps", "Favourite colour": "teal", "pages": "lots"}
    )
    assert got.answers == {}
    assert got.rest == {
        "timeline": "whenever",
        "need": "perhaps",
        "Favourite colour": "teal",
        "pages": "lots",
    }
    assert not got.matched


def test_the_first_field_for_a_question_wins_and_the_second_stays_extra() -> None:
    got = matcher().match({"timeline": "this_month", "When are you looking to start?": "No plans"})
    assert got.answers == {"timeline": "this_month"}
    assert got.rest == {"When are you looking to start?": "No plans"}


def test_keys_win_over_wording_and_a_mapping_over_both() -> None:
    q1 = Question("start", "When?", AnswerType.TEXT)
    q2 = Question("when", "Start", AnswerType.TEXT)
    assert FormMatcher([q1, q2]).question_for("Start") is q1  # the key 'start', not a prompt
    mapped = FormMatcher([q1, q2], mapping={"Kick-off date": "when", "Start": "when"})
    assert mapped.question_for("kick off date") is q2
    assert mapped.question_for("start") is q2
    assert FormMatcher([q1], mapping={"x": "nope"}).question_for("x") is None


def test_multiple_choices_are_split_unless_one_label_holds_a_comma() -> None:
    q = Question(
        "tags",
        "Which?",
        AnswerType.MULTI_CHOICE,
        options=(Option("seo", "SEO"), Option("ads", "Ads, paid"), Option("web", "Website")),
    )
    assert answer_value(q, "SEO, Website") == ("seo", "web")
    assert answer_value(q, "Ads, paid") == ("ads",)
    assert answer_value(q, "seo; ads; seo") == ("seo", "ads")
    assert answer_value(q, "SEO, Radio") is None  # one part names no option: kept as text


def test_dates_numbers_and_text() -> None:
    when = Question("start", "Start?", AnswerType.DATE)
    money = Question("budget", "Budget?", AnswerType.MONEY)
    text = Question("notes", "Notes?", AnswerType.TEXT)
    assert answer_value(when, "2027-01-31") == date(2027, 1, 31)
    assert answer_value(when, "next spring") is None
    assert answer_value(money, "$12k") == 12000
    assert answer_value(text, "  a  b ") == "a  b"
    assert answer_value(text, "   ") is None


def test_a_set_edited_after_the_form_was_made_still_maps_the_old_fields_by_key() -> None:
    timeline = next(q for q in QUESTIONS if q.key == "timeline")
    reworded = replace(
        timeline,
        prompt="Time frame?",
        form_prompt="When would you like it done?",
        options=tuple(replace(o, label=o.label.upper() + "!") for o in timeline.options),
    )
    edited = [reworded if q.key == "timeline" else q for q in QUESTIONS]
    got = FormMatcher(edited).match(
        {"timeline": "this_month", "When are you looking to start?": "x"}
    )
    assert got.answers == {"timeline": "this_month"}
    assert "When are you looking to start?" in got.rest  # the old wording is no longer known


@given(st.sampled_from([q for q in QUESTIONS if q.answer_type.has_options]), st.data())
def test_any_case_spacing_and_punctuation_of_a_label_matches(
    q: Question, data: st.DataObject
) -> None:
    option = data.draw(st.sampled_from(q.options))
    noise = data.draw(st.sampled_from(["", " ", "  ", ".", "!", " - ", "_"]))
    label = data.draw(st.sampled_from([q.prompt, q.form_prompt or q.prompt, q.key]))
    shout = data.draw(st.booleans())
    field = (label.upper() if shout else label.lower()).replace(" ", noise or " ") + noise
    value = noise + (option.label.swapcase() if shout else option.label) + noise
    assert fold(field) == fold(label)
    got = matcher().match({field: value})
    assert got.answers == {q.key: option.key}
