"""IMAP IDLE (RFC 2177) on top of imaplib: block on a selected folder until the server reports
news."""

from __future__ import annotations

import contextlib
import imaplib
import io
import re
import select
import socket
import ssl
import threading
import time

IDLE_TIMEOUT = 5 * 60.0  # RFC 2177 allows 29 minutes; the app re-issues IDLE at least every 5
STOP_CHECK = 0.2  # how often a waiting IDLE looks at its stop event (seconds)
_NEWS = re.compile(rb"^\* \d+ (EXISTS|RECENT|EXPUNGE)\b", re.IGNORECASE)


class IdleUnsupported(Exception):
    """The server does not offer IDLE (or refused it): poll this mailbox instead."""


class IdleBroken(Exception):
    """The connection ended or answered nonsense during IDLE (BYE, EOF, bad reply)."""


def offers_idle(conn: imaplib.IMAP4) -> bool:
    """True when the logged-in server lists IDLE among its capabilities (asked afresh: they change
    at login)."""
    status, data = conn.capability()
    if status != "OK":
        return False
    words = b" ".join(d for d in data if isinstance(d, bytes)).upper().split()
    return b"IDLE" in words


def wait_for_news(conn: imaplib.IMAP4, timeout: float, stop: threading.Event) -> bool:
    """One IDLE…DONE round: True when EXISTS/RECENT/EXPUNGE came, False on `timeout` or `stop`.

    Raises IdleUnsupported when the server refuses IDLE, IdleBroken on BYE/EOF, and
    imaplib.IMAP4.abort or OSError when the network fails; the connection is unusable after any of
    those.
    """
    _keepalive(conn.sock)
    tag = conn._new_tag()  # noqa: SLF001 (imaplib has no public IDLE before Python 3.14)
    conn.tagged_commands.pop(tag, None)  # this tag is answered here, not by imaplib's reader
    conn.send(tag + b" IDLE\r\n")
    news = False
    while True:  # up to the continuation; some servers report pending news before it
        line = _line(conn)
        if line.startswith(b"+"):
            break
        if line.startswith(tag + b" "):
            raise IdleUnsupported(
                f"The server refused IDLE ({line[len(tag) + 1 :].decode('ascii', 'replace')})."
            )
        news = _untagged(line) or news
    deadline = time.monotonic() + max(0.0, timeout)
    while not news and not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if _readable(conn, min(STOP_CHECK, left)):
            news = _untagged(_line(conn))
    conn.send(b"DONE\r\n")
    while True:
        line = _line(conn)
        if line.startswith(tag + b" "):
            if not line[len(tag) + 1 :].upper().startswith(b"OK"):
                raise IdleBroken(f"The server ended IDLE with {line.decode('ascii', 'replace')!r}.")
            return news
        news = _untagged(line) or news


def _keepalive(sock: socket.socket) -> None:
    """Let TCP notice a server that vanished silently (suspend, Wi-Fi change) in about two
    minutes."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        for name, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 15), ("TCP_KEEPCNT", 4)):
            if hasattr(socket, name):
                sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)


def _untagged(line: bytes) -> bool:
    if line[:6].upper() == b"* BYE ":
        raise IdleBroken(
            f"The server closed the connection ({line[6:].decode('ascii', 'replace')})."
        )
    return bool(_NEWS.match(line))


def _line(conn: imaplib.IMAP4) -> bytes:
    return bytes(conn._get_line())  # noqa: SLF001 (raises imaplib.IMAP4.abort on EOF)


def _readable(conn: imaplib.IMAP4, wait: float) -> bool:
    """True when a line has started arriving: buffered in imaplib's reader or TLS layer, or on the
    socket.

    Raises IdleBroken when the peer closed the connection.
    """
    tls = isinstance(conn.sock, ssl.SSLSocket)
    seen = _peek(conn)
    if seen:
        return True
    if seen == b"" and tls:
        raise IdleBroken("The server closed the connection.")
    if not _wait_readable(conn.sock, wait):
        return False
    seen = _peek(conn)
    if seen is None:
        return False  # part of a TLS record: wait for the rest
    if not seen:  # readable, yet nothing to read: end of stream
        raise IdleBroken("The server closed the connection.")
    return True


def _wait_readable(sock: socket.socket, wait: float) -> bool:
    if hasattr(
        select, "poll"
    ):  # no FD_SETSIZE limit; Windows has only select(), which has none for sockets
        poller = select.poll()
        poller.register(sock, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(max(0, int(wait * 1000))))
    ready, _, _ = select.select([sock], [], [], wait)
    return bool(ready)


def _peek(conn: imaplib.IMAP4) -> bytes | None:
    """Buffered bytes without blocking: b"" at EOF or (plain socket) when none; None while TLS waits
    for more.

    The socket is briefly non-blocking rather than timed, so a timeout never poisons imaplib's
    reader.
    """
    sock, timeout = conn.sock, conn.sock.gettimeout()
    sock.settimeout(0.0)
    try:
        reader: io.BufferedReader = conn.file  # type: ignore[assignment]
        return bytes(reader.peek(1))
    except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
        return None
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
        return b""
    finally:
        sock.settimeout(timeout)
