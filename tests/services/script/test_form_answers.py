"""Answers that arrive with a lead: a qualification "from the form" by the same rules, the lead's
provisional verdict, routing when asked, the not-a-fit reply, and the call stored beside it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from repdesk.app import Workspace
from repdesk.core.domain import Verdict
from repdesk.core.email_rules import NOT_A_FIT, Template
from repdesk.services.script.form_answers import ROUTE_SETTING, form_summary
from repdesk.store.models import ActivityRecord, LeadRecord, QualificationRecord
from tests.services.script.test_qualification_service import QUALIFIED, add_lead, add_rep

FORM_FIELDS = {
    "Is there something you want to fix or improve?": "Yes",
    "When are you looking to start?": "This month",
    "What is your role in choosing a provider?": "Makes the decision",
    "Have you set a budget for this?": "budget approved",
    "What should your new website do for you?": "Bring in more leads",
    "Favourite colour": "teal",
}


def _lead(ws: Workspace, lead_id: int) -> LeadRecord:
    with ws.sessions() as session:
        found = session.get(LeadRecord, lead_id)
        assert found is not None
        session.expunge(found)
        return found


def _records(ws: Workspace, lead_id: int) -> list[QualificationRecord]:
    with ws.sessions() as session:
        rows = list(
            session.scalars(
                select(QualificationRecord)
                .where(QualificationRecord.lead_id == lead_id)
                .order_by(QualificationRecord.id)
            )
        )
        for row in rows:
            session.expunge(row)
        return rows


def test_form_answers_give_a_provisional_verdict_and_the_lead_still_waits(
    workspace: Workspace,
) -> None:
    lead_id = add_lead(workspace)
    got = workspace.form_answers.arrive(lead_id, FORM_FIELDS)
    assert got is not None and got.verdict is Verdict.QUALIFIED
    assert got.answers == {
        "need": True,
        "timeline": "this_month",
        "authority": "decides",
        "budget": "approved",
        "site_goal": "leads",
    }
    lead = _lead(workspace, lead_id)
    assert (lead.form_verdict, lead.form_note) == ("qualified", "this month")
    assert form_summary(lead.form_verdict, lead.form_note) == "Form: qualified · this month"
    # Provisional: no call verdict, still new, still waiting for a first answer, nobody assigned.
    assert lead.verdict is None and lead.status == "new" and lead.first_response_at is None
    assert lead.owner_id is None
    [record] = _records(workspace, lead_id)
    assert record.origin == "form" and not record.is_draft and record.score == got.score > 0
    assert record.form_id == "Form (need, timeline, authority, budget, site_goal)"


def test_nothing_matching_stores_nothing(workspace: Workspace) -> None:
    lead_id = add_lead(workspace)
    assert workspace.form_answers.arrive(lead_id, {"Favourite colour": "teal"}) is None
    assert _records(workspace, lead_id) == []
    assert _lead(workspace, lead_id).form_verdict is None


def test_routing_setting_hands_form_qualified_leads_to_a_rep_who_keeps_them(
    workspace: Workspace,
) -> None:
    sam, kim = add_rep(workspace, "Sam", 10), add_rep(workspace, "Kim", 10)
    first = add_lead(workspace)
    assert workspace.form_answers.arrive(first, FORM_FIELDS) is not None
    assert _lead(workspace, first).owner_id is None  # routing is off by default
    workspace.settings.set(ROUTE_SETTING, True)
    second = add_lead(workspace, email="bo@example.test")
    workspace.form_answers.arrive(second, FORM_FIELDS)
    owner = _lead(workspace, second).owner_id
    assert owner in (sam, kim)
    # The call qualifies it too: it stays with that rep and counts once against the capacity.
    result = workspace.qualifications.finish(second, QUALIFIED)
    assert _lead(workspace, second).owner_id == owner and result.owner is not None
    third = add_lead(workspace, email="cy@example.test")
    workspace.form_answers.arrive(third, FORM_FIELDS)
    assert _lead(workspace, third).owner_id == ({sam, kim} - {owner}).pop()


def test_not_a_fit_from_the_form_gets_its_reply_drafted_and_is_kept(workspace: Workspace) -> None:
    lead_id = add_lead(workspace)
    got = workspace.form_answers.arrive(
        lead_id, {"need": "no", "What is not working the way you would like?": "Just browsing"}
    )
    assert got is not None and got.verdict is Verdict.NOT_A_FIT
    lead = _lead(workspace, lead_id)
    assert lead.status == "new" and lead.form_verdict == "not_a_fit"
    with workspace.sessions() as session:
        notes = list(
            session.scalars(select(ActivityRecord.body).where(ActivityRecord.lead_id == lead_id))
        )
    drafted = [n for n in notes if "Helpful reply drafted (not sent)" in n]
    assert len(drafted) == 1 and "Subject:" in drafted[0]
    assert lead.first_response_at is None  # drafting is not answering


def test_the_call_sees_the_form_answers_and_is_stored_beside_them(workspace: Workspace) -> None:
    lead_id = add_lead(workspace)
    workspace.form_answers.arrive(lead_id, FORM_FIELDS)
    run = workspace.qualifications.start_or_resume(lead_id)
    assert run.answers == {} and run.form_answers["timeline"] == "this_month"
    changed = {**QUALIFIED, "timeline": "1_3_months"}
    workspace.qualifications.finish(lead_id, changed)
    form, call = _records(workspace, lead_id)
    assert (form.origin, call.origin) == ("form", "call")
    assert form.answers["timeline"] == "this_month" and call.answers["timeline"] == "1_3_months"
    assert _lead(workspace, lead_id).verdict == "qualified"


EDITED = Template(
    NOT_A_FIT,
    "",
    "Not a fit",
    "Our own words for {first_name}",
    "Hi {first_name},\n\nThe text the manager wrote in Templates.\n",
)


def _drafted_notes(ws: Workspace, lead_id: int) -> list[str]:
    with ws.sessions() as session:
        bodies = session.scalars(
            select(ActivityRecord.body).where(ActivityRecord.lead_id == lead_id)
        )
        return [b for b in bodies if "Helpful reply drafted (not sent)" in b]


def test_the_not_a_fit_reply_from_the_form_is_the_template_as_the_user_edited_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    # Both as the user edited them: the one for every product, and the website's own.
    workspace.services.templates.save(EDITED, original=(NOT_A_FIT, ""))
    website = replace(EDITED, product="website")
    workspace.services.templates.save(website, original=(NOT_A_FIT, "website"))
    lead_id = add_lead(workspace)
    workspace.form_answers.arrive(lead_id, {"need": "no"})
    [note] = _drafted_notes(workspace, lead_id)
    assert "Subject: Our own words for" in note and "The text the manager wrote" in note
    # The same through an import (a chunk's answers are taken at once).
    path = tmp_path / "form.csv"
    path.write_text("First Name,Email,need\nLou,lou@ng.example,no\n", encoding="utf-8")
    assert workspace.imports.import_files([path]).added == 1
    with workspace.sessions() as session:
        lou = session.scalars(select(LeadRecord.id).where(LeadRecord.email == "lou@ng.example"))
        [imported] = _drafted_notes(workspace, lou.one())
    assert "Subject: Our own words for Lou" in imported and "The text the manager" in imported


CALL_WORDS = ("talk", "spoke", "speak", "listened", "conversation", "on the phone", "our call")


def test_the_shipped_not_a_fit_reply_to_a_form_only_lead_does_not_presume_a_call(
    workspace: Workspace,
) -> None:
    """Nobody has called them: the helpful answer thanks them for what they wrote, for every
    product's version of the shipped template."""
    for n, product in enumerate(("", "website", "seo")):
        lead_id = add_lead(workspace, product=product, email=f"form{n}@bakery.example")
        workspace.form_answers.arrive(lead_id, {"need": "no"})
        [note] = _drafted_notes(workspace, lead_id)
        said = note.lower()
        assert [w for w in CALL_WORDS if w in said] == [], (product, note)
        assert "thank you for" in said and "thompson bakery" in said, note
