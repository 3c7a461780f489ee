"""Benchmark: the app's own part from an inquiry's arrival to the server accepting the first
reply (mailbox check → lead → draft with the fitting template → outbox → SMTP accepted), against
the floor of the same network work done with the bare standard library (imaplib: log in, search,
fetch; smtplib: STARTTLS, log in, send) on the same real servers (Dovecot, aiosmtpd). Target ≤ 5×.

The rep's two keys and reading time are not in it; in the desktop app the mailbox check starts
on the server's IDLE push (or the 30-second poll when a server has no IDLE).
"""

from __future__ import annotations

import imaplib
import shutil
import smtplib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from repdesk.app import open_workspace  # noqa: E402
from repdesk.services.settings.secrets import SecretStore  # noqa: E402
from tests.fixtures.imap import ImapServer, _free_port, _write_config  # noqa: E402
from tests.fixtures.mail import MemoryKeyring  # noqa: E402
from tests.fixtures.smtp import SmtpServer, new_server  # noqa: E402
from tests.fixtures.tls import trusting_client  # noqa: E402
from tests.services.sources.test_sources import form_mail  # noqa: E402

ROUNDS = 15
TARGET = 5.0


def inquiry(i: int) -> bytes:
    return form_mail(
        f"Your Name: Person {i} Example\nYour Email: person{i}@bench.test\nCompany: Bench {i}\n"
        "Your Message: We need 40 seats before March.\n\n-- \n"
        "This e-mail was sent from a contact form on Shop (https://shop.test)\n",
        subject=f'Shop "Quote request {i}"',
        reply_to=f"Person {i} Example <person{i}@bench.test>",
    )


def floor(imap: ImapServer, smtp: SmtpServer, raw: bytes) -> float:
    start = time.perf_counter()
    conn = imaplib.IMAP4_SSL(imap.host, imap.tls_port, ssl_context=trusting_client(imap.cert))
    conn.login(imap.user, imap.password)
    conn.select("INBOX", readonly=True)
    _status, data = conn.uid("SEARCH", "ALL")
    newest = data[0].split()[-1].decode()
    conn.uid("FETCH", newest, "(UID RFC822.SIZE BODY.PEEK[])")
    conn.logout()
    mail = smtplib.SMTP(smtp.host, smtp.port, timeout=10)
    mail.starttls(context=trusting_client(smtp.cert))
    mail.login(smtp.user, smtp.password)
    mail.sendmail("sam@shop.test", ["someone@bench.test"], raw)
    mail.quit()
    return time.perf_counter() - start


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="repdesk-bench-email-"))
    folder.chmod(0o755)  # dovecot (running as its own user) reads its config below it
    imap = ImapServer(
        folder / "imap", "127.0.0.1", _free_port(), _free_port(), "test", "secret", Path()
    )
    (folder / "imap").mkdir()
    imap.cert = _write_config(folder / "imap", imap.port, imap.tls_port, imap.user, imap.password)
    imap.start()
    smtp = new_server(folder / "smtp")
    smtp.start()
    ws = open_workspace(
        f"sqlite:///{folder / 'bench.sqlite3'}", secrets=SecretStore(MemoryKeyring())
    )
    try:
        ws.sources.add_imap(
            host=imap.host,
            port=imap.tls_port,
            user=imap.user,
            password=imap.password,
            ca_file=str(imap.cert),
        )
        ws.accounts.add_smtp(
            host=smtp.host,
            port=smtp.port,
            user=smtp.user,
            password=smtp.password,
            sender="Sam Ortiz <sam@shop.test>",
            ca_file=str(smtp.cert),
            phone="+1 415 555 0199",
        )
        imap.append(inquiry(0))
        ws.sources.fetch_all()  # the first check of a new mailbox is not what is measured
        app, floors = [], []
        for i in range(1, ROUNDS + 1):
            imap.append(inquiry(i))
            start = time.perf_counter()
            result = ws.sources.fetch_all()
            (lead_id,) = result.added_ids
            draft = ws.drafts.draft(lead_id)
            queued = ws.outbox.queue(draft)
            report = ws.outbox.send_due(only=queued.outbox_id)
            app.append(time.perf_counter() - start)
            assert report.sent == [queued.outbox_id], report.errors
            floors.append(floor(imap, smtp, smtp.received[-1].data))
        a, f = statistics.median(app), statistics.median(floors)
        ratio = a / f
        print(
            f"arrival → reply accepted, app's own part: median {a * 1000:.0f} ms "
            f"(min {min(app) * 1000:.0f}, max {max(app) * 1000:.0f}) over {ROUNDS} inquiries"
        )
        print(f"floor (bare imaplib + smtplib, same servers): median {f * 1000:.0f} ms")
        print(f"ratio {ratio:.1f}× (target ≤ {TARGET:.0f}×)")
        return 0 if ratio <= TARGET else 1
    finally:
        ws.close()
        smtp.stop()
        imap.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
