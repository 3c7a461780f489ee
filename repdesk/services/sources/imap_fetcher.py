"""Read new messages from an IMAP folder without changing it (EXAMINE + BODY.PEEK), by UIDVALIDITY
and UID."""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from repdesk.core.quoting import quoted
from repdesk.services.sources import imap_idle

SECURITY = ("tls", "starttls", "none")
MAX_BYTES = (
    5 * 1024 * 1024
)  # the first 5 MB of a message hold any form's text; attachments are not read
BATCH = 25
TIMEOUT = 20.0
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


class SourceOffline(Exception):
    """The server cannot be reached now (network down, server down); try again later."""


class SourceFailed(Exception):
    """The server answered but refused (wrong password, no such folder, bad certificate)."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    folder: str = "INBOX"
    security: str = "tls"
    ca_file: str = ""
    timeout: float = TIMEOUT


@dataclass(frozen=True)
class FetchedMail:
    uid: int
    raw: bytes
    truncated: bool


def tls_context(ca_file: str) -> ssl.SSLContext:
    """Normal certificate verification; `ca_file` adds trust in one CA (a self-signed server's)."""
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise SourceFailed(f"The CA file {ca_file} cannot be used ({exc}).") from exc


class ImapMailbox:
    """One read-only session: `connect()`, then `new_mail(state)` batches, then `close()`."""

    def __init__(self, settings: ImapSettings, password: str) -> None:
        self.settings = settings
        self._password = password
        self._conn: imaplib.IMAP4 | None = None
        self.uidvalidity = 0
        self.uidnext: int | None = None
        """The UID the folder's next message will get (None: the server did not say)."""

    def __enter__(self) -> ImapMailbox:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            if s.security == "tls":
                conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.host, s.port, ssl_context=tls_context(s.ca_file), timeout=s.timeout
                )
            else:
                conn = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    conn.starttls(tls_context(s.ca_file))
            self._conn = conn
            conn.login(s.user, self._password)
            status, _ = conn.select(
                _quote(s.folder), readonly=True
            )  # EXAMINE: never changes \Seen or flags
            if status != "OK":
                raise SourceFailed(f"The mailbox on {where} has no folder named {s.folder!r}.")
            validity = _first(conn.response("UIDVALIDITY")[1])
            self.uidvalidity = 0 if validity is None else _number(validity, "UIDVALIDITY", where)
            uidnext = _first(conn.response("UIDNEXT")[1])
            self.uidnext = None if uidnext is None else _number(uidnext, "UIDNEXT", where)
        except SourceFailed:
            self.close()
            raise
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise SourceFailed(
                f"The certificate of {where} is not trusted ({exc.verify_message})."
            ) from exc
        except imaplib.IMAP4.abort as exc:
            self.close()
            raise SourceOffline(f"The connection to {where} broke ({_text(exc)}).") from exc
        except imaplib.IMAP4.error as exc:
            self.close()
            raise SourceFailed(
                f"The mail server {where} refused the login or the folder ({_text(exc)})."
            ) from exc
        except (ssl.SSLError, OSError) as exc:  # refused, unreachable, timed out, DNS
            self.close()
            raise SourceOffline(
                f"The mail server {where} cannot be reached ({_text(exc)})."
            ) from exc

    def new_uids(self, last_uid: int, since: datetime | None) -> list[int]:
        """UIDs above `last_uid`; with `since` (first run, new UIDVALIDITY) those that arrived since
        then."""
        conn = self._need()
        with self._network():
            if last_uid <= 0 and since is not None:
                day = since.strftime("%d-%b-%Y")
                status, data = conn.uid("SEARCH", "SINCE", day)
            else:
                status, data = conn.uid("SEARCH", "UID", f"{last_uid + 1}:*")
        if status != "OK":
            raise SourceFailed(f"The mail server would not list new messages ({_first(data)!r}).")
        words = b" ".join(d for d in data if isinstance(d, bytes)).split()
        where = f"{self.settings.host}:{self.settings.port}"
        uids = sorted(_number(w.decode("ascii", "replace"), "SEARCH", where) for w in words)
        return [
            u for u in uids if u > last_uid
        ]  # "n:*" always matches the newest message, even below n

    def fetch(self, uids: list[int]) -> Iterator[list[FetchedMail]]:
        """The messages in batches, peeked (the server does not mark them read)."""
        conn = self._need()
        for start in range(0, len(uids), BATCH):
            chunk = uids[start : start + BATCH]
            with self._network():
                status, data = conn.uid(
                    "FETCH",
                    ",".join(map(str, chunk)),
                    f"(UID RFC822.SIZE BODY.PEEK[]<0.{MAX_BYTES}>)",
                )
            if status != "OK":
                raise SourceFailed(f"The mail server would not send messages ({_first(data)!r}).")
            found: dict[int, FetchedMail] = {}
            for item in data:
                if not isinstance(item, tuple) or len(item) < 2:
                    continue
                uid_match, size_match = _UID.search(item[0]), _SIZE.search(item[0])
                if uid_match:
                    size = int(size_match.group(1)) if size_match else len(item[1])
                    uid = int(uid_match.group(1))
                    found[uid] = FetchedMail(uid, bytes(item[1]), size > MAX_BYTES)
            # A message expunged meanwhile simply is not there; an empty one still counts as seen.
            yield [found.get(uid, FetchedMail(uid, b"", False)) for uid in chunk]

    def offers_idle(self) -> bool:
        """True when the logged-in server offers IMAP IDLE (RFC 2177)."""
        conn = self._need()
        with self._network():
            offered = imap_idle.offers_idle(conn)
        return offered

    def wait_for_news(self, timeout: float, stop: threading.Event) -> bool:
        """Block in IDLE until the folder reports news (True) or `timeout`/`stop` (False); errors
        drop the link."""
        conn = self._need()
        news = False
        try:
            with self._network():
                try:
                    news = imap_idle.wait_for_news(conn, timeout, stop)
                except imap_idle.IdleBroken as exc:
                    raise imaplib.IMAP4.abort(str(exc)) from exc
            return news
        except Exception:
            self._conn = None  # mid-IDLE the session cannot be reused, nor politely logged out
            with contextlib.suppress(OSError):
                conn.shutdown()
            raise

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.logout()  # no CLOSE/EXPUNGE: the folder was opened read-only anyway
        except (imaplib.IMAP4.error, OSError):
            with contextlib.suppress(OSError):
                conn.shutdown()

    def _need(self) -> imaplib.IMAP4:
        if self._conn is None:
            raise SourceOffline("The mailbox is not connected.")
        return self._conn

    def _network(self) -> _NetworkGuard:
        return _NetworkGuard(f"{self.settings.host}:{self.settings.port}")


class _NetworkGuard:
    """Turns a broken connection in the middle of a command into SourceOffline."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object
    ) -> Literal[False]:
        if exc is None:
            return False
        if isinstance(exc, imaplib.IMAP4.abort | OSError | socket.timeout):
            raise SourceOffline(f"The connection to {self.where} broke ({_text(exc)}).") from exc
        if isinstance(exc, imaplib.IMAP4.error):
            raise SourceFailed(
                f"The mail server {self.where} refused a command ({_text(exc)})."
            ) from exc
        return False


def first_run_since(now: datetime, days: int) -> datetime:
    return now - timedelta(days=max(0, days))


def _quote(folder: str) -> str:
    if folder and not any(ch in folder for ch in ' "()\\{%*'):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: object, what: str, where: str) -> int:
    """A number in the server's answer; a server answering anything else has failed (one
    sentence saying what it answered), it does not crash the check."""
    text = str(value if value is not None else "").strip()
    if text.isascii() and text.isdigit():
        return int(text)
    raise SourceFailed(
        f"The mail server {where} answered {what} with {quoted(text)}, which is not a number."
    )


def _first(data: object) -> str | None:
    """The first item of an IMAP response as text (None when there is none)."""
    if isinstance(data, list) and data and data[0] is not None:
        value = data[0]
        return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
    return None


def _text(exc: BaseException) -> str:
    text = str(exc).strip()
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return (text or type(exc).__name__).rstrip(".")
