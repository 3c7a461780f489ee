"""The outgoing mail account (SMTP): one sending identity for the workspace, or one per rep on a
team database; the password lives in the system keyring only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core import contact
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.email.smtp_client import (
    MailOffline,
    MailRefused,
    SmtpSettings,
    check_security,
    test_login,
)
from repdesk.services.settings.secrets import SecretStore
from repdesk.store.models import RepRecord, SourceRecord

SMTP = "smtp"


def secret_key(account_id: int) -> str:
    return f"smtp:{account_id}"


@dataclass(frozen=True)
class AccountInfo:
    id: int
    rep_id: int | None
    rep_name: str
    from_name: str
    from_address: str
    phone: str
    settings: SmtpSettings
    status: str
    last_error: str
    last_checked_at: datetime | None

    @property
    def from_header(self) -> str:
        return formataddr((self.from_name, self.from_address))

    @property
    def domain(self) -> str:
        return self.from_address.rpartition("@")[2] or "repdesk.invalid"

    def to_json(self) -> dict[str, Any]:
        s = self.settings
        return {
            "id": self.id,
            "rep": self.rep_name or None,
            "from": self.from_header,
            "phone": self.phone,
            "host": s.host,
            "port": s.port,
            "user": s.user,
            "security": s.security,
            "status": self.status,
            "last_error": self.last_error,
        }


def parse_from(text: str) -> tuple[str, str]:
    """("Name", "address") from `Name <address>`; UserError with one sentence otherwise."""
    name, address = parseaddr(text.strip())
    normal = contact.normalize_email(address) if address else None
    if not normal or "\n" in text or "\r" in text:
        raise UserError(f'{text.strip()!r} is not a sender like "Sam Ortiz <sam@example.com>".')
    if not name.strip():
        raise UserError(
            f'Give the sender a name as well: --from "Your Name <{normal}>" (people see it).'
        )
    return " ".join(name.split()), normal


class AccountService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        secrets: SecretStore,
        current_rep: Callable[[], int | None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._secrets = secrets
        self.current_rep = current_rep
        """The rep working now (team sign-in); None on a one-person workspace."""

    def add_smtp(
        self,
        *,
        host: str,
        port: int,
        user: str,
        password: str,
        sender: str,
        security: str = "starttls",
        ca_file: str = "",
        phone: str = "",
        rep: str = "",
        test: Callable[[SmtpSettings, str], None] = test_login,
    ) -> tuple[AccountInfo, bool]:
        """Store the sending identity after a real test login; (account, replaced an older one).

        Refused with one sentence without a keyring or when the login fails; nothing is written.
        """
        host, user = host.strip(), user.strip()
        if not host or not user:
            raise UserError("An outgoing account needs a server name and a user name.")
        if not 0 < port < 65536:
            raise UserError(f"Port {port} is not a valid port number (1–65535).")
        from_name, from_address = parse_from(sender)
        if ca_file and not Path(ca_file).is_file():
            raise UserError(f"The CA file {ca_file} does not exist.")
        if not password:
            raise UserError("The mail password is empty.")
        settings = SmtpSettings(
            host, port, user, security, str(Path(ca_file).resolve()) if ca_file else ""
        )
        try:
            check_security(settings)
        except MailRefused as exc:
            raise UserError(str(exc)) from None
        rep_id = self._rep_id(rep) if rep else None
        self._secrets.check()  # before the login: no keyring, no account
        try:
            test(settings, password)
        except (MailOffline, MailRefused) as exc:
            raise UserError(f"{str(exc).rstrip('.')}; the account was not added.") from None
        config = {
            "host": host,
            "port": port,
            "user": user,
            "security": security,
            "ca_file": settings.ca_file,
            "from_name": from_name,
            "from_address": from_address,
            "phone": phone.strip(),
            "rep_id": rep_id,
        }
        with self._sessions.begin() as session:
            old = self._record(session, rep_id)
            replaced = old is not None
            record = old or SourceRecord(kind=SMTP, state={})
            if old is not None:
                old_user = str(old.config.get("user", ""))
            record.name = formataddr((from_name, from_address))
            record.config = config
            record.status, record.last_error = "ok", ""
            record.last_checked_at = self._clock()
            session.add(record)
            session.flush()
            self._secrets.set_password(secret_key(record.id), user, password)  # raises: rollback
            if replaced and old_user != user:
                self._secrets.delete_password(secret_key(record.id), old_user)
            return _info(session, record), replaced

    def account(self, rep_id: int | None = None, *, any_rep: bool = True) -> AccountInfo | None:
        """The sending identity of `rep_id` (default: the current rep), else the workspace's."""
        wanted = self.current_rep() if rep_id is None else rep_id
        with self._sessions() as session:
            record = self._record(session, wanted) if wanted is not None else None
            if record is None and any_rep:
                record = self._record(session, None)
            return _info(session, record) if record is not None else None

    def by_id(self, account_id: int) -> AccountInfo | None:
        with self._sessions() as session:
            record = session.get(SourceRecord, account_id)
            if record is None or record.kind != SMTP:
                return None
            return _info(session, record)

    def list_accounts(self) -> list[AccountInfo]:
        with self._sessions() as session:
            records = session.scalars(
                select(SourceRecord).where(SourceRecord.kind == SMTP).order_by(SourceRecord.id)
            )
            return [_info(session, r) for r in records]

    def password(self, account: AccountInfo) -> str:
        return self._secrets.get_password(secret_key(account.id), account.settings.user)

    def remove(self, account_id: int) -> None:
        with self._sessions.begin() as session:
            record = session.get(SourceRecord, account_id)
            if record is None or record.kind != SMTP:
                raise NotFoundError(f"There is no outgoing account {account_id}.")
            user = str(record.config.get("user", ""))
            session.delete(record)
        self._secrets.delete_password(secret_key(account_id), user)

    def mark(self, account_id: int, status: str, error: str) -> None:
        """Remember how the last attempt to reach the server went (shown in Settings → Email)."""
        with self._sessions.begin() as session:
            record = session.get(SourceRecord, account_id)
            if record is not None:
                record.status, record.last_error = status, error
                record.last_checked_at = self._clock()

    def _record(self, session: Session, rep_id: int | None) -> SourceRecord | None:
        for record in session.scalars(select(SourceRecord).where(SourceRecord.kind == SMTP)):
            if record.config.get("rep_id") == rep_id:
                return record
        return None

    def _rep_id(self, name: str) -> int:
        with self._sessions() as session:
            rep_id = session.scalar(select(RepRecord.id).where(RepRecord.name == name.strip()))
        if rep_id is None:
            raise NotFoundError(f"There is no rep named {name.strip()!r}.")
        return int(rep_id)


def _info(session: Session, record: SourceRecord) -> AccountInfo:
    c = dict(record.config or {})
    rep_id = c.get("rep_id")
    rep = session.get(RepRecord, rep_id) if rep_id is not None else None
    return AccountInfo(
        id=record.id,
        rep_id=rep_id,
        rep_name=rep.name if rep is not None else "",
        from_name=str(c.get("from_name", "")),
        from_address=str(c.get("from_address", "")),
        phone=str(c.get("phone", "")),
        settings=SmtpSettings(
            host=str(c["host"]),
            port=int(c["port"]),
            user=str(c["user"]),
            security=str(c.get("security", "starttls")),
            ca_file=str(c.get("ca_file", "")),
        ),
        status=record.status or "idle",
        last_error=record.last_error or "",
        last_checked_at=record.last_checked_at,
    )
