"""Email pages driven like a user: D on an email step sends its template and completes the step
when the server accepts; a stop request is one key (and undoable); the Templates page previews
live; Settings → Email tests the login before it saves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTableView, QTabWidget
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace
from repdesk.store.models import FollowUpRecord
from repdesk.ui.email.composer import EmailComposerDialog
from repdesk.ui.email.email_settings import EmailSettingsPanel
from repdesk.ui.shell.main_window import MainWindow
from tests.fixtures.mail import add_account, add_lead
from tests.fixtures.smtp import SmtpServer
from tests.services.email import samples

pytestmark = pytest.mark.integration


@pytest.fixture
def window(qtbot: QtBot, mail_ws: Workspace, smtp_server: SmtpServer) -> Iterator[MainWindow]:
    add_account(mail_ws, smtp_server)
    win = MainWindow(mail_ws)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    win.outbox_sender.timer.setInterval(100)
    yield win
    win.close()


def open_composer(qtbot: QtBot) -> EmailComposerDialog:
    def found() -> list[EmailComposerDialog]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, EmailComposerDialog) and w.isVisible()
        ]

    qtbot.waitUntil(lambda: bool(found()), timeout=3000)
    dialog = found()[0]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.body, timeout=3000)
    return dialog


def test_d_on_an_email_step_sends_its_template_and_completes_the_step(
    qtbot: QtBot, window: MainWindow, mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    lead_id = add_lead(mail_ws)
    (call,) = mail_ws.followups.list(lead_id=lead_id)
    mail_ws.followups.complete(call.id, outcome="no_answer")
    (step,) = mail_ws.followups.list(lead_id=lead_id)
    assert step.kind == "email"
    window.show_page("today")
    today = window.findChild(QTableView, "todayList")
    model = window.pages["today"].model
    qtbot.waitUntil(lambda: [row.id for row in model.rows()] == [step.id])
    today.selectRow(model.row_of(step.id))  # under its group's heading
    today.setFocus()
    qtbot.keyClick(today, Qt.Key.Key_D)
    dialog = open_composer(qtbot)
    assert dialog.template.currentData() == "first_reply"
    qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)

    def step_done() -> bool:
        with mail_ws.sessions() as session:
            record = session.get(FollowUpRecord, step.id)
            return record is not None and record.status == "done"

    qtbot.waitUntil(step_done, timeout=5000)
    (nxt,) = mail_ws.followups.list(lead_id=lead_id)
    assert nxt.note == "Second call attempt."


def test_a_stop_request_is_one_key_and_can_be_undone(
    qtbot: QtBot, window: MainWindow, mail_ws: Workspace
) -> None:
    lead_id = add_lead(mail_ws)
    mail_ws.outbox.queue(mail_ws.drafts.draft(lead_id))
    qtbot.waitUntil(lambda: mail_ws.outbox.counts() == (0, 0), timeout=10_000)
    filer = mail_ws.sources.mail_back
    assert filer is not None
    raw = samples.outlook_reply_without_thread_headers("Please stop emailing me.")
    with mail_ws.sessions.begin() as session:
        claim = filer.claim(raw)
        assert claim is not None
        filer.file(session, [claim])
    inbox = window.pages["inbox"]
    inbox.reload()
    inbox.table.selectRow(0)
    bar = inbox.detail.stop_bar
    qtbot.waitUntil(bar.isVisible)
    inbox.table.setFocus()
    qtbot.keyClick(
        inbox.table,
        Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: mail_ws.leads.detail(lead_id).lead.do_not_contact)
    undo = bar.findChild(QPushButton, "stopRequestButton")
    assert undo.text() == "Undo" and "Marked do not contact" in bar.text.text()
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not mail_ws.leads.detail(lead_id).lead.do_not_contact)
    assert mail_ws.followups.list(lead_id=lead_id)  # the step is back


def test_the_templates_page_previews_as_you_type(
    qtbot: QtBot, window: MainWindow, mail_ws: Workspace
) -> None:
    add_lead(mail_ws, company="")
    window.show_page("templates")
    page = window.pages["templates"]
    qtbot.waitUntil(lambda: page.lead_box.count() == 1)
    page.subject.clear()
    qtbot.keyClicks(page.subject, "Hello {first_name} from {company}")
    qtbot.waitUntil(lambda: page.preview_subject.text() == "Hello Jane from {company}")
    assert "no value for {company}" in page.preview_note.text()
    qtbot.keyClicks(page.subject, " {oops}")
    qtbot.waitUntil(lambda: "unknown placeholder {oops}" in page.preview_note.text())
    qtbot.keyClick(page.save_button, Qt.Key.Key_Space)
    assert "unknown placeholder {oops}" in page.error.text()
    page.subject.setText("Hello {first_name}")
    qtbot.keyClick(page.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert mail_ws.templates.pick("first_reply", "").subject == "Hello {first_name}"


def test_settings_email_tests_the_login_before_saving(
    qtbot: QtBot, window: MainWindow, mail_ws: Workspace, smtp_server: SmtpServer
) -> None:
    for account in mail_ws.accounts.list_accounts():
        mail_ws.accounts.remove(account.id)
    window.show_page("settings")
    tabs = window.findChild(QTabWidget, "settingsTabs")
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Email")
    tabs.setCurrentIndex(index)
    panel = window.findChild(EmailSettingsPanel, "emailSettings")
    assert "No outgoing account yet" in panel.current.text()
    for edit, text in (
        (panel.name, "Sam Ortiz"),
        (panel.address, "sam@shop.test"),
        (panel.host, smtp_server.host),
        (panel.user, smtp_server.user),
        (panel.password, "wrong"),
        (panel.ca_file, str(smtp_server.cert)),
    ):
        qtbot.keyClicks(edit, text)
    panel.port.setValue(smtp_server.port)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused the login" in panel.error.text(), timeout=10_000)
    assert mail_ws.accounts.list_accounts() == []
    panel.password.setText(smtp_server.password)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Sending as Sam Ortiz" in panel.current.text(), timeout=10_000)
    assert panel.password.text() == "" and len(mail_ws.accounts.list_accounts()) == 1
