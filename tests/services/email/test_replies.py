"""Mail that comes back through the real mailbox (Dovecot): a reply goes first in the inbox and
takes the place of the cadence's next step; an out-of-office does not; a bounce marks the
address; nothing of it becomes a lead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from repdesk.app import Workspace
from repdesk.core.inbox import InboxFilter
from repdesk.services.inbox.inbox_service import InboxService
from repdesk.services.inbox.inbox_sqlite import SqliteInbox
from repdesk.services.settings.secrets import SecretStore
from repdesk.store.models import FollowUpRecord, InboundMailRecord
from repdesk.store.sqlite_file import sqlite_path
from tests.fixtures.imap import ImapServer
from tests.fixtures.mail import add_account
from tests.fixtures.smtp import SmtpServer
from tests.fixtures.workspace import FakeClock
from tests.services.email import samples
from tests.services.sources.test_sources import form_mail

pytestmark = pytest.mark.integration

INQUIRY = form_mail(
    "Your Name: Jane Doe\nYour Email: jane@acme.test\nCompany: Acme Inc\n"
    "Your Message: We need 40 seats before March.\n\n-- \n"
    "This e-mail was sent from a contact form on Shop (https://shop.test)\n",
    subject='Shop "Quote request"',
    reply_to="Jane Doe <jane@acme.test>",
)


@pytest.fixture
def mailbox(
    mail_ws: Workspace, imap_server: ImapServer, smtp_server: SmtpServer, keyring_store: SecretStore
) -> Iterator[Workspace]:
    ws = mail_ws
    ws.sources.add_imap(
        host=imap_server.host,
        port=imap_server.tls_port,
        user=imap_server.user,
        password=imap_server.password,
        ca_file=str(imap_server.cert),
    )
    add_account(ws, smtp_server, phone="")
    yield ws


def pending(ws: Workspace, lead_id: int) -> FollowUpRecord:
    with ws.sessions() as session:
        return session.query(FollowUpRecord).filter_by(lead_id=lead_id, status="pending").one()


def first_in_inbox(ws: Workspace) -> int:
    snapshot = InboxService(ws.sessions, ws.clock).snapshot(
        InboxFilter(), ws.end_of_today(ws.clock())
    )
    return snapshot.fetch(0, 1)[0].id


def test_reply_out_of_office_and_bounce_come_back_to_the_lead(
    mailbox: Workspace,
    imap_server: ImapServer,
    smtp_server: SmtpServer,
    clock: FakeClock,
) -> None:
    ws = mailbox
    imap_server.append(INQUIRY)
    assert ws.sources.fetch_all().added == 1
    (lead,) = ws.leads.list_leads()
    draft = ws.drafts.draft(lead.id)
    assert draft.template == "first_reply"
    ws.outbox.queue(draft, body=draft.body.replace("{rep_phone}", "+1 415 555 0199"))
    assert len(ws.outbox.send_due().sent) == 1
    ours = smtp_server.messages()[0]["Message-ID"]
    call_step = pending(ws, lead.id)

    clock.now += timedelta(minutes=20)
    imap_server.append(samples.exchange_out_of_office(ours))
    result = ws.sources.fetch_all()
    assert (result.added, result.merged, result.replies) == (0, 0, 1)
    detail = ws.leads.detail(lead.id)
    assert detail.lead.replied_at is None
    assert pending(ws, lead.id).id == call_step.id  # an out-of-office changes nothing
    auto = detail.activities[0]
    assert (auto.kind, auto.outcome) == ("email_in", "auto_reply")
    assert auto.body.startswith("Automatic answer (Outlook automatic reply)")

    clock.now += timedelta(minutes=5)
    imap_server.append(samples.gmail_reply(ours))
    assert ws.sources.fetch_all().replies == 1
    detail = ws.leads.detail(lead.id)
    assert detail.lead.replied_at is not None and detail.lead.replied_at <= clock.now
    step = pending(ws, lead.id)
    assert step.id != call_step.id and step.due_at == clock.now and step.kind == "email"
    assert step.note == "Answer the reply: Re: Thanks for getting in touch, Jane"
    assert (step.cadence, step.step_index) == (call_step.cadence, call_step.step_index)
    assert first_in_inbox(ws) == lead.id
    first_screen = SqliteInbox(sqlite_path(ws.url))  # type: ignore[arg-type]
    try:
        shot = first_screen.snapshot(ws.end_of_today(clock.now))
        assert (shot.replied, shot.fetch(0, 1)[0].id) == (1, lead.id)
    finally:
        first_screen.close()
    assert len(ws.leads.list_leads()) == 1  # none of it became a lead

    # Answering it: in the thread, and the step it replaced is done.
    answer = ws.drafts.draft(lead.id)
    assert answer.template == "follow_up" and answer.follow_up_id == step.id
    assert answer.in_reply_to == "<CAF2j8Q=xYz0kW1pQ@mail.gmail.com>"
    assert answer.subject == "Re: Thanks for getting in touch, Jane"
    ws.outbox.queue(answer, body=answer.body.replace("{rep_phone}", "+1 415 555 0199"))
    clock.now += timedelta(minutes=3)
    assert len(ws.outbox.send_due().sent) == 1
    assert ws.leads.detail(lead.id).lead.replied_at is None
    nxt = pending(ws, lead.id)
    assert nxt.id != step.id and nxt.step_index == step.step_index + 1

    imap_server.append(samples.postfix_bounce(smtp_server.messages()[-1]["Message-ID"]))
    assert ws.sources.fetch_all().replies == 1
    with ws.sessions() as session:
        kinds = [r.kind for r in session.query(InboundMailRecord).order_by(InboundMailRecord.id)]
    assert kinds == ["auto_reply", "reply", "bounce"]
    bounce_step = pending(ws, lead.id)
    assert bounce_step.note.startswith("Find another way to reach them: mail to jane@acme.test")
    assert bounce_step.kind == "task" and "5.1.1" in bounce_step.note
    with pytest.raises(Exception, match="bounced: find another way"):
        ws.drafts.draft(lead.id)
    # Read again (a renumbered mailbox): nothing is filed twice.
    assert ws.sources.mail_back is not None
    with ws.sessions.begin() as session:
        claim = ws.sources.mail_back.claim(samples.gmail_reply(ours))
        assert claim is not None and ws.sources.mail_back.file(session, [claim]).count == 0


def test_a_reply_asking_to_stop_is_known_by_its_sender(
    mailbox: Workspace, imap_server: ImapServer, clock: FakeClock
) -> None:
    ws = mailbox
    imap_server.append(INQUIRY)
    ws.sources.fetch_all()
    (lead,) = ws.leads.list_leads()
    draft = ws.drafts.draft(lead.id)
    ws.outbox.queue(draft, body="Hi Jane, when can we talk?")
    ws.outbox.send_due()
    clock.now += timedelta(hours=1)
    imap_server.append(
        samples.outlook_reply_without_thread_headers("Please remove me from your list.")
    )
    assert ws.sources.fetch_all().replies == 1
    with ws.sessions() as session:
        mail = session.query(InboundMailRecord).one()
    assert (mail.kind, mail.asks_to_stop, mail.from_address) == ("reply", True, "jane@acme.test")
    assert ws.leads.detail(lead.id).lead.replied_at is not None
    filer = ws.sources.mail_back
    assert (
        filer is not None and filer.stop_request(lead.id) == "RE: Thanks for getting in touch, Jane"
    )
    filer.accept_stop(lead.id)
    after = ws.leads.detail(lead.id)
    assert after.lead.do_not_contact and after.lead.replied_at is None
    assert filer.stop_request(lead.id) is None
    with ws.sessions() as session:
        assert (
            session.query(FollowUpRecord).filter_by(lead_id=lead.id, status="pending").count() == 0
        )
    with pytest.raises(Exception, match="marked do not contact"):
        ws.drafts.draft(lead.id)
    filer.accept_stop(lead.id, accept=False)  # undo
    assert not ws.leads.detail(lead.id).lead.do_not_contact
    assert pending(ws, lead.id).status == "pending"
