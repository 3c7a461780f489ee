"""Inquiry sources (IMAP mailboxes, watched folders): add, list, remove, and fetch new inquiries
into leads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.hosts import is_loopback
from repdesk.core.quoting import clip
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.email.replies import ReplyFiler
from repdesk.services.imports.import_service import ImportService
from repdesk.services.settings.secrets import SecretStore
from repdesk.services.sources.folder_watcher import scan_folder
from repdesk.services.sources.imap_fetcher import (
    SECURITY,
    ImapMailbox,
    ImapSettings,
    SourceFailed,
    SourceOffline,
)
from repdesk.services.sources.imap_idle import IdleUnsupported
from repdesk.services.sources.mailbox_check import (
    FIRST_RUN_DAYS,
    MailboxCheck,
    imap_settings,
    secret_key,
)
from repdesk.services.sources.source_rows import FetchResult, SourceInfo
from repdesk.store.engine import refuse_writes_if_read_only
from repdesk.store.errors import ReadOnlyError
from repdesk.store.models import SourceRecord

__all__ = ["FIRST_RUN_DAYS", "FetchResult", "SourceInfo", "SourceService", "secret_key"]

log = logging.getLogger(__name__)

IMAP, FOLDER = "imap", "folder"
OK, OFFLINE, ERROR, IDLE = "ok", "offline", "error", "idle"


class SourceService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        imports: ImportService,
        secrets: SecretStore,
        region: Callable[[], str] = lambda: "US",
        *,
        mail_back: ReplyFiler | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._imports = imports
        self._secrets = secrets
        self._region = region
        self._lock = threading.Lock()  # one fetch at a time (GUI poller, "Check now")
        self.mail_back = mail_back
        """Files replies, automatic answers and bounces on their leads (services/email)."""
        self._mailboxes = MailboxCheck(sessions, clock, imports, secrets, region, mail_back)

    def add_imap(
        self,
        *,
        host: str,
        port: int,
        user: str,
        password: str,
        folder: str = "INBOX",
        security: str = "tls",
        ca_file: str = "",
        name: str = "",
    ) -> SourceInfo:
        """Add a mailbox; the password goes to the system keyring, never the database (refused if
        none)."""
        host, user, folder = host.strip(), user.strip(), folder.strip() or "INBOX"
        if security not in SECURITY:
            raise UserError(f"Security must be one of {', '.join(SECURITY)}, not {security!r}.")
        if not host or not user:
            raise UserError("A mailbox needs a server name and a user name.")
        if not 0 < port < 65536:
            raise UserError(f"Port {port} is not a valid port number (1–65535).")
        if security == "none" and not is_loopback(host):
            raise UserError(
                f"Security 'none' sends the password unencrypted and is only allowed for a server "
                f"on this computer (localhost), not {host}; use tls or starttls."
            )
        if ca_file and not Path(ca_file).is_file():
            raise UserError(f"The CA file {ca_file} does not exist.")
        if not password:
            raise UserError("The mailbox password is empty.")
        self._secrets.check()  # before anything is written
        config = {
            "host": host,
            "port": port,
            "user": user,
            "folder": folder,
            "security": security,
            "ca_file": str(Path(ca_file).resolve()) if ca_file else "",
        }
        with self._sessions.begin() as session:
            record = SourceRecord(
                kind=IMAP,
                name=name or f"{user} on {host}",
                config=config,
                state={},
                status=IDLE,
                last_error="",
            )
            session.add(record)
            session.flush()
            self._secrets.set_password(
                secret_key(record.id), user, password
            )  # raises: the row rolls back
            return _info(record)

    def add_folder(self, path: str | Path, *, name: str = "") -> SourceInfo:
        folder = Path(path).expanduser().resolve()
        if not folder.is_dir():
            raise UserError(f"{folder} is not a folder.")
        with self._sessions.begin() as session:
            for other in session.scalars(select(SourceRecord).where(SourceRecord.kind == FOLDER)):
                if other.config.get("path") == str(folder):
                    raise UserError(f"{folder} is already watched (source {other.id}).")
            record = SourceRecord(
                kind=FOLDER,
                name=name or folder.name or str(folder),
                config={"path": str(folder)},
                state={},
                status=IDLE,
                last_error="",
            )
            session.add(record)
            session.flush()
            return _info(record)

    def list_sources(self) -> list[SourceInfo]:
        with self._sessions() as session:
            return [
                _info(r) for r in session.scalars(select(SourceRecord).order_by(SourceRecord.id))
            ]

    def remove(self, source_id: int) -> None:
        with self._sessions.begin() as session:
            record = session.get(SourceRecord, source_id)
            if record is None:
                raise NotFoundError(f"There is no source {source_id}.")
            kind, user = record.kind, str(record.config.get("user", ""))
            session.delete(record)
        if kind in (IMAP, "smtp"):  # an outgoing account (services/email) has one as well
            try:
                self._secrets.delete_password(f"{kind}:{source_id}", user)
            except UserError as exc:
                log.warning(
                    "Source %d removed but its keyring password was not: %s", source_id, exc
                )

    def fetch_all(self, skip: Collection[int] = ()) -> FetchResult:
        """Run every source once (but those in `skip`, e.g. watched by IDLE); failures are marked
        and reported."""
        result = FetchResult()
        with self._lock:
            refuse_writes_if_read_only(self._sessions)  # nothing read that could not be kept
            for source in self.list_sources():
                if source.id not in skip:
                    self._fetch_one(source, result)
        return result

    def watch(self, source_id: int) -> MailboxWatch | None:
        """An IDLE connection to an IMAP source, or None when it is no mailbox or its server lacks
        IDLE.

        A connection failure marks the source offline or failed, as a poll would, and is raised.
        """
        matches = [s for s in self.list_sources() if s.id == source_id]
        if not matches:
            raise NotFoundError(f"There is no source {source_id}.")
        source = matches[0]
        if source.kind != IMAP:
            return None
        mailbox: ImapMailbox | None = None
        try:
            try:
                password = self._secrets.get_password(
                    secret_key(source.id), str(source.config["user"])
                )
            except UserError as exc:  # no keyring, or the password is gone from it
                raise SourceFailed(str(exc)) from exc
            mailbox = ImapMailbox(imap_settings(source), password)
            mailbox.connect()
            if mailbox.offers_idle():
                return MailboxWatch(self, source, mailbox)
            mailbox.close()
            return None
        except (SourceOffline, SourceFailed) as exc:
            if mailbox is not None:
                mailbox.close()
            self._fail(source, exc)
            raise

    def fetch(self, source_id: int) -> FetchResult:
        result = FetchResult()
        with self._lock:
            matches = [s for s in self.list_sources() if s.id == source_id]
            if not matches:
                raise NotFoundError(f"There is no source {source_id}.")
            refuse_writes_if_read_only(self._sessions)
            self._fetch_one(matches[0], result)
        return result

    def _fetch_one(self, source: SourceInfo, result: FetchResult) -> None:
        try:
            if source.kind == IMAP:
                self._fetch_imap(source, result)
            elif source.kind == FOLDER:
                self._fetch_folder(source, result)
            elif source.kind == "smtp":
                return  # an outgoing account (services/email): nothing comes in through it
            else:
                raise SourceFailed(
                    f"Source kind {source.kind!r} is not known to this version of repdesk."
                )
        except SourceOffline as exc:
            self._mark(source.id, OFFLINE, str(exc), result, source.name)
        except (SourceFailed, UserError) as exc:
            self._mark(source.id, ERROR, str(exc), result, source.name)
        except OSError as exc:  # the watched folder vanished (unmounted drive, network share)
            reason = (
                f"{source.config.get('path')} cannot be read ({exc.strerror})."
                if exc.strerror
                else str(exc)
            )
            self._mark(source.id, OFFLINE, reason, result, source.name)
        except ReadOnlyError:
            raise  # no source can be checked (or marked) on a read-only workspace
        except Exception as exc:  # noqa: BLE001  (one source's surprise never stops the others)
            log.exception("Source %s failed unexpectedly", source.name)
            what = f"{type(exc).__name__}: {clip(str(exc))}" if str(exc) else type(exc).__name__
            self._mark(
                source.id, ERROR, f"This source could not be checked ({what}).", result, source.name
            )

    def _fail(self, source: SourceInfo, exc: SourceOffline | SourceFailed) -> None:
        status = OFFLINE if isinstance(exc, SourceOffline) else ERROR
        self._mark(source.id, status, str(exc), FetchResult(), source.name)

    def _mark(
        self,
        source_id: int,
        status: str,
        error: str,
        result: FetchResult | None = None,
        name: str = "",
    ) -> None:
        if result is not None and error:
            result.errors.append(f"{name}: {error}" if name else error)
            log.info("Source %s is %s: %s", name or source_id, status, error)
        with self._sessions.begin() as session:
            record = session.get(SourceRecord, source_id)
            if record is not None:
                record.status, record.last_error, record.last_checked_at = (
                    status,
                    error,
                    self._clock(),
                )

    def _fetch_folder(self, source: SourceInfo, result: FetchResult) -> None:
        found = scan_folder(Path(source.config["path"]), self._imports)
        result.added += found.added
        result.merged += found.merged
        result.added_ids.extend(found.added_ids)
        result.errors.extend(f"{source.name}: {error}" for error in found.errors)
        self._mark(source.id, OK, "; ".join(found.errors))

    def _fetch_imap(self, source: SourceInfo, result: FetchResult) -> None:
        self._mailboxes.run(source, result)
        self._mark(source.id, OK, "")


class MailboxWatch:
    """One mailbox's IDLE connection for a worker thread: `wait()` until there is news, then fetch;
    `close()`."""

    def __init__(self, service: SourceService, source: SourceInfo, mailbox: ImapMailbox) -> None:
        self.source = source
        self._service = service
        self._mailbox = mailbox

    def __enter__(self) -> MailboxWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait(self, timeout: float, stop: threading.Event) -> bool:
        """True when the server reported new (or removed) mail; False after `timeout` or once `stop`
        is set.

        A network failure marks the source offline exactly as a failed poll does and raises
        SourceOffline; IdleUnsupported (the server refused IDLE after offering it) means: poll this
        source.
        """
        try:
            return self._mailbox.wait_for_news(timeout, stop)
        except (SourceOffline, SourceFailed) as exc:
            self._service._fail(self.source, exc)
            raise
        except IdleUnsupported:
            log.info("Mailbox %s refused IDLE; it is polled instead", self.source.name)
            raise

    def close(self) -> None:
        self._mailbox.close()


def _settings(source: SourceInfo) -> ImapSettings:
    c = source.config
    return ImapSettings(
        host=c["host"],
        port=int(c["port"]),
        user=c["user"],
        folder=c.get("folder", "INBOX"),
        security=c.get("security", "tls"),
        ca_file=c.get("ca_file", ""),
    )


def _info(record: SourceRecord) -> SourceInfo:
    return SourceInfo(
        id=record.id,
        kind=record.kind,
        name=record.name,
        status=record.status or IDLE,
        last_error=record.last_error or "",
        last_checked_at=record.last_checked_at,
        config=dict(record.config or {}),
        could_not_read=list((record.state or {}).get("could_not_read", [])),
    )
