"""A message is never sent twice: `repdesk mail send` killed before it reached the server, and
killed after handing the message over but before it could record that (real processes, real
SMTP server, the real Secret Service for the password)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from repdesk.app import Workspace, open_workspace
from repdesk.cli import main
from repdesk.store.locations import resolve_url
from repdesk.store.models import OutboxRecord
from tests.fixtures.mail import add_lead
from tests.fixtures.smtp import SmtpServer
from tests.services.settings.test_secrets import secret_service

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def real_ws(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Workspace]:
    secret_service()  # skips without a Secret Service (scripts/with-keyring provides one)
    ws = open_workspace(resolve_url(str(tmp_path / "w.sqlite3")))
    ws.accounts.add_smtp(
        host=smtp_server.host,
        port=smtp_server.port,
        user=smtp_server.user,
        password=smtp_server.password,
        sender="Sam Ortiz <sam@shop.test>",
        ca_file=str(smtp_server.cert),
        phone="+1 415 555 0199",
    )
    yield ws
    for account in ws.accounts.list_accounts():
        ws.accounts.remove(account.id)
    ws.close()


def start_send(ws: Workspace, lead_id: int) -> subprocess.Popen[bytes]:
    path = str(ws.url).removeprefix("sqlite:///")
    return subprocess.Popen(
        [sys.executable, "-m", "repdesk", "--db", path, "mail", "send", str(lead_id)]
        + ["--template", "first_reply", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for_status(ws: Workspace, status: str, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with ws.sessions() as session:
            if session.query(OutboxRecord).filter_by(status=status).count():
                return
        time.sleep(0.05)
    raise AssertionError(f"no message became {status!r} within {timeout} s")


def test_killed_before_the_server_got_it_is_sent_once_later(
    real_ws: Workspace, smtp_server: SmtpServer
) -> None:
    lead_id = add_lead(real_ws)
    smtp_server.stop()
    with socket.socket() as silent:  # accepts the connection and never says hello
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        silent.bind((smtp_server.host, smtp_server.port))
        silent.listen()
        proc = start_send(real_ws, lead_id)
        try:
            wait_for_status(real_ws, "sending")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    smtp_server.start()
    assert real_ws.outbox.counts() == (1, 0)
    report = real_ws.outbox.send_due()  # the dead process's claim is noticed at once
    assert len(report.sent) == 1, report.errors
    assert real_ws.outbox.send_due().sent == []
    assert len(smtp_server.received) == 1
    lead = real_ws.leads.detail(lead_id).lead
    assert lead.first_response_at is not None


def test_killed_after_handing_over_is_unsure_and_never_sent_again(
    real_ws: Workspace, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    lead_id = add_lead(real_ws)
    smtp_server.hold.set()
    proc = start_send(real_ws, lead_id)
    try:
        assert smtp_server.got_data.wait(20), proc.stderr.read() if proc.stderr else ""
        wait_for_status(real_ws, "handing_over")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    smtp_server.hold.clear()
    report = real_ws.outbox.send_due()
    assert report.sent == [] and len(smtp_server.received) == 1
    rows = real_ws.outbox.rows()
    assert [(r.status, r.why) for r in rows] == [("unsure", "unsure — check your Sent folder")]
    assert real_ws.outbox.counts() == (0, 1)
    assert real_ws.outbox.send_due().sent == [] and len(smtp_server.received) == 1
    detail = real_ws.leads.detail(lead_id)
    assert detail.lead.first_response_at is None  # not known to have gone
    assert [(a.kind, a.outcome) for a in detail.activities if a.kind == "email"] == [
        ("email", "unsure")
    ]
    db = str(real_ws.url).removeprefix("sqlite:///")
    assert main(["--db", db, "mail", "outbox"]) == 0
    assert "unsure — check your Sent folder" in capsys.readouterr().out
    assert main(["--db", db, "mail", "resolve", str(rows[0].id), "--sent"]) == 0
    assert real_ws.outbox.counts() == (0, 0)
    assert real_ws.leads.detail(lead_id).lead.first_response_at is not None
    assert len(smtp_server.received) == 1
