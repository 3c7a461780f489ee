"""The window's less frequent writes while an import holds SQLite's write lock (issue 19's
follow-up): Templates, Settings, Reps, Sources, the duplicates merge and the lead pane's form
mapping wait in the save queue like the frequent ones (Ctrl+Z drops one still waiting); an
email's Send and Undo import, which must not wait, are refused at once with one true sentence
naming whose import it is."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from repdesk.app import Workspace
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import OTHER_IMPORT, OWN_IMPORT
from repdesk.ui.common.actions import ActionId
from repdesk.ui.common.save_queue import DROPPED, WAITING
from repdesk.ui.email.composer import EmailComposerDialog, open_composer
from repdesk.ui.imports.duplicates_dialog import DuplicatesDialog
from repdesk.ui.settings.settings_page import GeneralSettingsPanel
from repdesk.ui.shell.main_window import MainWindow
from repdesk.ui.shell.pages import email_services
from repdesk.ui.sources.sources_panel import SourcesPanel
from repdesk.ui.team.reps_panel import RepsPanel
from tests.fixtures.mail import add_account, add_lead
from tests.fixtures.smtp import SmtpServer
from tests.ui.common.import_lock import LockedWindow, import_holds_the_lock, rows, the_queue
from tests.ui.helpers import ctrl, modal, open_window

SAMPLES = Path(__file__).resolve().parents[2] / "formats" / "data"
Panel = TypeVar("Panel", bound=QWidget)


def click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def settings_panel(qtbot: QtBot, window: MainWindow, label: str, kind: type[Panel]) -> Panel:
    """Settings, on the tab called `label`: its panel."""
    window.show_page("settings")
    tabs = window.findChild(QTabWidget, "settingsTabs")
    qtbot.waitUntil(lambda: tabs.count() > 0)
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == label))
    panel = window.pages["settings"].findChild(kind)
    assert isinstance(panel, kind)
    return panel


def answer_box(qtbot: QtBot, said: list[str]) -> None:
    """The next message box: what it says is kept, and it is closed with its default answer."""

    def close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, close)
            return
        said.append(box.text())
        box.reject()

    QTimer.singleShot(50, close)


def test_a_template_saved_during_an_import_waits_and_ctrl_z_drops_it(
    qtbot: QtBot, demo_window: LockedWindow
) -> None:
    window, queue = demo_window.window, demo_window.queue
    window.show_page("templates")
    page = window.pages["templates"]
    templates = page.findChild(QListWidget, "templateList")
    subject = page.findChild(QLineEdit, "templateSubject")
    error = page.findChild(QLabel, "templateError")
    qtbot.waitUntil(lambda: bool(subject.text()))

    def subjects() -> list[tuple[object, ...]]:
        return demo_window.rows(
            "SELECT count(*) FROM email_templates WHERE subject = 'Waited for the import'"
        )

    with demo_window.import_holds_the_lock():
        subject.setFocus()
        subject.selectAll()
        qtbot.keyClicks(subject, "Waited for the import")
        ctrl(window, Qt.Key.Key_S)
        assert queue.waiting == 1 and error.text() == WAITING
        templates.setFocus()
        ctrl(window, Qt.Key.Key_Z)  # taken back while it waits: never written
        assert queue.waiting == 0
        assert error.text() == DROPPED
        subject.setFocus()
        ctrl(window, Qt.Key.Key_S)
        assert queue.waiting == 1
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    assert subjects() == [(1,)]
    assert error.text() == "Saved."


def test_settings_saved_during_an_import_are_saved_when_it_finishes(
    qtbot: QtBot, demo_window: LockedWindow
) -> None:
    window, queue = demo_window.window, demo_window.queue
    general = settings_panel(qtbot, window, "General", GeneralSettingsPanel)
    with demo_window.import_holds_the_lock():
        general.target.setValue(17)
        click(qtbot, general.save_button)
        assert queue.waiting == 1 and general.error.text() == WAITING
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    stored = demo_window.rows("SELECT value FROM settings WHERE key = 'response_target_minutes'")
    assert stored == [(17,)]


def test_a_rep_added_during_an_import_is_added_once_when_it_finishes(
    qtbot: QtBot, demo_window: LockedWindow
) -> None:
    window, queue = demo_window.window, demo_window.queue
    panel = settings_panel(qtbot, window, "Reps and capacity", RepsPanel)
    with demo_window.import_holds_the_lock():
        click(qtbot, panel.add_button)
        dialog = panel.current_dialog
        assert dialog is not None
        qtbot.waitExposed(dialog)
        qtbot.keyClicks(dialog.name, "Quinn Waits")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Save
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)  # the rep goes on
        assert queue.waiting == 1
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    assert demo_window.rows("SELECT count(*) FROM reps WHERE name = 'Quinn Waits'") == [(1,)]
    names = [panel.model.rep_at(r).name for r in range(panel.model.rowCount())]  # type: ignore[union-attr]
    assert "Quinn Waits" in names


def test_a_source_removed_during_an_import_is_removed_when_it_finishes(
    qtbot: QtBot, demo_window: LockedWindow, tmp_path: Path
) -> None:
    window, queue = demo_window.window, demo_window.queue
    (tmp_path / "drop").mkdir()
    window.workspace.sources.add_folder(str(tmp_path / "drop"))
    panel = settings_panel(qtbot, window, "Inquiry sources", SourcesPanel)
    panel.reload()
    table = panel.findChild(QTableWidget, "sourcesTable")
    assert table.rowCount() == 1
    with demo_window.import_holds_the_lock():
        table.selectRow(0)
        click(qtbot, panel.findChild(QPushButton, "removeSourceButton"))
        assert queue.waiting == 1
        assert panel.findChild(QLabel, "sourcesStatus").text() == WAITING
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    assert demo_window.rows("SELECT count(*) FROM sources WHERE kind = 'folder'") == [(0,)]
    assert table.rowCount() == 0


@pytest.fixture
def duplicates_window(qtbot: QtBot, tmp_path: Path) -> LockedWindow:
    path = tmp_path / "w.sqlite3"
    window = open_window(qtbot, path)
    window.workspace.imports.import_files([SAMPLES / "hubspot_contacts_companies.csv"])  # type: ignore[attr-defined]
    return LockedWindow(path, window)  # type: ignore[arg-type]


def test_a_merge_during_an_import_waits_and_ctrl_z_drops_it(
    qtbot: QtBot, duplicates_window: LockedWindow
) -> None:
    window, queue = duplicates_window.window, duplicates_window.queue

    def leads() -> int:
        return int(window.workspace.leads.count())

    window.file_actions.review_duplicates()
    dialog = modal(qtbot, "duplicatesDialog")
    assert isinstance(dialog, DuplicatesDialog)
    table = dialog.findChild(QTableWidget, "duplicatesTable")
    message = dialog.findChild(QLabel, "duplicatesMessage")
    assert table.rowCount() == 1 and leads() == 7
    with duplicates_window.import_holds_the_lock():
        click(qtbot, dialog.merge_button)
        assert queue.waiting == 1 and message.text() == WAITING
        assert not dialog.merge_button.isEnabled()  # not merged twice
        qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert queue.waiting == 0
        assert message.text() == DROPPED
        click(qtbot, dialog.merge_button)
        assert queue.waiting == 1
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    assert leads() == 6 and table.rowCount() == 0
    assert message.text().startswith("Merged")


def test_a_form_mapped_on_the_pane_during_an_import_is_mapped_when_it_finishes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from repdesk.formats.form_email import parse_form_email
    from repdesk.ui.script.form_mapping_dialog import FormMappingDialog
    from tests.services.script.test_form_arrivals import mail

    path = tmp_path / "w.sqlite3"
    window = open_window(qtbot, path)
    body = (
        "--- Name ---\n\nIda Berg\n\n--- Email ---\n\nida@berg.test\n\n--- Kick-off ---\n\n"
        "This month\n\n---\nSent from WPForms\n"
    )
    raw = mail(body, sender="Site <noreply@berg.test>", subject="New Entry")
    window.workspace.imports.import_parsed([parse_form_email(raw).lead], "mailbox")  # type: ignore[attr-defined]
    inbox = window.pages["inbox"]  # type: ignore[attr-defined]
    inbox.apply_changes(Changes(leads=True))
    table = window.findChild(QTableView, "leadTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 1)
    table.selectRow(0)
    detail = inbox.detail
    qtbot.waitUntil(detail.offer_bar.isVisible)
    lead_id = detail.lead_id

    def map_kick_off() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FormMappingDialog):
            QTimer.singleShot(50, map_kick_off)
            return
        box = dialog.choices["Kick-off"]
        box.setCurrentIndex(box.findData("timeline"))
        dialog.accept()

    queue = the_queue(window)
    with import_holds_the_lock(path):
        QTimer.singleShot(50, map_kick_off)
        click(qtbot, detail.offer_bar.findChild(QPushButton, "mapFormFields"))
        assert queue.waiting == 1
        assert not detail.offer_bar.isVisible()  # not offered twice while it waits
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    got = window.workspace.form_answers.latest(lead_id)  # type: ignore[attr-defined]
    assert got is not None and got.answers == {"timeline": "this_month"}
    assert not detail.offer_bar.isVisible()  # mapped: offered once


def test_undo_import_during_another_programs_import_says_so_and_changes_nothing(
    qtbot: QtBot, duplicates_window: LockedWindow
) -> None:
    window = duplicates_window.window
    said: list[str] = []
    with duplicates_window.import_holds_the_lock():
        answer_box(qtbot, said)
        window.actions_[ActionId.UNDO_IMPORT].trigger()
        qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said == [OTHER_IMPORT]
    assert window.workspace.leads.count() == 7


@pytest.fixture
def own_import(duplicates_window: LockedWindow) -> Iterator[threading.Event]:
    """This program's own import holds the write lock (in its transaction) until the event."""
    workspace = duplicates_window.window.workspace
    release, held = threading.Event(), threading.Event()
    arrivals = list(workspace.imports.open(SAMPLES / "hubspot_contacts.csv").rows())

    def wait(_session: Session) -> None:
        held.set()
        release.wait(30)

    thread = threading.Thread(
        target=lambda: workspace.imports.import_parsed(arrivals, "mailbox test", also=wait)
    )
    thread.start()
    assert held.wait(10) and workspace.imports.importing_here()
    try:
        yield release
    finally:
        release.set()
        thread.join(30)


def test_undo_import_during_this_programs_own_import_names_it(
    qtbot: QtBot, duplicates_window: LockedWindow, own_import: threading.Event
) -> None:
    window = duplicates_window.window
    said: list[str] = []
    answer_box(qtbot, said)
    window.actions_[ActionId.UNDO_IMPORT].trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said == [OWN_IMPORT]
    own_import.set()
    assert window.workspace.leads.count() >= 7  # nothing undone


@pytest.mark.integration
def test_send_during_an_import_is_refused_at_once_and_sends_after_it(
    qtbot: QtBot, mail_ws: Workspace, smtp_server: SmtpServer, sqlite_url: str, tmp_path: Path
) -> None:
    add_account(mail_ws, smtp_server)
    lead_id = add_lead(mail_ws)
    window = MainWindow(mail_ws)
    qtbot.addWidget(window)
    window.show()
    window.outbox_sender.timer.setInterval(100)
    dialog = open_composer(window.pages["inbox"], email_services(mail_ws.services), lead_id)
    assert isinstance(dialog, EmailComposerDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.body, timeout=3000)
    path = tmp_path / "test.sqlite3"
    with import_holds_the_lock(path):
        qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert dialog.findChild(QLabel, "composerProblem").text() == OTHER_IMPORT
        assert dialog.isVisible()  # what the rep wrote is still here
    assert rows(path, "SELECT count(*) FROM outbox") == [(0,)]
    assert rows(path, "SELECT count(*) FROM activities WHERE kind = 'email'") == [(0,)]
    qtbot.keyClick(dialog.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)
    window.close()
