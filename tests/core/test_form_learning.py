"""What marketing learns: form answers the call changed, and verdict agreement per form/source."""

from __future__ import annotations

from repdesk.core.form_learning import FormCallPair, form_learning, same_answer


def pair(form_id: str, source: str, form: dict, fv: str, call: dict, cv: str) -> FormCallPair:  # type: ignore[type-arg]
    return FormCallPair(form_id, source, form, fv, call, cv)


def test_changes_per_question_and_agreement_per_form_and_source() -> None:
    pairs = [
        pair(
            "web",
            "Website",
            {"timeline": "this_month", "need": True},
            "qualified",
            {"timeline": "1_3_months", "need": True},
            "qualified",
        ),
        pair(
            "web",
            "Website",
            {"timeline": "this_month", "budget": "approved"},
            "qualified",
            {"timeline": "this_month"},
            "nurture",
        ),  # budget not asked on the call
        pair(
            "fair",
            "Trade show",
            {"timeline": "no_plans"},
            "nurture",
            {"timeline": "no_plans"},
            "nurture",
        ),
    ]
    got = form_learning(pairs, waiting=4)
    assert (got.called, got.agreed, got.waiting) == (3, 2, 4)
    assert abs(got.agreement_share - 2 / 3) < 1e-9
    by_key = {q.key: (q.compared, q.changed) for q in got.questions}
    assert by_key == {"timeline": (3, 1), "need": (1, 0)}
    assert [
        (a.name, a.leads, a.agreed, a.answers_compared, a.answers_changed) for a in got.by_form
    ] == [("web", 2, 1, 3, 1), ("fair", 1, 1, 1, 0)]
    assert [a.name for a in got.by_source] == ["Website", "Trade show"]
    assert got.by_form[0].agreement_share == 0.5


def test_nothing_to_compare_is_zero_not_an_error() -> None:
    got = form_learning([])
    assert (got.called, got.agreement_share, got.questions, got.by_form) == (0, 0.0, (), ())


def test_answers_compare_as_answers() -> None:
    assert same_answer(["seo", "ads"], ("ads", "seo"))
    assert same_answer(12, 12.0) and not same_answer(12, 13)
    assert same_answer(True, True) and not same_answer(True, False)
    assert not same_answer("this_month", "1_3_months")
