"""Sources under faults: a mailbox answering garbage never stops the others, the first check of
a new mailbox reads its last week (however it goes), and a mail that cannot be read is listed
with its reason instead of only logged."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from repdesk.app import Workspace
from repdesk.store.engine import Sessions
from repdesk.store.errors import ReadOnlyError
from tests.fixtures.imap import ImapServer
from tests.services.sources.test_sources import CF7, PLAIN, add_mailbox, form_mail, leads_by_email
from tests.services.sources.test_sources import ws as ws  # noqa: F401  (the fixture)

DAY = 86_400


class GarbageImap:
    """An IMAP server on 127.0.0.1 that logs anyone in, then answers one command with garbage."""

    def __init__(self, garbage: str) -> None:
        self.garbage = garbage
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            with conn:
                self._session(conn.makefile("rwb", buffering=0))

    def _session(self, stream: object) -> None:
        out = stream.write  # type: ignore[attr-defined]
        out(b"* OK [CAPABILITY IMAP4rev1] garbage ready\r\n")
        for raw in stream:  # type: ignore[attr-defined]
            tag, _, rest = raw.decode(errors="replace").strip().partition(" ")
            command = rest.split(" ", 2)
            verb = " ".join(command[:2]).upper() if command[0].upper() == "UID" else command[0]
            verb = verb.upper()
            if verb == "CAPABILITY":
                out(b"* CAPABILITY IMAP4rev1\r\n")
            elif verb == "EXAMINE":
                validity = "notanumber" if self.garbage == "uidvalidity" else "7"
                uidnext = "soon" if self.garbage == "uidnext" else "4"
                out(f"* 3 EXISTS\r\n* OK [UIDVALIDITY {validity}] ok\r\n".encode())
                out(f"* OK [UIDNEXT {uidnext}] ok\r\n".encode())
            elif verb == "UID SEARCH":
                out(b"* SEARCH 1 two 3\r\n" if self.garbage == "search" else b"* SEARCH\r\n")
            elif verb == "LOGOUT":
                out(b"* BYE\r\n" + f"{tag} OK bye\r\n".encode())
                return
            out(f"{tag} OK done\r\n".encode())

    def close(self) -> None:
        self._stop = True
        self._thread.join(5)
        self._listener.close()


@pytest.fixture(params=["uidvalidity", "search", "uidnext"])
def garbage_imap(request: pytest.FixtureRequest) -> Iterator[GarbageImap]:
    server = GarbageImap(request.param)
    yield server
    server.close()


def five_leads(folder: Path) -> None:
    rows = "".join(f"Lead {i},lead{i}@folder.test\n" for i in range(5))
    (folder / "leads.csv").write_text("Name,Email\n" + rows, encoding="utf-8")


def test_a_mailbox_answering_garbage_never_stops_the_other_sources(
    ws: Workspace,  # noqa: F811
    garbage_imap: GarbageImap,
    tmp_path: Path,
) -> None:
    bad = ws.sources.add_imap(
        host="127.0.0.1", port=garbage_imap.port, user="u", password="p", security="none"
    )
    drop = tmp_path / "drop"
    drop.mkdir()
    ws.sources.add_folder(drop)
    five_leads(drop)
    result = ws.sources.fetch_all()
    assert result.added == 5  # the folder listed after the bad mailbox was read
    (error,) = result.errors
    sources = {s.id: s for s in ws.sources.list_sources()}
    assert sources[bad.id].status == "error"
    assert sources[bad.id].last_error and sources[bad.id].last_error in error
    assert "\n" not in error and "Traceback" not in error
    assert [s.status for s in sources.values() if s.id != bad.id] == ["ok"]


def old_and_recent(server: ImapServer) -> None:
    """Mail the folder held long before repdesk was set up, and one inquiry from 5 days ago."""
    now = time.time()
    for i in range(3):
        old = form_mail(f"Name: Old {i}\nEmail: old{i}@past.test\nMessage: years ago")
        server.append(old, received=now - (400 + i) * DAY)
    server.append(CF7, received=now - 5 * DAY)


@pytest.mark.integration
def test_a_first_check_that_finds_nothing_new_never_imports_the_whole_folder_later(
    ws: Workspace,  # noqa: F811
    imap_server: ImapServer,
) -> None:
    now = time.time()
    for i in range(3):
        old = form_mail(f"Name: Old {i}\nEmail: old{i}@past.test\nMessage: years ago")
        imap_server.append(old, received=now - (400 + i) * DAY)
    add_mailbox(ws, imap_server)
    assert ws.sources.fetch_all().added == 0  # nothing in the last 7 days
    assert ws.sources.fetch_all().added == 0  # and the old mail stays out on the next check
    imap_server.append(PLAIN)
    assert ws.sources.fetch_all().added == 1
    assert set(leads_by_email(ws)) == {"dan@smith.test"}


@pytest.mark.integration
def test_a_failed_first_check_keeps_the_first_weeks_window(
    ws: Workspace,  # noqa: F811
    imap_server: ImapServer,
) -> None:
    old_and_recent(imap_server)
    add_mailbox(ws, imap_server)
    imap_server.stop()
    offline = ws.sources.fetch_all()  # the laptop is offline at the first check
    assert offline.added == 0 and "cannot be reached" in offline.errors[0]
    imap_server.start()
    assert ws.sources.fetch_all().added == 1  # the inquiry of 5 days ago, none of the old mail
    assert set(leads_by_email(ws)) == {"jane@acme.test"}


@pytest.mark.integration
def test_a_mail_that_cannot_be_read_is_listed_with_its_reason(
    ws: Workspace,  # noqa: F811
    imap_server: ImapServer,
) -> None:
    from tests.formats.hostile_inputs import nested_mime

    add_mailbox(ws, imap_server)
    imap_server.append(CF7)
    imap_server.append(nested_mime(1_000))
    imap_server.append(b"Subject: hello\r\n\r\nJust text, nobody signed.\r\n")
    result = ws.sources.fetch_all()
    assert result.added == 1 and result.errors == []
    (source,) = ws.sources.list_sources()
    unread = source.could_not_read
    assert [(m["uid"], m["subject"]) for m in unread] == [(2, "Quote"), (3, "hello")]
    assert "nested more than 64 deep" in unread[0]["reason"]
    assert "no From header" in unread[1]["reason"]
    assert source.to_json()["could_not_read"] == unread
    assert [m["uid"] for m in result.to_json()["could_not_read"]] == [2, 3]
    assert ws.sources.fetch_all().to_json()["could_not_read"] == []  # listed once, read once
    assert len(ws.sources.list_sources()[0].could_not_read) == 2


def test_a_read_only_workspace_reads_no_source_and_says_why_once(
    ws: Workspace,  # noqa: F811
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    ws.sources.add_folder(drop)
    five_leads(drop)
    sentence = "The workspace file work.sqlite3 is damaged; repdesk opened it read-only."
    sessions = ws.sessions
    assert isinstance(sessions, Sessions)
    sessions.first_write_check = lambda: sentence  # what the damaged-file check sets
    with caplog.at_level(logging.INFO), pytest.raises(ReadOnlyError, match="read-only"):
        ws.sources.fetch_all()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [s.status for s in ws.sources.list_sources()] == ["idle"]  # nothing was read
