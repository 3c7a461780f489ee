"""The outbox: an email is queued in the same transaction as its timeline entry, then handed to
the server by `send_due` (off the GUI thread), retried with backoff, never sent twice.

States: queued → sending (claimed) → handing_over (written just before the text goes out) →
sent (the server accepted it). A broken connection before the hand-over puts it back to queued;
after it, the message is `unsure` and is never sent again by itself. A process that died while
holding a message is noticed (its pid is gone, or its claim is older than LEASE). What the rep
sees and settles (rows, counts, send again, cancel): outbox_fixes.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import formataddr
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.contact import join_name
from repdesk.core.domain import ActivityKind
from repdesk.core.email_rules import retry_delay, unfilled
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.email.accounts import AccountInfo, AccountService
from repdesk.services.email.compose import NO_ACCOUNT, Draft, check_can_email
from repdesk.services.email.outbox_fixes import OutboxFixes
from repdesk.services.email.outbox_rows import (
    FAILED,
    HANDING_OVER,
    QUEUED,
    SENDING,
    UNSURE,
    WAITING,
    Queued,
    SendReport,
    build_message,
)
from repdesk.services.email.recording import EmailRecorder
from repdesk.services.email.smtp_client import (
    MailOffline,
    MailRefused,
    MailUnsure,
    close,
    connect,
    deliver,
)
from repdesk.store.models import ActivityRecord, LeadRecord, OutboxRecord

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=3)


def owner_id() -> str:
    """Who holds a claimed message: this computer and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


class OutboxService(OutboxFixes):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        accounts: AccountService,
        recorder: EmailRecorder,
        *,
        owner: Callable[[], str] = owner_id,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._accounts = accounts
        self._recorder = recorder
        self._owner = owner
        self._lock = threading.Lock()  # one sender at a time in this process

    # -- queueing --------------------------------------------------------------------------------
    def queue(self, draft: Draft, *, subject: str | None = None, body: str | None = None) -> Queued:
        """Put the email (as edited in the composer) in the outbox with its timeline entry."""
        subject = " ".join((draft.subject if subject is None else subject).split())
        body = (draft.body if body is None else body).replace("\r\n", "\n").rstrip() + "\n"
        left = unfilled(subject + "\n" + body)
        if left:
            names = ", ".join("{" + name + "}" for name in left)
            raise UserError(
                f"The message still has {names}, which this lead has no value for: write it in "
                "(or fill in the lead) before sending."
            )
        if not subject:
            raise UserError("The email needs a subject.")
        account = self._accounts.account()
        if account is None:
            raise UserError(NO_ACCOUNT)
        now = self._clock()
        with self._sessions.begin() as session:
            lead = session.get(LeadRecord, draft.lead_id)
            if lead is None:
                raise NotFoundError(f"There is no lead with id {draft.lead_id}.")
            check_can_email(lead)  # read and write in one transaction
            if draft.follow_up_id is not None and self._step_waits(session, draft.follow_up_id):
                raise UserError("The email for this step is already in the outbox.")
            activity = ActivityRecord(
                lead_id=lead.id,
                kind=ActivityKind.EMAIL.value,
                outcome=QUEUED,
                occurred_at=now,
                body=f"To {lead.email}: {subject}",
                rep_id=account.rep_id,
            )
            session.add(activity)
            session.flush()
            name = join_name(lead.first_name, lead.last_name)
            record = OutboxRecord(
                lead_id=lead.id,
                account_id=account.id,
                rep_id=account.rep_id,
                activity_id=activity.id,
                follow_up_id=draft.follow_up_id,
                template=draft.template,
                message_id=f"<{uuid.uuid4().hex}.repdesk@{account.domain}>",
                in_reply_to=draft.in_reply_to,
                thread_refs=" ".join(draft.references),
                from_header=account.from_header,
                to_address=formataddr((name, lead.email)),
                subject=subject,
                body=body,
                status=QUEUED,
                attempts=0,
                next_attempt_at=now,
                claimed_by="",
                last_error="",
                queued_at=now,
            )
            session.add(record)
            session.flush()
            return Queued(record.id, lead.id, record.message_id)

    def step_waits(self, follow_up_id: int) -> bool:
        """True when an email for this step is already waiting in the outbox."""
        with self._sessions() as session:
            return self._step_waits(session, follow_up_id)

    def _step_waits(self, session: Session, follow_up_id: int) -> bool:
        found = session.scalar(
            select(OutboxRecord.id).where(
                OutboxRecord.follow_up_id == follow_up_id,
                OutboxRecord.status.in_((*WAITING, UNSURE)),
            )
        )
        return found is not None

    # -- sending ---------------------------------------------------------------------------------
    def send_due(self, only: int | None = None) -> SendReport:
        """Hand every due message (or just `only`) to the server; safe to call from any thread."""
        report = SendReport()
        with self._lock:
            self.recover()
            now = self._clock()
            stmt = (
                select(OutboxRecord.id, OutboxRecord.account_id)
                .where(OutboxRecord.status == QUEUED)
                .order_by(OutboxRecord.queued_at, OutboxRecord.id)
            )
            stmt = (
                stmt.where(OutboxRecord.id == only)
                if only is not None
                else stmt.where(OutboxRecord.next_attempt_at <= now)
            )
            with self._sessions() as session:
                due = list(session.execute(stmt))
            by_account: dict[int | None, list[int]] = {}
            for outbox_id, account_id in due:
                by_account.setdefault(account_id, []).append(outbox_id)
            for account_id, ids in by_account.items():
                self._send_batch(account_id, ids, report)
        return report

    def _send_batch(self, account_id: int | None, ids: list[int], report: SendReport) -> None:
        account = self._accounts.by_id(account_id) if account_id is not None else None
        account = account or self._accounts.account()
        if account is None:
            for outbox_id in ids:
                self._retry(outbox_id, NO_ACCOUNT.rstrip("."), report, count=False)
            return
        claimed = [i for i in ids if self._claim(i)]
        if not claimed:
            return
        try:
            conn = connect(account.settings, self._accounts.password(account))
        except (MailOffline, MailRefused, UserError) as exc:
            self._accounts.mark(
                account.id, "offline" if isinstance(exc, MailOffline) else "error", str(exc)
            )
            for outbox_id in claimed:
                self._retry(outbox_id, str(exc).rstrip("."), report)
            return
        try:
            for index, outbox_id in enumerate(claimed):
                try:
                    self._send_one(conn, account, outbox_id, report)
                except MailOffline:
                    for rest in claimed[index + 1 :]:
                        self._retry(rest, "the connection broke while sending", report)
                    return
            self._accounts.mark(account.id, "ok", "")
        finally:
            close(conn)

    def _send_one(
        self, conn: Any, account: AccountInfo, outbox_id: int, report: SendReport
    ) -> None:
        with self._sessions() as session:
            row = session.get(OutboxRecord, outbox_id)
            assert row is not None
            message = build_message(row, self._clock())
            sender = account.from_address
            to = row.to_address
        try:
            reply = deliver(conn, sender, to, message, lambda: self._hand_over(outbox_id))
        except MailOffline as exc:
            self._retry(outbox_id, str(exc).rstrip("."), report)
            raise
        except MailRefused as exc:
            self._finish(outbox_id, FAILED, str(exc).rstrip("."))
            report.failed.append(outbox_id)
            report.errors.append(str(exc))
            return
        except MailUnsure as exc:
            self._finish(outbox_id, UNSURE, str(exc).rstrip("."))
            report.unsure.append(outbox_id)
            report.errors.append(str(exc))
            return
        log.info("Message %s accepted: %s", outbox_id, reply)
        self._recorder.record_sent(outbox_id, self._clock())
        report.sent.append(outbox_id)

    def _claim(self, outbox_id: int) -> bool:
        with self._sessions.begin() as session:
            done = session.execute(
                update(OutboxRecord)
                .where(OutboxRecord.id == outbox_id, OutboxRecord.status == QUEUED)
                .values(status=SENDING, claimed_by=self._owner(), claimed_at=self._clock())
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]

    def _hand_over(self, outbox_id: int) -> None:
        with self._sessions.begin() as session:
            done = session.execute(
                update(OutboxRecord)
                .where(
                    OutboxRecord.id == outbox_id,
                    OutboxRecord.status == SENDING,
                    OutboxRecord.claimed_by == self._owner(),
                )
                .values(status=HANDING_OVER, claimed_at=self._clock())
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                raise MailOffline("another sender took the message over")

    def _retry(self, outbox_id: int, error: str, report: SendReport, *, count: bool = True) -> None:
        now = self._clock()
        with self._sessions.begin() as session:
            row = session.get(OutboxRecord, outbox_id)
            if row is None or row.status not in (QUEUED, SENDING):
                return
            attempts = row.attempts + (1 if count else 0)
            row.status, row.attempts, row.last_error = QUEUED, attempts, error
            row.next_attempt_at = now + retry_delay(max(attempts, 1))
            row.claimed_by, row.claimed_at = "", None
        report.waiting.append(outbox_id)
        if error not in report.errors:
            report.errors.append(error)

    def _finish(self, outbox_id: int, status: str, error: str) -> None:
        with self._sessions.begin() as session:
            row = session.get(OutboxRecord, outbox_id)
            if row is None:
                return
            row.status, row.last_error, row.attempts = status, error, row.attempts + 1
            row.next_attempt_at = None
            activity = session.get(ActivityRecord, row.activity_id) if row.activity_id else None
            if activity is not None:
                activity.outcome = status

    def recover(self) -> int:
        """Messages held by a sender that is gone: back to queued before the hand-over, unsure
        after it. Returns how many were recovered."""
        now = self._clock()
        recovered = 0
        with self._sessions.begin() as session:
            held = session.scalars(
                select(OutboxRecord).where(OutboxRecord.status.in_((SENDING, HANDING_OVER)))
            )
            for row in held:
                if not _abandoned(row, now, self._owner()):
                    continue
                recovered += 1
                if row.status == SENDING:
                    row.status, row.next_attempt_at = QUEUED, now
                    row.claimed_by, row.claimed_at = "", None
                else:
                    row.status, row.next_attempt_at = UNSURE, None
                    row.last_error = (
                        "repdesk stopped after handing the message to the server and before it "
                        "confirmed"
                    )
                    activity = (
                        session.get(ActivityRecord, row.activity_id) if row.activity_id else None
                    )
                    if activity is not None:
                        activity.outcome = UNSURE
        return recovered


def _abandoned(row: OutboxRecord, now: datetime, me: str) -> bool:
    if row.claimed_at is None or row.claimed_at < now - LEASE:
        return True
    host, _, pid = row.claimed_by.rpartition(":")
    if row.claimed_by == me or host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
