"""The two-key first reply from the inbox, driven like a rep: Ctrl+R opens the composer with the
first-reply template filled in, Ctrl+Enter sends (off the GUI thread); offline it waits in the
outbox ("Outbox 1") and goes when the server is back; a do-not-contact lead is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace
from repdesk.core.do_not_contact import refusal as dnc_refusal
from repdesk.store.models import LeadRecord
from repdesk.ui.email.composer import EmailComposerDialog
from repdesk.ui.shell.main_window import MainWindow
from tests.fixtures.mail import add_account, add_lead
from tests.fixtures.smtp import SmtpServer
from tests.fixtures.workspace import FakeClock

pytestmark = pytest.mark.integration


@pytest.fixture
def window(qtbot: QtBot, mail_ws: Workspace, smtp_server: SmtpServer) -> Iterator[MainWindow]:
    add_account(mail_ws, smtp_server)
    add_lead(mail_ws)
    win = MainWindow(mail_ws)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    win.outbox_sender.timer.setInterval(100)
    yield win
    win.close()


def composer(qtbot: QtBot) -> EmailComposerDialog:
    found: list[EmailComposerDialog] = []

    def opened() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, EmailComposerDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(opened, timeout=3000)
    return found[0]


def test_first_reply_in_two_keys(
    qtbot: QtBot, window: MainWindow, mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    table = window.findChild(QTableView, "leadTable")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # key 1
    dialog = composer(qtbot)
    assert dialog.template.currentData() == "first_reply"
    assert dialog.subject.text() == "Thanks for getting in touch, Jane"
    assert "We need 40 seats before March." in dialog.body.toPlainText()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.body, timeout=3000)
    qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # key 2
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)
    assert not any(
        isinstance(w, EmailComposerDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    sent = smtp_server.messages()[0]
    assert sent["To"] == "Jane Doe <jane@acme.test>"
    assert "Hi Jane," in sent.get_content()
    lead = mail_ws.leads.list_leads()[0]
    qtbot.waitUntil(lambda: mail_ws.leads.detail(lead.id).lead.first_response_at is not None)
    status = window.findChild(QPushButton, "outboxStatus")
    qtbot.waitUntil(lambda: not status.isVisible())


def test_offline_the_reply_waits_in_the_outbox_and_goes_later(
    qtbot: QtBot,
    window: MainWindow,
    mail_ws: Workspace,
    smtp_server: SmtpServer,
    clock: FakeClock,
) -> None:
    smtp_server.stop()
    table = window.findChild(QTableView, "leadTable")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = composer(qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.body, timeout=3000)
    qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    status = window.findChild(QPushButton, "outboxStatus")
    qtbot.waitUntil(lambda: status.isVisible() and status.text() == "Outbox 1", timeout=10_000)
    qtbot.waitUntil(lambda: mail_ws.outbox.rows()[0].attempts >= 1, timeout=10_000)
    lead = mail_ws.leads.list_leads()[0]
    assert mail_ws.leads.detail(lead.id).lead.first_response_at is None
    smtp_server.start()
    clock.now += timedelta(minutes=1)  # past the backoff
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=5_000)
    clock.now += timedelta(minutes=5)
    qtbot.wait(400)
    assert len(smtp_server.received) == 1  # nothing twice


def test_a_do_not_contact_lead_is_refused_in_one_sentence(
    qtbot: QtBot, window: MainWindow, mail_ws: Workspace
) -> None:
    with mail_ws.sessions.begin() as session:
        for lead in session.query(LeadRecord):
            lead.do_not_contact = True
    window.pages["inbox"].reload()
    table = window.findChild(QTableView, "leadTable")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    box: list[QMessageBox] = []
    qtbot.waitUntil(
        lambda: bool(box.extend(window.findChildren(QMessageBox, "emailRefused")) or box)
    )
    # The same sentence as Call, Email and the call script say (core.do_not_contact).
    assert box[0].text() == dnc_refusal("Jane Doe")
    assert not any(isinstance(w, EmailComposerDialog) for w in QApplication.topLevelWidgets())
