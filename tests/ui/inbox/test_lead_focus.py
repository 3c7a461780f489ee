"""One lead in focus: the highlighted row, the detail pane, the call panel and every shortcut mean
the same lead — after a search, during a call, and on the first screen of a fresh start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from repdesk.launch import open_for_gui
from repdesk.store.locations import resolve_url
from repdesk.ui.common.actions import LEAD_ACTIONS, ActionId
from repdesk.ui.shell.main_window import MainWindow
from tests.ui.helpers import (
    click_row,
    copy_demo,
    ctrl,
    focused,
    key,
    open_window,
    selected_lead_id,
)


def _visible_ids(table: QTableView) -> set[int]:
    model = table.model()
    return {model.lead_at(r).id for r in range(model.rowCount())}  # type: ignore[attr-defined]


def test_a_search_that_hides_the_shown_lead_moves_the_focus_and_ctrl_k_follows(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    inbox = window.pages["inbox"]
    table = window.findChild(QTableView, "leadTable")
    click_row(qtbot, table, 4)
    hidden = table.model().lead_at(4)
    assert inbox.detail.lead_id == hidden.id
    other = next(
        table.model().lead_at(r)
        for r in range(table.model().rowCount())
        if table.model().lead_at(r).last_name != hidden.last_name
    )
    search = window.findChild(QLineEdit, "inboxSearch")
    ctrl(window, Qt.Key.Key_F)
    assert focused() is search
    qtbot.keyClicks(search, other.last_name)
    qtbot.waitUntil(lambda: hidden.id not in _visible_ids(table), timeout=5000)
    # The pane shows the first lead the list still shows, and it is the highlighted one.
    shown = inbox.detail.lead_id
    assert shown is not None and shown != hidden.id and shown in _visible_ids(table)
    assert selected_lead_id(table) == shown
    table.setFocus()
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    assert panel.run.lead_id == shown != hidden.id


def test_a_search_that_finds_nobody_clears_the_pane_and_ctrl_k_does_nothing(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    inbox = window.pages["inbox"]
    table = window.findChild(QTableView, "leadTable")
    assert inbox.detail.lead_id is not None
    search = window.findChild(QLineEdit, "inboxSearch")
    qtbot.keyClicks(search, "zzqxnobodyhere")
    qtbot.waitUntil(lambda: table.model().rowCount() == 0, timeout=5000)
    assert inbox.detail.lead_id is None
    assert inbox.detail.findChild(QLabel, "emptyTitle").text() == "No lead selected"
    assert not window.actions_[ActionId.START_SCRIPT].isEnabled()
    ctrl(window, Qt.Key.Key_K)
    assert not window.findChild(QWidget, "scriptPanel").isVisible()


def test_during_a_call_another_row_moves_nothing_and_says_why(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    inbox = window.pages["inbox"]
    table = window.findChild(QTableView, "leadTable")
    click_row(qtbot, table, 0)
    caller = table.model().lead_at(0)
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    pinned = panel.findChild(QLabel, "scriptPinned")
    assert pinned.isVisible() and "stays in focus" in pinned.text()
    click_row(qtbot, table, 3)
    # Nothing moved: the row, the pane and the panel all still mean the person on the phone.
    assert selected_lead_id(table) == caller.id
    assert inbox.detail.lead_id == caller.id and panel.run.lead_id == caller.id
    assert "You are on a call with" in pinned.text()
    # ... and the keyboard is back on the question: Y answers it.
    assert panel.isAncestorOf(focused()) or focused() is panel
    asked = panel.findChild(QLabel, "scriptQuestion").text()
    key(window, Qt.Key.Key_Y)
    assert panel.findChild(QLabel, "scriptQuestion").text() != asked


def test_the_first_lead_of_a_fresh_start_can_be_worked_at_once(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    path = copy_demo(demo_db, tmp_path)
    window = MainWindow(open_for_gui(resolve_url(str(path))), defer_pages=True)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitUntil(
        lambda: window.workspace.loaded and len(window.pages) == window.navigation.count(),
        timeout=20000,
    )
    inbox = window.pages["inbox"]
    table = window.findChild(QTableView, "leadTable")
    qtbot.waitUntil(lambda: inbox.detail.lead_id is not None, timeout=5000)
    assert selected_lead_id(table) == inbox.detail.lead_id == table.model().lead_at(0).id
    for action_id in LEAD_ACTIONS:
        assert window.actions_[action_id].isEnabled(), action_id
    window.activateWindow()
    table.setFocus()
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    assert panel.run.lead_id == inbox.detail.lead_id
    QTimer.singleShot(0, QApplication.closeAllWindows)
    window.wait_for_workspace()


def test_pages_without_a_lead_grey_the_lead_menu_and_the_inbox_brings_it_back(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    call = window.actions_[ActionId.CALL_LEAD]
    assert call.isEnabled()
    ctrl(window, Qt.Key.Key_5)  # Reports
    assert not call.isEnabled()
    ctrl(window, Qt.Key.Key_4)  # All leads: its own pane, its own first lead
    assert call.isEnabled() and window.pages["leads"].detail.lead_id is not None
    ctrl(window, Qt.Key.Key_1)
    assert call.isEnabled()
