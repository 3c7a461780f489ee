"""Inquiry sources against a real Dovecot: mails become leads once, outages, malformed mail, watched
folders."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from repdesk.app import Workspace, open_workspace
from repdesk.services.common.errors import UserError
from repdesk.services.settings.secrets import SecretStore
from repdesk.store.locations import resolve_url
from tests.fixtures.imap import ImapServer


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in this process (the Secret Service itself is tested in
    test_secrets)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


KEYRING = MemoryKeyring()


def open_ws(path: Path) -> Workspace:
    return open_workspace(resolve_url(str(path)), secrets=SecretStore(KEYRING))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_ws(tmp_path / "w.sqlite3")
    yield workspace
    workspace.close()


def form_mail(
    body: str,
    *,
    subject: str = "New form submission",
    sender: str = "WordPress <wp@site.test>",
    reply_to: str = "",
    html: str = "",
) -> bytes:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    if subject:
        msg["Subject"] = subject
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["To"] = "sales@site.test"
    if body:
        msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html") if body else msg.set_content(html, subtype="html")
    return bytes(msg)


CF7 = form_mail(
    "Your Name: Jane Doe\nYour Email: jane@acme.test\nPhone: +1 415 555 0100\nCompany: Acme Inc\n"
    "Your Message: We need 40 seats.\nBefore March.\n\n-- \n"
    "This e-mail was sent from a contact form on Acme (https://acme.test)\n",
    subject='Acme "Quote request"',
    reply_to="Jane Doe <jane@acme.test>",
)
GRAVITY_HTML = (
    "<html><body><table><tr><td><strong>Name</strong></td></tr><tr><td>Carla Diaz</td></tr>"
    "<tr><td><strong>Email</strong></td></tr><tr><td>carla@x.test</td></tr>"
    "<tr><td><strong>What do you need?</strong></td></tr><tr><td>A demo&nbsp;please</td></tr>"
    "</table><p>Powered by Gravity Forms</p></body></html>"
)
PLAIN = form_mail(
    "Hi, do you ship to Canada?\nThanks", subject="question", sender='"Dan Smith" <dan@smith.test>'
)


def add_mailbox(ws: Workspace, server: ImapServer, security: str = "tls", ca: bool = True) -> int:
    port = server.tls_port if security == "tls" else server.port
    source = ws.sources.add_imap(
        host=server.host,
        port=port,
        user=server.user,
        password=server.password,
        security=security,
        ca_file=str(server.cert) if ca else "",
    )
    return source.id


def leads_by_email(ws: Workspace) -> dict[str, object]:
    return {lead.email: lead for lead in ws.leads.list_leads()}


@pytest.mark.integration
def test_new_mails_become_leads_with_form_fields_and_stay_unread(
    ws: Workspace, imap_server: ImapServer
) -> None:
    add_mailbox(ws, imap_server)
    for raw in (CF7, form_mail("", html=GRAVITY_HTML, subject="New submission"), PLAIN):
        imap_server.append(raw)
    result = ws.sources.fetch_all()
    assert (result.added, result.merged, result.errors) == (3, 0, [])
    leads = leads_by_email(ws)
    jane = ws.leads.detail(leads["jane@acme.test"].id)  # type: ignore[attr-defined]
    assert (jane.lead.first_name, jane.lead.last_name, jane.lead.company, jane.lead.phone) == (
        "Jane",
        "Doe",
        "Acme Inc",
        "+14155550100",
    )
    assert jane.message == "We need 40 seats.\nBefore March."
    assert jane.lead.source == "WordPress Contact Form 7"
    carla = ws.leads.detail(leads["carla@x.test"].id)  # type: ignore[attr-defined]
    assert (carla.lead.first_name, carla.lead.last_name) == ("Carla", "Diaz")
    assert "A demo please" in carla.message and "Powered by" not in carla.message
    dan = ws.leads.detail(leads["dan@smith.test"].id)  # type: ignore[attr-defined]
    assert (dan.lead.first_name, dan.lead.last_name, dan.message) == (
        "Dan",
        "Smith",
        "Hi, do you ship to Canada?\nThanks",
    )
    assert all(b"\\Seen" not in line for line in imap_server.flags())  # BODY.PEEK: still unread
    (source,) = ws.sources.list_sources()
    assert source.status == "ok" and source.last_error == "" and source.last_checked_at is not None


@pytest.mark.integration
def test_second_fetch_and_restart_import_nothing_twice(
    tmp_path: Path, imap_server: ImapServer
) -> None:
    ws = open_ws(tmp_path / "w.sqlite3")
    add_mailbox(ws, imap_server, security="starttls")
    imap_server.append(CF7)
    imap_server.append(PLAIN)
    assert ws.sources.fetch_all().added == 2
    again = ws.sources.fetch_all()
    assert (again.added, again.merged) == (0, 0)
    ws.close()
    ws = open_ws(tmp_path / "w.sqlite3")  # a restart
    assert ws.sources.fetch_all().to_json() == {
        "added": 0,
        "merged": 0,
        "errors": [],
        "could_not_read": [],
    }
    imap_server.append(form_mail("Name: Eve Park\nEmail: eve@park.test\nMessage: Call me"))
    imap_server.append(
        form_mail("Name: Jane Doe\nEmail: jane@acme.test\nMessage: Any news?")
    )  # a known person
    result = ws.sources.fetch_all()
    assert (result.added, result.merged) == (1, 1)
    assert len(ws.leads.list_leads()) == 3
    ws.close()


@pytest.mark.integration
def test_untrusted_certificate_is_refused_without_a_ca_file(
    ws: Workspace, imap_server: ImapServer
) -> None:
    add_mailbox(ws, imap_server, security="tls", ca=False)
    imap_server.append(CF7)
    result = ws.sources.fetch_all()
    assert result.added == 0 and len(result.errors) == 1
    (source,) = ws.sources.list_sources()
    assert source.status == "error" and "certificate" in source.last_error


@pytest.mark.integration
def test_server_down_gives_offline_status_then_catches_up(
    ws: Workspace, imap_server: ImapServer
) -> None:
    add_mailbox(ws, imap_server)
    imap_server.append(CF7)
    assert ws.sources.fetch_all().added == 1
    imap_server.stop()
    deliver_to_maildir(imap_server, PLAIN)  # arrives while repdesk cannot reach the server
    down = ws.sources.fetch_all()
    assert down.added == 0 and len(down.errors) == 1 and "cannot be reached" in down.errors[0]
    (source,) = ws.sources.list_sources()
    assert source.status == "offline" and "cannot be reached" in source.last_error
    imap_server.start()
    back = ws.sources.fetch_all()
    assert (back.added, back.errors) == (1, [])
    assert set(leads_by_email(ws)) == {"jane@acme.test", "dan@smith.test"}
    assert ws.sources.list_sources()[0].status == "ok"


def deliver_to_maildir(server: ImapServer, raw: bytes) -> None:
    """Like an MDA: write into tmp/, rename into new/ (readable by the dovecot user)."""
    maildir = server.folder / "mail" / server.user / "Maildir"
    name = f"{time.time_ns()}.repdesk-test"
    (maildir / "tmp" / name).write_bytes(raw)
    os.chmod(maildir / "tmp" / name, 0o644)
    (maildir / "tmp" / name).rename(maildir / "new" / name)


@pytest.mark.integration
def test_malformed_mails_never_stop_the_source_and_log_one_line_each(
    ws: Workspace, imap_server: ImapServer, caplog: pytest.LogCaptureFixture
) -> None:
    add_mailbox(ws, imap_server)
    big = EmailMessage()
    big["From"] = "Big Files <big@files.test>"
    big["Subject"] = "Plans attached"
    big.set_content("Name: Bo Large\nEmail: bo@large.test\nMessage: see the plans")
    big.add_attachment(
        os.urandom(6 * 1024 * 1024),
        maintype="application",
        subtype="octet-stream",
        filename="plans.bin",
    )
    malformed = {
        "no body": b"From: Nobody <no@body.test>\r\nSubject: empty\r\n\r\n",
        "html only": form_mail(
            "", html="<p>Name: Hal Tee</p><p>Email: hal@tee.test</p>", subject="html"
        ),
        "large": bytes(big),
        "charset": (
            b"From: Chars <chars@x.test>\r\nSubject: broken\r\nContent-Type: text/plain; "
            b"charset=x-bogus\r\n"
            b"\r\nName: Ch\xe9rie Z\r\nEmail: cherie@x.test\r\n"
        ),
        "no headers": b"Content-Type: text/plain\r\n\r\nHello, I would like a quote.\r\n",
    }
    for raw in malformed.values():
        imap_server.append(raw)
    imap_server.append(CF7)
    with caplog.at_level(logging.INFO, logger="repdesk"):
        result = ws.sources.fetch_all()
    assert result.errors == []
    emails = set(leads_by_email(ws))
    assert {
        "jane@acme.test",
        "hal@tee.test",
        "bo@large.test",
        "cherie@x.test",
        "no@body.test",
    } <= emails
    lines = [
        r.getMessage() for r in caplog.records if r.name == "repdesk.services.sources.mailbox_check"
    ]
    for uid in range(1, 6):  # APPEND gives UIDs 1..5 to the malformed ones, in order
        mine = [line for line in lines if f"message UID {uid} " in line]
        assert len(mine) == 1, (uid, lines)
    assert not [line for line in lines if "message UID 6 " in line]  # the good mail logs nothing
    joined = "\n".join(lines)
    for words in (
        "no text body",
        "only an HTML part",
        "larger than 5 MB",
        "x-bogus",
        "no From header",
    ):
        assert words in joined
    assert ws.sources.fetch_all().added == 0  # and the bad ones are not read again


@pytest.mark.integration
def test_security_none_works_only_for_this_computer(ws: Workspace, imap_server: ImapServer) -> None:
    with pytest.raises(UserError, match="only allowed for a server on this computer"):
        ws.sources.add_imap(
            host="mail.example.com", port=143, user="u", password="p", security="none"
        )
    assert ws.sources.list_sources() == []
    add_mailbox(ws, imap_server, security="none")
    imap_server.append(PLAIN)
    assert ws.sources.fetch_all().added == 1


def test_password_is_in_the_keyring_not_the_database(tmp_path: Path) -> None:
    ws = open_ws(tmp_path / "w.sqlite3")
    source = ws.sources.add_imap(
        host="127.0.0.1", port=993, user="me", password="s3cret-Pw!", security="tls"
    )
    ws.close()
    assert KEYRING.items[("repdesk", f"imap:{source.id}:me")] == "s3cret-Pw!"
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"s3cret-Pw!" not in stored


def test_watched_folder_moves_files_to_done_and_failed(ws: Workspace, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    ws.sources.add_folder(drop)
    (drop / "leads.csv").write_text(
        "Name,Email,Message\nAnn Lee,ann@lee.test,Hello\n", encoding="utf-8"
    )
    (drop / "card.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Ray\r\nEMAIL:bob@ray.test\r\nEND:VCARD\r\n"
    )
    (drop / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    (drop / "notes.csv").write_text("Colour,Size\nred,10\n")
    (drop / ".hidden.csv").write_text("Name,Email\nX Y,x@y.test\n")
    result = ws.sources.fetch_all()
    assert (result.added, result.merged) == (2, 0)
    assert sorted(p.name for p in (drop / "done").iterdir()) == ["card.vcf", "leads.csv"]
    assert sorted(p.name for p in (drop / "failed").iterdir()) == [
        "notes.csv",
        "notes.csv.error.txt",
        "photo.csv",
        "photo.csv.error.txt",
    ]
    assert (
        "no name, email, phone or company column"
        in (drop / "failed" / "notes.csv.error.txt").read_text()
    )
    assert "not a text file" in (drop / "failed" / "photo.csv.error.txt").read_text()
    assert len(result.errors) == 2 and (drop / ".hidden.csv").exists()
    (drop / "leads.csv").write_text(
        "Name,Email\nAnn Lee,ann@lee.test\n", encoding="utf-8"
    )  # same name again
    again = ws.sources.fetch_all()
    assert (again.added, again.merged) == (0, 1)
    assert (drop / "done" / "leads (2).csv").exists()


def test_missing_watched_folder_is_offline_not_a_crash(ws: Workspace, tmp_path: Path) -> None:
    drop = tmp_path / "usb"
    drop.mkdir()
    ws.sources.add_folder(drop)
    drop.rmdir()
    result = ws.sources.fetch_all()
    assert len(result.errors) == 1
    (source,) = ws.sources.list_sources()
    assert source.status == "offline" and "does not exist" in source.last_error
