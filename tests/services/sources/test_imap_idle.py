"""IMAP IDLE against a real Dovecot: news wakes the watch, stop ends it, a vanished server means
offline."""

from __future__ import annotations

import imaplib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from repdesk.app import Workspace
from repdesk.services.sources import imap_idle
from repdesk.services.sources.imap_fetcher import SourceOffline
from repdesk.services.sources.source_service import MailboxWatch
from tests.fixtures.imap import ImapServer
from tests.services.sources.test_sources import CF7, PLAIN, add_mailbox, open_ws


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_ws(tmp_path / "w.sqlite3")
    yield workspace
    workspace.close()


class Waiter:
    """Runs `watch.wait()` on a thread (as the app's worker does) and times it."""

    def __init__(
        self, watch: MailboxWatch, timeout: float, stop: threading.Event | None = None
    ) -> None:
        self.stop = stop or threading.Event()
        self.outcome: Any = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, args=(watch, timeout), daemon=True)
        self._thread.start()

    def _run(self, watch: MailboxWatch, timeout: float) -> None:
        start = time.monotonic()
        try:
            self.outcome = watch.wait(timeout, self.stop)
        except Exception as exc:
            self.outcome = exc
        self.seconds = time.monotonic() - start

    def join(self, timeout: float = 10.0) -> Any:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "IDLE did not return in time"
        return self.outcome


def open_watch(
    ws: Workspace, server: ImapServer, security: str = "tls"
) -> tuple[int, MailboxWatch]:
    source_id = add_mailbox(ws, server, security=security)
    watch = ws.sources.watch(source_id)
    assert watch is not None, "Dovecot offers IDLE"
    return source_id, watch


def settle(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not predicate() and time.monotonic() < end:
        time.sleep(0.02)


@pytest.mark.integration
@pytest.mark.parametrize("security", ["tls", "starttls", "none"])
def test_an_appended_mail_wakes_the_idle_and_is_imported_once(
    ws: Workspace, imap_server: ImapServer, security: str
) -> None:
    source_id, watch = open_watch(ws, imap_server, security)
    with watch:
        assert ws.sources.fetch(source_id).added == 0
        waiter = Waiter(watch, timeout=30)
        time.sleep(0.5)  # the IDLE is on the wire
        imap_server.append(CF7)  # by another connection, as a mail client or MDA would
        assert waiter.join() is True
        assert waiter.seconds < 5
        result = ws.sources.fetch(source_id)
        assert (result.added, result.merged, result.errors) == (1, 0, [])
        assert ws.sources.fetch(source_id).added == 0
        assert (
            Waiter(watch, timeout=0.5).join() is False
        )  # that news was told once: a quiet IDLE now
    assert [lead.email for lead in ws.leads.list_leads()] == ["jane@acme.test"]
    assert all(b"\\Seen" not in line for line in imap_server.flags())  # never modified


@pytest.mark.integration
def test_mail_that_arrives_between_two_idles_is_reported_by_the_next(
    ws: Workspace, imap_server: ImapServer
) -> None:
    source_id, watch = open_watch(ws, imap_server)
    with watch:
        assert Waiter(watch, timeout=0.3).join() is False
        imap_server.append(PLAIN)  # nobody is idling right now
        waiter = Waiter(watch, timeout=30)
        assert waiter.join() is True and waiter.seconds < 5
        assert ws.sources.fetch(source_id).added == 1


@pytest.mark.integration
def test_the_stop_event_ends_an_idle_promptly_and_the_watch_still_works(
    ws: Workspace, imap_server: ImapServer
) -> None:
    source_id, watch = open_watch(ws, imap_server)
    with watch:
        waiter = Waiter(watch, timeout=600)
        time.sleep(0.3)
        stopped_at = time.monotonic()
        waiter.stop.set()
        assert waiter.join(timeout=5) is False
        assert time.monotonic() - stopped_at < 2
        already = threading.Event()
        already.set()
        assert (
            Waiter(watch, timeout=600, stop=already).join(timeout=5) is False
        )  # set before: back at once
        waiter = Waiter(watch, timeout=30)
        imap_server.append(CF7)
        assert waiter.join() is True
    assert ws.sources.fetch(source_id).added == 1


@pytest.mark.integration
def test_a_server_going_away_during_idle_marks_the_source_offline(
    ws: Workspace, imap_server: ImapServer
) -> None:
    source_id, watch = open_watch(ws, imap_server)
    with watch:
        waiter = Waiter(watch, timeout=60)
        time.sleep(0.3)
        imap_server.stop()  # Dovecot's imap process says BYE some seconds after its master is gone
        outcome = waiter.join(timeout=40)
    assert isinstance(outcome, SourceOffline), outcome
    (source,) = ws.sources.list_sources()
    assert source.status == "offline" and "127.0.0.1" in source.last_error
    with pytest.raises(SourceOffline):  # reconnecting while it is down: offline again, no crash
        ws.sources.watch(source_id)
    assert ws.sources.list_sources()[0].status == "offline"
    imap_server.start()
    imap_server.append(CF7)
    again = ws.sources.watch(source_id)
    assert again is not None
    again.close()
    assert ws.sources.fetch(source_id).added == 1
    assert ws.sources.list_sources()[0].status == "ok"


@pytest.mark.integration
def test_a_server_without_idle_gets_no_watch(
    ws: Workspace, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source_id = add_mailbox(ws, imap_server)
    monkeypatch.setattr(imap_idle, "offers_idle", lambda conn: False)
    assert ws.sources.watch(source_id) is None  # the 30-second poll covers it
    drop = tmp_path / "drop"
    drop.mkdir()
    assert ws.sources.watch(ws.sources.add_folder(drop).id) is None


@pytest.mark.integration
def test_fetch_all_skips_the_mailboxes_held_in_idle(ws: Workspace, imap_server: ImapServer) -> None:
    source_id = add_mailbox(ws, imap_server)
    imap_server.append(CF7)
    assert ws.sources.fetch_all(skip={source_id}).added == 0
    assert ws.sources.fetch_all().added == 1


class FakeServer:
    """A scripted IMAP server on 127.0.0.1 for the framing cases Dovecot does not produce on
    demand."""

    def __init__(self, after_idle: bytes, hang_up: bool = False) -> None:
        self.after_idle, self.hang_up = after_idle, hang_up
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        conn.settimeout(10)
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 IDLE] fake ready\r\n")
            tag = b""
            for line in lines:
                words = line.split()
                if len(words) >= 2 and words[1].upper() == b"IDLE":
                    tag = words[0]
                    conn.sendall(self.after_idle)  # "+" and the news in one segment
                    if self.hang_up:
                        return
                elif line.strip().upper() == b"DONE":
                    conn.sendall(tag + b" OK Idle completed\r\n")
                elif len(words) >= 2 and words[1].upper() == b"CAPABILITY":
                    conn.sendall(b"* CAPABILITY IMAP4rev1 IDLE\r\n" + words[0] + b" OK done\r\n")
                elif len(words) >= 2 and words[1].upper() == b"LOGOUT":
                    conn.sendall(b"* BYE bye\r\n" + words[0] + b" OK done\r\n")
                    return

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


@pytest.mark.parametrize(
    "after_idle", [b"+ idling\r\n* 4 EXISTS\r\n", b"* 4 EXISTS\r\n+ idling\r\n"]
)
def test_news_in_the_same_segment_as_the_continuation_is_not_missed(after_idle: bytes) -> None:
    server = FakeServer(after_idle)
    conn = imaplib.IMAP4("127.0.0.1", server.port, timeout=5)
    try:
        start = time.monotonic()
        assert imap_idle.wait_for_news(conn, 30, threading.Event()) is True
        assert time.monotonic() - start < 2
        conn.logout()
    finally:
        server.close()


def test_a_bye_during_idle_is_a_broken_connection() -> None:
    server = FakeServer(b"+ idling\r\n* BYE shutting down\r\n")
    conn = imaplib.IMAP4("127.0.0.1", server.port, timeout=5)
    try:
        with pytest.raises(imap_idle.IdleBroken, match="shutting down"):
            imap_idle.wait_for_news(conn, 30, threading.Event())
    finally:
        conn.shutdown()
        server.close()


def test_a_connection_closed_during_idle_is_broken_not_a_hang() -> None:
    server = FakeServer(b"+ idling\r\n", hang_up=True)
    conn = imaplib.IMAP4("127.0.0.1", server.port, timeout=5)
    try:
        start = time.monotonic()
        with pytest.raises((imap_idle.IdleBroken, imaplib.IMAP4.abort)):
            imap_idle.wait_for_news(conn, 30, threading.Event())
        assert time.monotonic() - start < 2
    finally:
        conn.shutdown()
        server.close()
