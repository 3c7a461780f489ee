"""The outbox dialog driven like a rep: the status bar's "Outbox 1 · 2 need a look" opens it; an
unsure message is recorded as sent from the Sent folder (nothing goes twice), a refused one is
taken out, a waiting one goes at "Try now" even while the outbox backs off, and the open dialog
shows what the sender did."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace
from repdesk.ui.email.outbox_dialog import OutboxDialog
from repdesk.ui.shell.main_window import MainWindow
from tests.fixtures.mail import add_account, add_lead
from tests.fixtures.smtp import SmtpServer

pytestmark = pytest.mark.integration


@pytest.fixture
def three(mail_ws: Workspace, smtp_server: SmtpServer) -> dict[str, int]:
    """An unsure message (the server hung up after taking its text), a refused one (550), and one
    waiting while the server is down: their leads by name."""
    add_account(mail_ws, smtp_server)
    leads = {  # refused first: the hang-up after the second ends the connection
        "failed": add_lead(mail_ws, first_name="Fay", email="nobody@acme.test"),
        "unsure": add_lead(mail_ws, first_name="Una", email="una@acme.test"),
    }
    smtp_server.drop.set()
    smtp_server.refuse.add("nobody@acme.test")
    for lead_id in leads.values():
        mail_ws.outbox.queue(mail_ws.drafts.draft(lead_id, "first_reply"))
    mail_ws.outbox.send_due()
    smtp_server.stop()
    leads["waiting"] = add_lead(mail_ws, first_name="Wes", email="wes@acme.test")
    mail_ws.outbox.queue(mail_ws.drafts.draft(leads["waiting"], "first_reply"))
    mail_ws.outbox.send_due()  # the server is down: it backs off
    assert {r.lead_id: r.status for r in mail_ws.outbox.rows()} == {
        leads["failed"]: "failed",
        leads["unsure"]: "unsure",
        leads["waiting"]: "queued",
    }
    return leads


@pytest.fixture
def window(qtbot: QtBot, mail_ws: Workspace, three: dict[str, int]) -> Iterator[MainWindow]:
    win = MainWindow(mail_ws)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    win.outbox_sender.timer.setInterval(100)
    yield win
    win.close()


def open_outbox(qtbot: QtBot, window: MainWindow) -> OutboxDialog:
    status = window.findChild(QPushButton, "outboxStatus")
    qtbot.waitUntil(lambda: status.isVisible(), timeout=5000)
    assert status.text() == "Outbox 1 · 2 need a look"
    qtbot.mouseClick(status, Qt.MouseButton.LeftButton)
    found: list[OutboxDialog] = []

    def opened() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, OutboxDialog) and w.isVisible() and w.parent() is window
        ]
        return bool(found)

    qtbot.waitUntil(opened, timeout=3000)
    return found[0]


def shown(dialog: OutboxDialog) -> list[tuple[str, str]]:
    table = dialog.findChild(QTableWidget, "outboxTable")
    return [(table.item(r, 0).text(), table.item(r, 3).text()) for r in range(table.rowCount())]


def buttons(dialog: OutboxDialog) -> list[str]:
    return [
        b.text()
        for b in (dialog.sent_button, dialog.again_button, dialog.cancel_button, dialog.now_button)
        if b.isVisible()
    ]


def select(qtbot: QtBot, dialog: OutboxDialog, row: int) -> None:
    table = dialog.findChild(QTableWidget, "outboxTable")
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.selectionModel().selectedRows()[0].row() == row


def test_the_rep_settles_every_message_from_the_outbox_dialog(
    qtbot: QtBot,
    window: MainWindow,
    mail_ws: Workspace,
    smtp_server: SmtpServer,
    three: dict[str, int],
) -> None:
    dialog = open_outbox(qtbot, window)
    rows = shown(dialog)
    assert [to for to, _why in rows] == [
        "Fay Doe <nobody@acme.test>",
        "Una Doe <una@acme.test>",
        "Wes Doe <wes@acme.test>",
    ]
    assert rows[0][1].startswith("not sent: The mail server refused the recipient")
    assert rows[1][1] == "unsure — check your Sent folder"
    assert rows[2][1].startswith("waiting: ")
    assert dialog.summary.text() == (
        "1 waiting to be sent; 1 not sent (the server's reason is in Status); 1 unsure: it went "
        "to the server but it did not confirm — look in your Sent folder before sending again."
    )

    # The unsure one is in the rep's Sent folder: recorded as sent, never sent again.
    select(qtbot, dialog, 1)
    assert buttons(dialog) == ["It is in my Sent folder", "Send it again"]
    qtbot.mouseClick(dialog.sent_button, Qt.MouseButton.LeftButton)
    assert [to for to, _ in shown(dialog)] == [
        "Fay Doe <nobody@acme.test>",
        "Wes Doe <wes@acme.test>",
    ]
    assert mail_ws.leads.detail(three["unsure"]).lead.first_response_at is not None
    status = window.findChild(QPushButton, "outboxStatus")
    qtbot.waitUntil(lambda: status.text() == "Outbox 1 · 1 needs a look", timeout=3000)

    # The refused one is taken out; its timeline says so.
    select(qtbot, dialog, 0)
    assert buttons(dialog) == ["Send it again", "Do not send"]
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert [to for to, _ in shown(dialog)] == ["Wes Doe <wes@acme.test>"]
    outcomes = [
        a.outcome for a in mail_ws.leads.detail(three["failed"]).activities if a.kind == "email"
    ]
    assert outcomes == ["cancelled"]

    # The server is back; the outbox still backs off, but "Try now" sends it now, and the open
    # dialog shows that it went.
    smtp_server.start()
    select(qtbot, dialog, 0)
    assert buttons(dialog) == ["Do not send", "Try now"]
    qtbot.mouseClick(dialog.now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(smtp_server.received) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: shown(dialog) == [], timeout=5000)
    assert dialog.summary.text() == "Nothing waits: every email has been sent."
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=3000)
    assert [m["To"] for m in smtp_server.messages()] == [
        "Una Doe <una@acme.test>",
        "Wes Doe <wes@acme.test>",
    ]


def test_send_it_again_sends_a_refused_message_once_the_address_is_fixed(
    qtbot: QtBot,
    window: MainWindow,
    mail_ws: Workspace,
    smtp_server: SmtpServer,
    three: dict[str, int],
) -> None:
    mail_ws.leads.update_lead(three["failed"], {"email": "fay@acme.test"})
    dialog = open_outbox(qtbot, window)
    select(qtbot, dialog, 0)
    assert buttons(dialog) == ["Send it again", "Do not send"]
    smtp_server.start()
    qtbot.mouseClick(dialog.again_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == ""
    qtbot.waitUntil(
        lambda: "Fay Doe <fay@acme.test>" in [m["To"] for m in smtp_server.messages()],
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: "Fay Doe <fay@acme.test>" not in dict(shown(dialog)), timeout=5000)
    outcomes = [
        a.outcome for a in mail_ws.leads.detail(three["failed"]).activities if a.kind == "email"
    ]
    assert outcomes == ["sent"]
