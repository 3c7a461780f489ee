"""Sending against a real SMTP server (aiosmtpd, STARTTLS/TLS, AUTH): the account, every
template, offline then online, threading headers, refusals."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import keyring.backends.fail
import pytest

from repdesk.app import Workspace
from repdesk.core.email_rules import TEMPLATE_KEYS
from repdesk.services.common.errors import UserError
from repdesk.services.email.accounts import AccountService
from repdesk.services.settings.secrets import SecretStore
from repdesk.store.models import ActivityRecord, LeadRecord
from tests.fixtures.mail import MemoryKeyring, add_account, add_lead
from tests.fixtures.smtp import SmtpServer
from tests.fixtures.workspace import FakeClock

pytestmark = pytest.mark.integration


def test_an_account_is_added_only_after_a_real_login(
    mail_ws: Workspace, smtp_server: SmtpServer, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(UserError, match="refused the login") as refused:
        mail_ws.accounts.add_smtp(
            host=smtp_server.host,
            port=smtp_server.port,
            user=smtp_server.user,
            password="wrong",
            sender="Sam Ortiz <sam@shop.test>",
            ca_file=str(smtp_server.cert),
        )
    assert "\n" not in str(refused.value) and str(refused.value).endswith("not added.")
    assert mail_ws.accounts.list_accounts() == [] and memory_keyring.items == {}
    account = add_account(mail_ws, smtp_server)
    assert account.from_header == "Sam Ortiz <sam@shop.test>"
    assert memory_keyring.items == {("repdesk", f"smtp:{account.id}:rep@shop.test"): "s3cret"}
    # The password is nowhere in the database.
    with mail_ws.sessions() as session:
        from repdesk.store.models import SourceRecord

        assert "s3cret" not in repr([r.config for r in session.query(SourceRecord)])


def test_a_login_to_the_test_server_logs_no_deprecation(
    mail_ws: Workspace, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    add_account(mail_ws, smtp_server)  # logs in on STARTTLS
    add_account(mail_ws, smtp_server, security="tls")  # and on implicit TLS
    assert mail_ws.accounts.list_accounts()[0].settings.port == smtp_server.tls_port
    assert [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()] == []


def test_a_refused_recipient_fails_alone_and_a_dropped_hand_over_is_unsure(
    mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    add_account(mail_ws, smtp_server)
    smtp_server.refuse.add("nobody@acme.test")
    refused = add_lead(mail_ws, email="nobody@acme.test", first_name="Nob")
    dropped = add_lead(mail_ws)
    for lead_id in (refused, dropped):
        mail_ws.outbox.queue(mail_ws.drafts.draft(lead_id, "first_reply"))
    smtp_server.drop.set()
    report = mail_ws.outbox.send_due()
    assert (len(report.failed), len(report.unsure), report.sent) == (1, 1, []), report.errors
    assert "refused the recipient" in report.errors[0] and "(550 5.1.1" in report.errors[0]
    assert len(smtp_server.received) == 1  # the dropped one's text reached the server
    assert {r.lead_id: r.status for r in mail_ws.outbox.rows()} == {
        refused: "failed",
        dropped: "unsure",
    }


def test_an_untrusted_certificate_is_refused(mail_ws: Workspace, smtp_server: SmtpServer) -> None:
    for security, port in (("starttls", smtp_server.port), ("tls", smtp_server.tls_port)):
        with pytest.raises(UserError, match="certificate of 127.0.0.1.* is not trusted"):
            mail_ws.accounts.add_smtp(
                host=smtp_server.host,
                port=port,
                user=smtp_server.user,
                password=smtp_server.password,
                sender="Sam <sam@shop.test>",
                security=security,
            )
    assert mail_ws.accounts.list_accounts() == []
    assert add_account(mail_ws, smtp_server, security="tls").settings.security == "tls"


def test_no_keyring_and_plaintext_to_another_host_are_refused(
    mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    accounts = AccountService(
        mail_ws.sessions, mail_ws.clock, SecretStore(keyring.backends.fail.Keyring())
    )
    with pytest.raises(UserError, match="No system keyring"):
        accounts.add_smtp(
            host=smtp_server.host,
            port=smtp_server.port,
            user=smtp_server.user,
            password=smtp_server.password,
            sender="Sam <sam@shop.test>",
            ca_file=str(smtp_server.cert),
        )
    with pytest.raises(UserError, match="only allowed for a server on this computer"):
        accounts.add_smtp(
            host="smtp.example.com",
            port=25,
            user="u",
            password="p",
            sender="Sam <sam@shop.test>",
            security="none",
        )
    assert mail_ws.accounts.list_accounts() == []


def test_every_template_sends_with_its_placeholders_filled(
    mail_ws: Workspace, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    add_account(mail_ws, smtp_server)
    lead_id = add_lead(mail_ws, product="website")
    for key in TEMPLATE_KEYS:
        draft = mail_ws.drafts.draft(lead_id, key)
        assert draft.missing == ()
        queued = mail_ws.outbox.queue(draft)
        clock.now += timedelta(seconds=7)
        report = mail_ws.outbox.send_due()
        assert report.sent == [queued.outbox_id], report.errors
    got = smtp_server.messages()
    assert len(got) == len(TEMPLATE_KEYS)
    assert [m["To"] for m in got] == ["Jane Doe <jane@acme.test>"] * len(TEMPLATE_KEYS)
    first = got[0].get_content()
    assert "Hi Jane," in first and "We need 40 seats before March." in first
    assert "+1 415 555 0199" in first and "Sam Ortiz" in first
    assert "{" not in "".join(m.get_content() for m in got)
    assert "Sitebuilder Studio" in got[-1].get_content()  # not-a-fit: the product's own version
    assert all(m["From"] == "Sam Ortiz <sam@shop.test>" for m in got)
    assert smtp_server.received[0].mail_from == "sam@shop.test"


def test_first_response_is_when_the_server_accepted(
    mail_ws: Workspace, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    add_account(mail_ws, smtp_server)
    lead_id = add_lead(mail_ws)
    queued_at = clock.now
    queued = mail_ws.outbox.queue(mail_ws.drafts.draft(lead_id, "first_reply"))
    lead = mail_ws.leads.detail(lead_id)
    assert lead.lead.first_response_at is None  # a key press is not an answer
    assert [(a.kind, a.outcome) for a in lead.activities][0] == ("email", "queued")
    clock.now = queued_at + timedelta(minutes=2)
    mail_ws.outbox.send_due()
    lead = mail_ws.leads.detail(lead_id)
    assert lead.lead.first_response_at == queued_at + timedelta(minutes=2)
    email = next(a for a in lead.activities if a.kind == "email")
    assert (email.outcome, email.occurred_at) == ("sent", queued_at + timedelta(minutes=2))
    assert smtp_server.messages()[0]["Message-ID"] == queued.message_id


def test_an_email_accepted_on_monday_morning_waited_only_the_business_minutes(
    mail_ws: Workspace, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    mail_ws.settings.set("timezone", "UTC")  # open 09:00–17:00, Monday to Friday
    add_account(mail_ws, smtp_server)
    friday_evening = datetime(2026, 11, 13, 19, 0, tzinfo=UTC)
    lead_id = add_lead(mail_ws, received=friday_evening)
    clock.now = datetime(2026, 11, 16, 9, 1, tzinfo=UTC)  # Monday
    mail_ws.outbox.queue(mail_ws.drafts.draft(lead_id, "first_reply"))
    clock.now += timedelta(minutes=2)
    assert mail_ws.outbox.send_due().sent
    with mail_ws.sessions() as session:
        lead = session.get(LeadRecord, lead_id)
        assert lead is not None
        assert lead.first_response_at == clock.now
        assert lead.first_response_business_seconds == 3 * 60  # not 62 hours
    speed = mail_ws.services.reports.report(date(2026, 11, 1), date(2026, 11, 16)).speed
    assert speed.median_minutes == 3


def test_offline_then_online_the_queue_drains_once(
    mail_ws: Workspace, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    add_account(mail_ws, smtp_server)
    first, second = add_lead(mail_ws), add_lead(mail_ws, email="ann@b.test", first_name="Ann")
    smtp_server.stop()
    ids = [
        mail_ws.outbox.queue(mail_ws.drafts.draft(i, "first_reply")).outbox_id
        for i in (first, second)
    ]
    report = mail_ws.outbox.send_due()
    assert report.sent == [] and sorted(report.waiting) == sorted(ids)
    assert "cannot be reached" in report.errors[0]
    assert mail_ws.outbox.counts() == (2, 0)
    rows = mail_ws.outbox.rows()
    assert {r.status for r in rows} == {"queued"} and rows[0].attempts == 1
    assert rows[0].why.startswith("waiting: The mail server 127.0.0.1")
    assert rows[0].next_attempt_at == clock.now + timedelta(seconds=15)
    assert mail_ws.outbox.send_due().sent == []  # backing off: not due yet, not even tried
    assert mail_ws.outbox.rows()[0].attempts == 1
    smtp_server.start()
    clock.now += timedelta(seconds=16)
    assert sorted(mail_ws.outbox.send_due().sent) == sorted(ids)
    assert mail_ws.outbox.send_due().sent == []
    assert len(smtp_server.received) == 2
    assert mail_ws.outbox.counts() == (0, 0)


def test_a_reply_to_an_email_inquiry_is_threaded(
    mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    add_account(mail_ws, smtp_server)
    lead_id = add_lead(
        mail_ws,
        source="Email",
        extra={"Message-ID": "<abc.123@mail.acme.test>", "Email subject": "Seats for our team"},
    )
    draft = mail_ws.drafts.draft(lead_id)
    assert draft.template == "first_reply"
    assert draft.subject == "Re: Seats for our team"
    mail_ws.outbox.queue(draft)
    mail_ws.outbox.send_due()
    sent = smtp_server.messages()[0]
    assert sent["In-Reply-To"] == "<abc.123@mail.acme.test>"
    assert sent["References"] == "<abc.123@mail.acme.test>"
    # The next message in the thread answers ours.
    follow = mail_ws.drafts.draft(lead_id, "follow_up")
    assert follow.in_reply_to == sent["Message-ID"]
    assert follow.references == ("<abc.123@mail.acme.test>", sent["Message-ID"])


def test_do_not_contact_bouncing_and_unfilled_placeholders_are_refused(
    mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    add_account(mail_ws, smtp_server)
    lead_id = add_lead(mail_ws, message="")
    draft = mail_ws.drafts.draft(lead_id, "first_reply")
    assert draft.missing == ("inquiry",) and "{inquiry}" in draft.body
    with pytest.raises(UserError, match=r"still has \{inquiry\}"):
        mail_ws.outbox.queue(draft)
    mail_ws.outbox.queue(draft, body=draft.body.replace("{inquiry}", "your question"))
    with mail_ws.sessions.begin() as session:
        lead = session.get(LeadRecord, lead_id)
        assert lead is not None
        lead.do_not_contact = True
    with pytest.raises(UserError, match="marked do not contact"):
        mail_ws.drafts.draft(lead_id)
    with pytest.raises(UserError, match="marked do not contact"):
        mail_ws.outbox.queue(draft, body="Hello")
    with mail_ws.sessions.begin() as session:
        lead = session.get(LeadRecord, lead_id)
        assert lead is not None
        lead.do_not_contact, lead.bouncing_email = False, lead.email
    with pytest.raises(UserError, match="bounced: find another way"):
        mail_ws.drafts.draft(lead_id)
    with mail_ws.sessions() as session:
        emails = session.query(ActivityRecord).filter_by(lead_id=lead_id, kind="email").count()
    assert emails == 1  # only the one that was queued


def test_without_an_account_nothing_is_queued(mail_ws: Workspace) -> None:
    lead_id = add_lead(mail_ws)
    with pytest.raises(UserError, match="no outgoing mail account"):
        mail_ws.drafts.draft(lead_id)


def test_an_email_step_sends_its_template_and_is_done_when_accepted(
    mail_ws: Workspace, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    from repdesk.store.models import FollowUpRecord

    add_account(mail_ws, smtp_server)
    lead_id = add_lead(mail_ws)
    (call,) = mail_ws.followups.list(lead_id=lead_id)
    mail_ws.followups.complete(call.id, outcome="no_answer")
    (step,) = mail_ws.followups.list(lead_id=lead_id)
    assert (step.kind, step.note) == ("email", "Send the first reply by email as well.")
    draft = mail_ws.drafts.draft(lead_id, follow_up_id=step.id)
    assert (draft.template, draft.follow_up_id) == ("first_reply", step.id)
    mail_ws.outbox.queue(draft)
    with pytest.raises(UserError, match="already in the outbox"):
        mail_ws.outbox.queue(draft)
    smtp_server.stop()
    mail_ws.outbox.send_due()
    assert [s.id for s in mail_ws.followups.list(lead_id=lead_id)] == [step.id]  # not yet
    smtp_server.start()
    clock.now += timedelta(minutes=1)
    assert len(mail_ws.outbox.send_due().sent) == 1
    with mail_ws.sessions() as session:
        done = session.get(FollowUpRecord, step.id)
        assert done is not None and (done.status, done.done_at) == ("done", clock.now)
    (nxt,) = mail_ws.followups.list(lead_id=lead_id)
    assert nxt.note == "Second call attempt."
    emails = [a for a in mail_ws.leads.detail(lead_id).activities if a.kind == "email"]
    assert [a.outcome for a in emails] == ["sent"]  # one entry: the email, not a second "done"


def test_each_rep_sends_as_themselves_on_a_team_database(
    mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    from repdesk.services.team.rep_service import RepRow, RepService

    reps = RepService(mail_ws.sessions)
    for name in ("Ana Lima", "Bo Chen"):
        reps.add(RepRow(None, name, "", 40, "09:00", "17:00", True))
    for name, address in (("Ana Lima", "ana@shop.test"), ("Bo Chen", "bo@shop.test")):
        mail_ws.accounts.add_smtp(
            host=smtp_server.host,
            port=smtp_server.port,
            user=smtp_server.user,
            password=smtp_server.password,
            sender=f"{name} <{address}>",
            ca_file=str(smtp_server.cert),
            phone="+1 415 555 0142",
            rep=name,
        )
    ana, bo = sorted(mail_ws.accounts.list_accounts(), key=lambda a: a.rep_name)
    assert (ana.rep_name, ana.from_address, bo.from_address) == (
        "Ana Lima",
        "ana@shop.test",
        "bo@shop.test",
    )
    mail_ws.accounts.current_rep = lambda: bo.rep_id
    lead_id = add_lead(mail_ws)
    assert mail_ws.drafts.draft(lead_id).from_header == "Bo Chen <bo@shop.test>"
    mail_ws.outbox.queue(mail_ws.drafts.draft(lead_id))
    mail_ws.outbox.send_due()
    assert smtp_server.received[0].mail_from == "bo@shop.test"
    assert smtp_server.messages()[0]["From"] == "Bo Chen <bo@shop.test>"


def test_speed_to_lead_counts_the_email_when_the_server_accepted_it(
    mail_ws: Workspace, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    from repdesk.services.reports.report_service import ReportService

    add_account(mail_ws, smtp_server)
    lead_id = add_lead(mail_ws, received=clock.now)
    reports = ReportService(
        mail_ws.sessions, mail_ws.clock, mail_ws.settings, mail_ws.followups, mail_ws.zone
    )
    clock.now += timedelta(minutes=2)
    mail_ws.outbox.queue(mail_ws.drafts.draft(lead_id))  # the key press, two minutes in
    smtp_server.stop()
    mail_ws.outbox.send_due()
    day = clock.now.date()
    speed = reports.report(start=day, end=day).to_json()["speed_to_lead"]
    assert speed["never_contacted"] == 1  # queued is not answered
    smtp_server.start()
    clock.now += timedelta(minutes=40)  # the network came back 40 minutes later
    mail_ws.outbox.send_due()
    speed = reports.report(start=day, end=day).to_json()["speed_to_lead"]
    assert (speed["never_contacted"], speed["median_minutes"]) == (0, 42)


def test_a_refused_message_is_sent_again_to_the_corrected_address(
    mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    add_account(mail_ws, smtp_server)
    smtp_server.refuse.add("nobdy@acme.test")
    lead = add_lead(mail_ws, email="nobdy@acme.test", first_name="Nob")
    queued = mail_ws.outbox.queue(mail_ws.drafts.draft(lead, "first_reply"))
    assert mail_ws.outbox.send_due().failed == [queued.outbox_id]
    assert smtp_server.received == []

    mail_ws.leads.update_lead(lead, {"email": "nobody@acme.test"})  # the rep fixes the typo
    mail_ws.outbox.send_again(queued.outbox_id)
    assert [r.status for r in mail_ws.outbox.rows()] == ["queued"]
    report = mail_ws.outbox.send_due()
    assert report.sent == [queued.outbox_id], report.errors
    [message] = smtp_server.messages()
    assert (message["To"], message["Message-ID"]) == (
        "Nob Doe <nobody@acme.test>",
        queued.message_id,
    )
    activities = [a for a in mail_ws.leads.detail(lead).activities if a.kind == "email"]
    assert [(a.outcome, a.body.split(":")[0]) for a in activities] == [
        ("sent", "To nobody@acme.test")
    ]
    assert mail_ws.leads.detail(lead).lead.first_response_at is not None
    with pytest.raises(UserError, match="is sent"):
        mail_ws.outbox.send_again(queued.outbox_id)  # what went is never sent twice
