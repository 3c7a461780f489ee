"""The generated form, submitted as a prospect would, arrives as answers: through every form-email
parser, a CSV export, a watched folder and a real mailbox; the lead holds the answers and the
provisional verdict. Undo import takes them back; a form matching nothing is offered for mapping."""

from __future__ import annotations

from email.message import EmailMessage
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import select

from repdesk.app import Workspace
from repdesk.core.questions import AnswerType
from repdesk.formats.form_email import parse_form_email
from repdesk.services.script.form_output import FormOutput
from repdesk.store.models import LeadRecord, QualificationRecord
from tests.formats.test_web_form import read

#: What the prospect picks: by field name (question key) -> value (option key or typed text).
CHOICES = {
    "need": "yes",
    "challenge": "Bookings get lost",
    "timeline": "this_month",
    "authority": "decides",
    "budget": "approved",
    "budget_amount": "12,500",
    "team_size": "8",
    "site_goal": "sell_online",
    "has_site": "no",
    "pages": "12",
}
EXPECTED = {
    "need": True,
    "challenge": "Bookings get lost",
    "timeline": "this_month",
    "authority": "decides",
    "budget": "approved",
    "budget_amount": 12500,
    "team_size": 8,
    "site_goal": "sell_online",
    "has_site": False,
    "pages": 12,
}
PERSON = {"name": "Nora Nguyen", "email": "nora@tea.test", "phone": "", "company": "Nguyen Tea"}


def submission(ws: Workspace) -> tuple[list[tuple[str, str, str]], str]:
    """(field name, label, value as shown) of every filled field of the generated HTML form, read
    back with an HTML parser, and the form's set versions."""
    form = read(FormOutput(ws.scripts, lambda: "US").form("html", "website"))
    fields: list[tuple[str, str, str]] = []
    for name, value in PERSON.items():
        if value:
            field = next(i for i in form.inputs if i["name"] == name)
            fields.append((name, form.labels[str(field["id"])].replace(" (required)", ""), value))
    plan = FormOutput(ws.scripts, lambda: "US").plan("website")
    for block, question in zip(form.blocks, plan.questions, strict=True):
        value = CHOICES[block.key]
        chosen = [i for i in block.inputs if i.get("value") == value]
        shown = block.labels[str(chosen[0]["id"])] if chosen else value
        fields.append((block.key, question.form_prompt, shown))
    hidden = {str(i["name"]): str(i["value"]) for i in form.inputs if i.get("type") == "hidden"}
    fields.append(("product", "Product", hidden["product"]))  # sent back like any field
    return fields, hidden["repdesk_form"]


def mail(body: str, *, sender: str, subject: str, html: bool = False, reply_to: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "sales@site.test", subject
    if reply_to:
        msg["Reply-To"] = reply_to
    msg.set_content(body, subtype="html" if html else "plain")
    return bytes(msg)


def tool_mails(fields: list[tuple[str, str, str]], form_id: str) -> dict[str, bytes]:
    """The notification email each form tool sends for this submission, in its own layout."""
    by_key = [(name, value) for name, _label, value in fields]
    by_label = [(label, value) for _name, label, value in fields]
    keyed = "\n".join(f"{name}: {CHOICES.get(name, value)}" for name, value in by_key)
    return {
        # Contact Form 7 with the Mail tab repdesk suggests: field names and option keys.
        "cf7": mail(
            f"{keyed}\nrepdesk_form: {form_id}\n\n-- \nThis e-mail was sent from a contact form "
            "on Nguyen Tea (https://tea.test)\n",
            sender="WordPress <wordpress@tea.test>",
            subject='Nguyen Tea "Contact"',
            reply_to="Nora Nguyen <nora@tea.test>",
        ),
        "wpforms": mail(
            "".join(f"--- {label} ---\n\n{value}\n\n" for label, value in by_label)
            + "---\nSent from WPForms\n",
            sender="Site <noreply@tea.test>",
            subject="New Entry: Contact",
        ),
        "squarespace": mail(
            "Sent via form submission from Nguyen Tea\n\n"
            + "\n".join(f"{label}: {value}" for label, value in by_label)
            + "\n\n(Sent via Squarespace)\n",
            sender="Squarespace <form-submission@squarespace.info>",
            subject="Form Submission - Contact",
        ),
        "wix": mail(
            "\n".join(f"{label}: {value}" for label, value in by_label),
            sender="Wix Forms <no-reply@wix.test>",
            subject="New lead",
        ),
        "gravity": mail(
            "<table>"
            + "".join(
                f"<tr><td><strong>{escape(label)}</strong></td></tr><tr><td>{escape(value)}</td></tr>"
                for label, value in by_label
            )
            + "</table><p>Powered by Gravity Forms</p>",
            sender="Site <noreply@tea.test>",
            subject="New submission",
            html=True,
        ),
        "typeform": mail(
            "".join(f"<p>{escape(label)}</p><p>{escape(value)}</p>" for label, value in by_label)
            + "<p>Powered by Typeform</p>",
            sender="Typeform <notifications@typeform.test>",
            subject="New response",
            html=True,
        ),
        "google": mail(
            "\n".join(f"{label}: {value}" for label, value in by_label)
            + "\n\nView responses in Google Forms\n",
            sender="Google Forms <forms-receipts-noreply@google.com>",
            subject="New response",
        ),
    }


def form_record(ws: Workspace, email: str) -> tuple[LeadRecord, QualificationRecord]:
    with ws.sessions() as session:
        lead = session.scalars(select(LeadRecord).where(LeadRecord.email == email)).one()
        record = session.scalars(
            select(QualificationRecord).where(
                QualificationRecord.lead_id == lead.id, QualificationRecord.origin == "form"
            )
        ).one()
        session.expunge_all()
        return lead, record


@pytest.mark.parametrize(
    "tool", ["cf7", "wpforms", "squarespace", "wix", "gravity", "typeform", "google"]
)
def test_a_submission_through_each_form_email_parser_arrives_as_answers(
    workspace: Workspace, tool: str
) -> None:
    fields, form_id = submission(workspace)
    raw = tool_mails(fields, form_id)[tool]
    parsed = parse_form_email(raw)
    assert parsed.lead.problem is None, parsed.lead.problem
    summary = workspace.imports.import_parsed([parsed.lead], f"mailbox ({tool})")
    assert summary.added == 1
    lead, record = form_record(workspace, "nora@tea.test")
    answers = workspace.form_answers.latest(lead.id)
    assert answers is not None
    assert answers.answers == EXPECTED
    assert lead.form_verdict == "qualified" and lead.form_note == "this month"
    assert record.verdict == "qualified" and record.score == answers.score
    assert lead.status == "new" and lead.first_response_at is None
    # The answered fields are answers now, not extra fields; nothing else was lost.
    assert not {label for _n, label, _v in fields} & set(lead.extra or {})
    assert not set(CHOICES) & set(lead.extra or {})
    if tool == "cf7":
        assert record.form_id == f"repdesk form ({form_id})"


def google_forms_csv(
    fields: list[tuple[str, str, str]],
    *,
    shout: bool = False,
    when: str = "2026/11/20 10:31:07 AM GMT",
) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    labels = ["Timestamp", *[label for _n, label, _v in fields]]
    if shout:  # another letter case and spacing than the form's
        labels = [" ".join(label.upper().split()).replace(" ", "  ") for label in labels]
    writer.writerow(labels)
    writer.writerow([when, *[value for _n, _l, value in fields]])
    return out.getvalue()


@pytest.mark.parametrize("shout", [False, True])
def test_a_csv_export_of_the_form_arrives_as_answers(
    workspace: Workspace, tmp_path: Path, shout: bool
) -> None:
    fields, _form_id = submission(workspace)
    path = tmp_path / "responses.csv"
    path.write_text(google_forms_csv(fields, shout=shout), encoding="utf-8")
    summary = workspace.imports.import_files([path])
    assert summary.added == 1
    lead, _record = form_record(workspace, "nora@tea.test")
    got = workspace.form_answers.latest(lead.id)
    assert got is not None and got.answers == EXPECTED
    assert lead.form_verdict == "qualified"


def test_a_watched_folder_brings_answers_too(workspace: Workspace, tmp_path: Path) -> None:
    fields, _ = submission(workspace)
    drop = tmp_path / "drop"
    drop.mkdir()
    workspace.sources.add_folder(drop)
    (drop / "responses.csv").write_text(google_forms_csv(fields), encoding="utf-8")
    assert workspace.sources.fetch_all().added == 1
    lead, _record = form_record(workspace, "nora@tea.test")
    assert lead.form_verdict == "qualified"


def test_a_set_edited_after_the_form_was_made_still_maps_the_old_form_by_key(
    workspace: Workspace,
) -> None:
    fields, form_id = submission(workspace)
    old_mail = tool_mails(fields, form_id)["cf7"]
    text = workspace.scripts.export_text()
    text = text.replace("form: When are you looking to start?", "form: When would you start?")
    text = text.replace("option this_month: This month", "option this_month: Within weeks")
    workspace.scripts.import_text(text)
    workspace.imports.import_parsed([parse_form_email(old_mail).lead], "mailbox")
    lead, record = form_record(workspace, "nora@tea.test")
    got = workspace.form_answers.latest(lead.id)
    assert got is not None and got.answers["timeline"] == "this_month"
    assert lead.form_note == "within weeks"  # shown in the current wording
    assert record.form_id == "repdesk form (core v1, website v1)"  # the form's own versions


def test_undo_import_takes_the_form_answers_back(workspace: Workspace, tmp_path: Path) -> None:
    fields, _ = submission(workspace)
    path = tmp_path / "responses.csv"
    path.write_text(google_forms_csv(fields), encoding="utf-8")
    first = workspace.imports.import_files([path])
    lead, _ = form_record(workspace, "nora@tea.test")
    # The same person answers again later (a re-inquiry, its own time): answers on the lead that
    # is already there.
    again = google_forms_csv(
        [(n, label, "No plans yet" if n == "timeline" else v) for n, label, v in fields],
        when="2026/11/20 2:05:44 PM GMT",
    )
    path.write_text(again, encoding="utf-8")
    second = workspace.imports.import_files([path])
    assert second.merged == 1 and first.import_id != second.import_id
    with workspace.sessions() as session:
        assert session.get(LeadRecord, lead.id).form_note == "no plans yet"  # type: ignore[union-attr]
    workspace.imports.undo_import(second.import_id)
    with workspace.sessions() as session:
        kept = session.get(LeadRecord, lead.id)
        assert kept is not None and kept.form_note == "this month"
        forms = session.scalars(
            select(QualificationRecord).where(QualificationRecord.origin == "form")
        ).all()
    assert len(forms) == 1
    workspace.imports.undo_import(first.import_id)
    with workspace.sessions() as session:
        assert session.scalars(select(QualificationRecord)).all() == []


def test_a_form_whose_fields_match_nothing_is_offered_for_mapping_once(
    workspace: Workspace,
) -> None:
    body = (
        "--- Name ---\n\nIda Berg\n\n--- Email ---\n\nida@berg.test\n\n--- Kick-off ---\n\n"
        "This month\n\n--- Sign-off by ---\n\nMakes the decision\n\n---\nSent from WPForms\n"
    )
    raw = mail(body, sender="Site <noreply@berg.test>", subject="New Entry")
    workspace.imports.import_parsed([parse_form_email(raw).lead], "mailbox")
    lead = workspace.leads.list_leads()[0]
    offer = workspace.form_mappings.offer_for(lead.id)
    assert offer is not None and offer.labels == ("Kick-off", "Sign-off by")
    assert workspace.form_answers.latest(lead.id) is None  # nothing matched by itself
    # The same form again is not offered a second time.
    again = mail(
        body.replace("ida@berg", "ole@berg"), sender="Site <noreply@berg.test>", subject="New Entry"
    )
    workspace.imports.import_parsed([parse_form_email(again).lead], "mailbox")
    assert len(workspace.form_mappings.offers()) == 1
    workspace.form_mappings.map_form(offer.id, {"Kick-off": "timeline", "Sign-off by": "authority"})
    got = workspace.form_answers.latest(lead.id)
    assert got is not None and got.answers == {"timeline": "this_month", "authority": "decides"}
    assert workspace.form_mappings.offer_for(lead.id) is None
    # Remembered: the next submission of that form maps by itself.
    third = mail(
        body.replace("ida@berg", "una@berg"), sender="Site <noreply@berg.test>", subject="New Entry"
    )
    workspace.imports.import_parsed([parse_form_email(third).lead], "mailbox")
    una = next(x for x in workspace.leads.list_leads() if x.email == "una@berg.test")
    assert workspace.form_answers.latest(una.id) is not None


def test_every_generated_question_type_is_read_back(workspace: Workspace) -> None:
    """The submission covers yes/no, choice, money, number and text questions."""
    plan = FormOutput(workspace.scripts, lambda: "US").plan("website")
    kinds = {q.answer_type for q in plan.questions}
    assert {
        AnswerType.YES_NO,
        AnswerType.CHOICE,
        AnswerType.MONEY,
        AnswerType.NUMBER,
        AnswerType.TEXT,
    } <= kinds


@pytest.mark.integration
def test_a_real_mailbox_brings_the_answers(tmp_path: Path, imap_server) -> None:  # type: ignore[no-untyped-def]
    from tests.services.sources.test_sources import add_mailbox, open_ws

    ws = open_ws(tmp_path / "m.sqlite3")
    try:
        fields, form_id = submission(ws)
        imap_server.append(tool_mails(fields, form_id)["wpforms"])
        add_mailbox(ws, imap_server)
        result = ws.sources.fetch_all()
        assert (result.added, result.errors) == (1, [])
        lead, record = form_record(ws, "nora@tea.test")
        assert lead.form_verdict == "qualified" and record.origin == "form"
        latest = ws.form_answers.latest(lead.id)
        assert latest is not None and latest.answers == EXPECTED
    finally:
        ws.close()
