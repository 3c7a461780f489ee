"""The report's form answers: changes per question and verdict agreement, per form and source."""

from __future__ import annotations

from repdesk.app import Workspace
from repdesk.commands.report_cmd import summary_text
from tests.services.script.test_form_answers import FORM_FIELDS
from tests.services.script.test_qualification_service import QUALIFIED, add_lead


def test_the_report_counts_answers_the_call_changed_and_verdicts_that_agreed(
    workspace: Workspace,
) -> None:
    agreed = add_lead(workspace, email="a@example.test")
    changed = add_lead(workspace, email="b@example.test")
    waiting = add_lead(workspace, email="c@example.test")
    for lead_id in (agreed, changed, waiting):
        workspace.form_answers.arrive(lead_id, {**FORM_FIELDS, "repdesk_form": "core v1"})
    workspace.qualifications.finish(agreed, QUALIFIED)
    workspace.qualifications.finish(
        changed, {**QUALIFIED, "timeline": "no_plans", "budget": "none", "authority": "no_role"}
    )
    report = workspace.services.reports.report()
    data = report.to_json()["form_answers"]
    assert (data["called"], data["verdicts_agreed"], data["waiting_for_a_call"]) == (2, 1, 1)
    assert data["agreement_share"] == 0.5
    timeline = next(q for q in data["questions"] if q["key"] == "timeline")
    assert timeline == {
        "key": "timeline",
        "prompt": "When do they want this solved?",
        "compared": 2,
        "changed": 1,
        "changed_share": 0.5,
    }
    need = next(q for q in data["questions"] if q["key"] == "need")
    assert (need["compared"], need["changed"]) == (2, 0)
    [form] = data["by_form"]
    assert form["name"] == "repdesk form (core v1)" and form["called"] == 2
    assert form["answers_changed"] == 3 and form["verdicts_agreed"] == 1
    assert [s["name"] for s in data["by_source"]] == ["(none)"]
    text = summary_text(report)
    assert "Form answers: 2 leads called after their form (1 not called yet)" in text
    assert "When do they want this solved?" in text and "changed 1 of 2" in text


def test_a_report_without_form_answers_says_nothing_of_them(workspace: Workspace) -> None:
    add_lead(workspace)
    report = workspace.services.reports.report()
    assert report.to_json()["form_answers"]["called"] == 0
    assert "Form answers" not in summary_text(report)
