"""One check of an IMAP mailbox: its new mail since the last check becomes leads, in batches, each
with the mailbox's place in the same transaction; mail that is not a lead is listed with why.

A first check (or a renumbered folder) reads the last FIRST_RUN_DAYS days, and only those; the
place kept afterwards is UIDNEXT - 1, so a first check that found nothing never makes the next
one read the folder's whole history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.quoting import clip
from repdesk.formats.form_email import parse_form_email
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.email.replies import Claim, ReplyFiler
from repdesk.services.imports.import_service import ImportService
from repdesk.services.settings.secrets import SecretStore
from repdesk.services.sources.imap_fetcher import FetchedMail, ImapMailbox, ImapSettings
from repdesk.services.sources.source_rows import FetchResult, SourceInfo
from repdesk.store.models import SourceRecord

log = logging.getLogger(__name__)

FIRST_RUN_DAYS = 7  # a new mailbox brings in the last week's inquiries, not years of mail
UNREAD_KEPT = 50  # the newest mails that could not be read, listed on their source


def secret_key(source_id: int) -> str:
    return f"imap:{source_id}"


def imap_settings(source: SourceInfo) -> ImapSettings:
    c = source.config
    return ImapSettings(
        host=c["host"],
        port=int(c["port"]),
        user=c["user"],
        folder=c.get("folder", "INBOX"),
        security=c.get("security", "tls"),
        ca_file=c.get("ca_file", ""),
    )


class MailboxCheck:
    """Checks one mailbox at a time for SourceService (which marks the source's status)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        imports: ImportService,
        secrets: SecretStore,
        region: Callable[[], str],
        mail_back: ReplyFiler | None = None,
    ) -> None:
        self._sessions = sessions
        self._mail_back = mail_back
        self._clock = clock
        self._imports = imports
        self._secrets = secrets
        self._region = region

    def run(self, source: SourceInfo, result: FetchResult) -> None:
        """Read the mailbox's new mail into leads; raises SourceOffline / SourceFailed."""
        settings = imap_settings(source)
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

    def _import_batch(
        self, source: SourceInfo, uidvalidity: int, batch: list[FetchedMail], result: FetchResult
    ) -> None:
        rows: list[ParsedLead] = []
        unread: list[dict[str, Any]] = []
        claims: list[Claim] = []
        for mail in batch:
            # Mail back from a lead (a reply, an automatic answer, a bounce) is filed on that lead.
            claim = (
                self._mail_back.claim(mail.raw, mail.uid) if self._mail_back and mail.raw else None
            )
            if claim is not None:
                claims.append(claim)
                continue
            row, problem = self._parse(source, mail)
            if row is not None:
                rows.append(row)
            elif problem is not None:
                unread.append(problem)
        newest = max(mail.uid for mail in batch)

        def remember(
            session: Session,
        ) -> None:  # in the import's transaction: no mail twice, none skipped
            if claims and self._mail_back is not None:
                result.replies += self._mail_back.file(session, claims).count
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
        return replace(lead, row=mail.uid, problem=None), None

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
