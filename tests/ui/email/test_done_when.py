"""The issue's "done when", tried as a new user would, in the real window against real servers:
a web-form inquiry arrives in the mailbox and appears in the inbox; two keys answer it; with the
network cut it waits in the outbox and goes when the server is back; the prospect's answer shows
on the lead as a reply and takes the place of the cadence's next step; an out-of-office does not.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace
from repdesk.services.settings.secrets import SecretStore
from repdesk.store.models import FollowUpRecord
from repdesk.ui.email.composer import EmailComposerDialog
from repdesk.ui.shell.main_window import MainWindow
from tests.fixtures.imap import ImapServer
from tests.fixtures.mail import add_account
from tests.fixtures.smtp import SmtpServer
from tests.fixtures.workspace import FakeClock
from tests.services.email import samples
from tests.services.email.test_replies import INQUIRY

pytestmark = pytest.mark.integration


def pending(ws: Workspace) -> FollowUpRecord:
    with ws.sessions() as session:
        return session.query(FollowUpRecord).filter_by(status="pending").one()


def test_inquiry_to_reply_and_back(
    qtbot: QtBot,
    mail_ws: Workspace,
    keyring_store: SecretStore,
    imap_server: ImapServer,
    smtp_server: SmtpServer,
    clock: FakeClock,
) -> None:
    ws = mail_ws
    ws.sources.add_imap(
        host=imap_server.host,
        port=imap_server.tls_port,
        user=imap_server.user,
        password=imap_server.password,
        ca_file=str(imap_server.cert),
    )
    add_account(ws, smtp_server)
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    window.outbox_sender.timer.setInterval(100)
    watcher = window.inquiry_watcher
    table = window.findChild(QTableView, "leadTable")

    imap_server.append(INQUIRY)  # the web form's notification arrives
    watcher.check_now()
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=15_000)
    table.selectRow(0)
    smtp_server.stop()  # the network is cut
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(isinstance(w, EmailComposerDialog) for w in QApplication.topLevelWidgets())
    )
    (dialog,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, EmailComposerDialog)]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.body, timeout=3000)
    assert "We need 40 seats before March." in dialog.body.toPlainText()
    qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    status = window.findChild(QPushButton, "outboxStatus")
    qtbot.waitUntil(lambda: status.text() == "Outbox 1" and status.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: ws.outbox.rows()[0].attempts == 1, timeout=10_000)

    smtp_server.start()  # the network is back
    clock.now += timedelta(minutes=1)
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=5_000)
    ours = smtp_server.messages()[0]["Message-ID"]
    step = pending(ws)

    clock.now += timedelta(minutes=30)
    imap_server.append(samples.exchange_out_of_office(ours))
    watcher.check_now()
    lead_id = table.model().lead_at(0).id
    qtbot.waitUntil(
        lambda: ws.leads.detail(lead_id).activities[0].outcome == "auto_reply", timeout=15_000
    )
    assert pending(ws).id == step.id  # an out-of-office changes nothing

    imap_server.append(samples.gmail_reply(ours))
    watcher.check_now()
    qtbot.waitUntil(lambda: ws.leads.detail(lead_id).lead.replied_at is not None, timeout=15_000)
    answer = pending(ws)
    assert answer.id != step.id and answer.note.startswith("Answer the reply")
    qtbot.waitUntil(lambda: table.model().index(0, 4).data() == "replied — waiting for you")
    assert table.model().index(0, 0).data().startswith("↩")
