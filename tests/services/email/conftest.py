"""Email test helpers: a workspace whose passwords live in a keyring in this process, an outgoing
account on the test SMTP server, and leads made the way an import makes them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from keyring.backend import KeyringBackend

from repdesk.app import Workspace, open_workspace
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.email.accounts import AccountInfo, AccountService
from repdesk.services.settings.secrets import SecretStore
from tests.fixtures.smtp import SmtpServer
from tests.fixtures.workspace import FakeClock


class MemoryKeyring(KeyringBackend):
    """Passwords kept in this process (the Secret Service itself: tests/services/settings)."""

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


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def keyring_store(memory_keyring: MemoryKeyring) -> SecretStore:
    return SecretStore(memory_keyring)


@pytest.fixture
def mail_ws(sqlite_url: str, clock: FakeClock, keyring_store: SecretStore) -> Iterator[Workspace]:
    ws = open_workspace(sqlite_url, clock=clock)
    ws.__dict__["accounts"] = AccountService(ws.sessions, ws.clock, keyring_store)
    yield ws
    ws.close()


def add_account(
    ws: Workspace, server: SmtpServer, *, security: str = "starttls", phone: str = "+1 415 555 0199"
) -> AccountInfo:
    account, _ = ws.accounts.add_smtp(
        host=server.host,
        port=server.port if security == "starttls" else server.tls_port,
        user=server.user,
        password=server.password,
        sender="Sam Ortiz <sam@shop.test>",
        security=security,
        ca_file=str(server.cert),
        phone=phone,
    )
    return account


def add_lead(
    ws: Workspace,
    *,
    email: str = "jane@acme.test",
    first_name: str = "Jane",
    last_name: str = "Doe",
    company: str = "Acme Inc",
    product: str = "",
    message: str = "We need 40 seats before March.",
    source: str = "Website form",
    extra: dict[str, str] | None = None,
    received: datetime | None = None,
) -> int:
    fields = {
        "first_name": first_name,
        "last_name": last_name,
        "company": company,
        "email": email,
        "product": product,
        "message": message,
        "source": source,
    }
    received = received or ws.clock() - timedelta(minutes=3)
    summary = ws.imports.import_parsed(
        [ParsedLead(1, {k: v for k, v in fields.items() if v}, received, extra or {}, None)],
        "test",
    )
    return summary.added_ids[0]
