"""Form-notification emails of the common form tools become the right lead fields; bad mail never
raises."""

from __future__ import annotations

import pytest

from repdesk.formats.form_email import html_to_text, parse_form_email


def mail(
    body: str,
    *,
    headers: str = "From: Site <noreply@site.test>\nSubject: New form entry\n",
    ctype: str = "text/plain; charset=utf-8",
) -> bytes:
    return f"{headers}Content-Type: {ctype}\n\n{body}".replace("\n", "\r\n").encode("utf-8")


CASES = {
    "cf7": (
        mail(
            "From: Jane Doe <jane@acme.test>\nSubject: Quote\n\nMessage Body:\nWe need 40 "
            "seats.\n\n-- \n"
            "This e-mail was sent from a contact form on Acme (https://acme.test)\n",
            headers="From: WordPress <wordpress@acme.test>\nReply-To: Jane Doe <jane@acme.test>\n"
            'Subject: Acme "Quote"\n',
        ),
        {"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.test"},
        "WordPress Contact Form 7",
    ),
    "wpforms": (
        mail(
            "--- Name ---\n\nBob Builder\n\n--- Email ---\n\nbob@build.test\n\n--- Phone ---\n\n"
            "(415) 555-0101\n\n--- Comment or Message ---\n\nCan you call me?\n\n---\nSent from "
            "WPForms\n"
        ),
        {
            "first_name": "Bob",
            "last_name": "Builder",
            "email": "bob@build.test",
            "phone": "+14155550101",
            "message": "Can you call me?",
        },
        "WPForms",
    ),
    "squarespace": (
        mail(
            "Sent via form submission from Studio\n\nName: Ann Lee\nEmail Address: ann@lee.test\n"
            "Subject: Pricing\nMessage: What does a team plan cost?\n\n(Sent via Squarespace)\n"
        ),
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "email": "ann@lee.test",
            "message": "What does a team plan cost?",
        },
        "Squarespace",
    ),
    "wix": (
        mail(
            "First Name: Ola\nLast Name: Nordmann\nEmail: ola@nord.test\nCompany: Nord AS\n"
            "Message: Demo next week?\n",
            headers="From: Wix Forms <no-reply@wix.test>\nSubject: New lead\n",
        ),
        {
            "first_name": "Ola",
            "last_name": "Nordmann",
            "company": "Nord AS",
            "email": "ola@nord.test",
        },
        "Wix",
    ),
    "gravity": (
        mail(
            "<table><tr><td><strong>Name</strong></td></tr><tr><td>Carla Diaz</td></tr><tr><td>"
            "<strong>Email</strong></td></tr><tr><td>carla@x.test</td></tr></table>"
            "<p>Powered by Gravity Forms</p>",
            ctype="text/html; charset=utf-8",
        ),
        {"first_name": "Carla", "last_name": "Diaz", "email": "carla@x.test"},
        "Gravity Forms",
    ),
    "typeform": (
        mail(
            "<p>What's your name?</p><p>Rui Costa</p><p>What's your email?</p><p>rui@costa.test</p>"
            "<p>What do you need help with?</p><p>Migrating 3 sites</p><p>Powered by Typeform</p>",
            ctype="text/html; charset=utf-8",
        ),
        {"email": "rui@costa.test"},
        "Typeform",
    ),
    "google": (
        mail(
            "Full name: Mia Wong\nEmail address: mia@wong.test\nPhone number: 415 555 0102\n"
            "Message: Interested in the pro plan\n\nView responses in Google Forms\n"
        ),
        {
            "first_name": "Mia",
            "last_name": "Wong",
            "email": "mia@wong.test",
            "phone": "+14155550102",
        },
        "Google Forms",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_form_tools_fill_the_right_fields(name: str) -> None:
    raw, expected, tool = CASES[name]
    parsed = parse_form_email(raw)
    assert parsed.lead.problem is None
    assert {k: parsed.lead.fields.get(k) for k in expected} == expected
    assert parsed.tool == tool and parsed.lead.fields["source"] == tool


def test_typeform_questions_become_the_message() -> None:
    parsed = parse_form_email(CASES["typeform"][0])
    assert "Migrating 3 sites" in parsed.lead.fields["message"]


def test_plain_email_falls_back_to_sender_and_text() -> None:
    raw = mail(
        "Hi,\nDo you ship to Canada?\n",
        headers='From: "Dan Smith" <Dan@Smith.test>\nSubject: shipping\n',
    )
    lead = parse_form_email(raw).lead
    assert lead.fields["email"] == "dan@smith.test"
    assert (lead.fields["first_name"], lead.fields["last_name"]) == ("Dan", "Smith")
    assert lead.fields["message"] == "Hi,\nDo you ship to Canada?"
    assert lead.extra["Email subject"] == "shipping"


def test_date_header_is_the_received_time() -> None:
    raw = mail(
        "Name: A B\nEmail: a@b.test\n",
        headers="From: x@y.test\nSubject: s\nDate: Tue, 17 Nov 2026 10:00:00 +0100\n",
    )
    assert parse_form_email(raw).lead.received_at.isoformat() == "2026-11-17T10:00:00+01:00"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff garbage",
        b"From: \xff\xfe <@>\r\nSubject: =?x-bad?q?zz?=\r\n\r\n",
        b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; "
        b"charset=nope\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!notbase64\r\n--zz",
    ],
)
def test_malformed_mail_never_raises(raw: bytes) -> None:
    parsed = parse_form_email(raw)
    assert parsed.lead.problem or parsed.lead.fields


def test_broken_charset_is_read_with_replacements_and_noted() -> None:
    raw = (
        b"From: c@x.test\r\nSubject: s\r\nContent-Type: text/plain; charset=x-bogus\r\n"
        b"\r\nName: Ch\xe9rie Z\r\n"
    )
    parsed = parse_form_email(raw)
    assert parsed.lead.fields["first_name"] == "Ch\ufffdrie"
    assert any("x-bogus" in note for note in parsed.notes)


def test_html_to_text_keeps_blocks_and_drops_scripts() -> None:
    assert html_to_text("<style>p{}</style><p>A&amp;B</p><br>C<script>x()</script>") == "A&B\n\nC"


def test_a_form_mail_without_an_email_answer_is_not_filed_under_the_tools_noreply_address() -> None:
    raw = mail(
        "<p>What's your name?</p><p>Rui Costa</p><p>What do you need help with?</p><p>A new "
        "shop</p>"
        "<p>Powered by Typeform</p>",
        ctype="text/html; charset=utf-8",
        headers="From: Typeform <notifications@followups.typeform.test>\nSubject: New response\n",
    )
    lead = parse_form_email(raw).lead
    assert "email" not in lead.fields and lead.problem is None
    assert (lead.fields["first_name"], lead.fields["last_name"]) == ("Rui", "Costa")
    assert "A new shop" in lead.fields["message"]


def test_an_automatic_sender_with_no_person_in_the_form_is_a_problem() -> None:
    raw = mail(
        "Your weekly summary is ready.\n",
        headers="From: Forms <no-reply@forms.test>\nSubject: Summary\n",
    )
    assert parse_form_email(raw).lead.problem == (
        "the form gave no name, email or phone, and the sender is an automatic address"
    )


@pytest.mark.parametrize(
    ("address", "automatic"),
    [
        ("noreply@x.test", True),
        ("no-reply@x.test", True),
        ("do-not-reply@x.test", True),
        ("notifications@x.test", True),
        ("forms-noreply@x.test", True),
        ("bounces+123@x.test", True),
        ("nora@x.test", False),
        ("replyguy@x.test", False),
        ("dan@smith.test", False),
    ],
)
def test_automatic_senders(address: str, automatic: bool) -> None:
    from repdesk.formats.form_email import automatic_sender

    assert automatic_sender(address) is automatic
