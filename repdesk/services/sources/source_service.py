"""Inquiry sources (IMAP mailboxes, watched folders): add, list, remove, and fetch new inquiries
into leads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.hosts import is_loopback
from repdesk.core.quoting import clip
from repdesk.formats.form_email import parse_form_email
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.imports.import_service import ImportService
from repdesk.services.settings.secrets import SecretStore
from repdesk.services.sources.folder_watcher import scan_folder
from repdesk.services.sources.imap_fetcher import (
    SECURITY,
    FetchedMail,
    ImapMailbox,
    ImapSettings,
    SourceFailed,
    SourceOffline,
)
from repdesk.services.sources.imap_idle import IdleUnsupported
from repdesk.store.models import SourceRecord

log = logging.getLogger(__name__)

IMAP, FOLDER = "imap", "folder"
OK, OFFLINE, ERROR, IDLE = "ok", "offline", "error", "idle"
FIRST_RUN_DAYS = 7  # a new mailbox brings in the last week's inquiries, not years of mail
UNREAD_KEPT = 50  # the newest mails that could not be read, listed on their source


@dataclass(frozen=True)
class SourceInfo:
    id: int
    kind: str
    name: str
    status: str
    last_error: str
    last_checked_at: datetime | None
    config: dict[str, Any]
    could_not_read: list[dict[str, Any]] = field(default_factory=list)
    """Mails of this source that were not made leads, newest last: uid, subject, reason, at."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "status": self.status,
            "last_error": self.last_error,
            "last_checked_at": self.last_checked_at.isoformat() if self.last_checked_at else None,
            "config": self.config,
            "could_not_read": list(self.could_not_read),
        }


@dataclass
class FetchResult:
    added: int = 0
    merged: int = 0
    errors: list[str] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)
    could_not_read: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "merged": self.merged,
            "errors": list(self.errors),
            "could_not_read": list(self.could_not_read),
        }


def secret_key(source_id: int) -> str:
    return f"imap:{source_id}"


class SourceService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        imports: ImportService,
        secrets: SecretStore,
        region: Callable[[], str] = lambda: "US",
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._imports = imports
        self._secrets = secrets
        self._region = region
        self._lock = threading.Lock()  # one fetch at a time (GUI poller, "Check now")

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
        if kind == IMAP:
            try:
                self._secrets.delete_password(secret_key(source_id), user)
            except UserError as exc:
                log.warning(
                    "Source %d removed but its keyring password was not: %s", source_id, exc
                )

    def fetch_all(self, skip: Collection[int] = ()) -> FetchResult:
        """Run every source once (but those in `skip`, e.g. watched by IDLE); failures are marked
        and reported."""
        result = FetchResult()
        with self._lock:
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
            mailbox = ImapMailbox(_settings(source), password)
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
            self._fetch_one(matches[0], result)
        return result

    def _fetch_one(self, source: SourceInfo, result: FetchResult) -> None:
        try:
            if source.kind == IMAP:
                self._fetch_imap(source, result)
            elif source.kind == FOLDER:
                self._fetch_folder(source, result)
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
        settings = _settings(source)
        password = self._secrets.get_password(secret_key(source.id), settings.user)
        with self._sessions() as session:
            record = session.get(SourceRecord, source.id)
            state = dict(record.state or {}) if record else {}
        now = self._clock()
        with ImapMailbox(settings, password) as mailbox:
            known = bool(mailbox.uidvalidity) and state.get("uidvalidity") == mailbox.uidvalidity
            last_uid = int(state.get("last_uid", 0)) if known else 0
            since = None
            if last_uid <= 0:
                # A first check, or the folder was renumbered (UIDVALIDITY changed): always with a
                # date bound, never the folder's whole history. The first week stays the window
                # until a check succeeds (a failed one does not count).
                if state.get("uidvalidity") and not known:
                    log.warning(
                        "Mailbox %s was renumbered (UIDVALIDITY changed); reading it again since "
                        "the last check (known people are merged, not duplicated)",
                        source.name,
                    )
                succeeded = _succeeded_at(state, source)
                since = (
                    succeeded - timedelta(days=1)
                    if succeeded
                    else now - timedelta(days=FIRST_RUN_DAYS)
                )
            newest = last_uid
            for batch in mailbox.fetch(mailbox.new_uids(last_uid, since)):
                self._import_batch(source, mailbox.uidvalidity, batch, result)
                newest = max(newest, *(mail.uid for mail in batch))
            if since is not None and mailbox.uidnext:
                # What the window left out is not new either: the next check starts after it.
                newest = max(newest, mailbox.uidnext - 1)
            self._save_state(source.id, mailbox.uidvalidity, newest, checked_ok_at=now)
        self._mark(source.id, OK, "")

    def _import_batch(
        self, source: SourceInfo, uidvalidity: int, batch: list[FetchedMail], result: FetchResult
    ) -> None:
        rows: list[ParsedLead] = []
        unread: list[dict[str, Any]] = []
        for mail in batch:
            row, problem = self._parse(source, mail)
            if row is not None:
                rows.append(row)
            elif problem is not None:
                unread.append(problem)
        newest = max(mail.uid for mail in batch)

        def remember(
            session: Session,
        ) -> None:  # in the import's transaction: no mail twice, none skipped
            record = session.get(SourceRecord, source.id)
            if record is not None:
                record.state = {
                    **(record.state or {}),
                    "uidvalidity": uidvalidity,
                    "last_uid": newest,
                    "could_not_read": _kept(record.state, unread),
                }

        summary = self._imports.import_parsed(rows, f"mailbox {source.name}", also=remember)
        result.added += summary.added
        result.merged += summary.merged
        result.added_ids.extend(summary.added_ids)
        refused = [
            self._unread_entry(rejection.row, subject="", reason=rejection.reason)
            for rejection in summary.rejected
        ]
        for rejection in summary.rejected:
            log.warning(
                "Mailbox %s, message %s was not made a lead: %s",
                source.name,
                rejection.row,
                rejection.reason,
            )
        if refused:
            self._update_state(source.id, lambda state: {"could_not_read": _kept(state, refused)})
        result.could_not_read.extend({**entry, "source": source.name} for entry in unread + refused)

    def _unread_entry(self, uid: int, *, subject: str, reason: str) -> dict[str, Any]:
        return {
            "uid": uid,
            "subject": clip(subject, 80),
            "reason": reason,
            "at": self._clock().isoformat(),
        }

    def _parse(
        self, source: SourceInfo, mail: FetchedMail
    ) -> tuple[ParsedLead | None, dict[str, Any] | None]:
        """The mail's lead, or None and (when it was there to read) why it is not one."""
        where = f"Mailbox {source.name}, message UID {mail.uid}"
        if not mail.raw.strip():
            log.warning("%s is empty or was deleted before it could be read; skipped", where)
            return None, None
        parsed = parse_form_email(mail.raw, region=self._region())  # never raises
        notes = list(parsed.notes)
        if mail.truncated:
            notes.append("it is larger than 5 MB; only its first 5 MB were read")
        lead = parsed.lead
        if lead.problem:
            notes.insert(0, f"not made a lead: {lead.problem}")
        if notes:  # one line per troublesome mail, saying everything that was wrong with it
            log.warning("%s (%s): %s", where, parsed.subject or "no subject", "; ".join(notes))
        if lead.problem:
            return None, self._unread_entry(mail.uid, subject=parsed.subject, reason=lead.problem)
        return ParsedLead(mail.uid, lead.fields, lead.received_at, lead.extra, None), None

    def _save_state(
        self, source_id: int, uidvalidity: int, last_uid: int, *, checked_ok_at: datetime
    ) -> None:
        self._update_state(
            source_id,
            lambda _state: {
                "uidvalidity": uidvalidity,
                "last_uid": last_uid,
                "checked_ok_at": checked_ok_at.isoformat(),
            },
        )

    def _update_state(
        self, source_id: int, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        with self._sessions.begin() as session:
            record = session.get(SourceRecord, source_id)
            if record is not None:
                state = dict(record.state or {})
                record.state = {**state, **change(state)}


def _kept(state: dict[str, Any] | None, new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The source's could-not-read list with `new` added, the newest UNREAD_KEPT."""
    return [*list((state or {}).get("could_not_read", [])), *new][-UNREAD_KEPT:]


def _succeeded_at(state: dict[str, Any], source: SourceInfo) -> datetime | None:
    """When a check of the mailbox last succeeded (older files only know the last check, which
    counts once the mailbox's numbering has been seen)."""
    stamp = state.get("checked_ok_at")
    if stamp:
        return datetime.fromisoformat(str(stamp))
    return source.last_checked_at if state.get("uidvalidity") else None


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
