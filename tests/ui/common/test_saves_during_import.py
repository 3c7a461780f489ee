"""Every save the window makes while another process's import holds SQLite's write lock waits in
the save queue and is made once, in order, when the import commits: the edit dialog (edit and new
lead), the call-script panel's call and answers, won, Undo (Ctrl+Z takes back a change that still
waits), and closing the window with changes waiting (issue 19.4)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from repdesk.services.followups.step_queries import FollowUpRow
from repdesk.ui.followups.today_page import TodayPage
from tests.ui.common.import_lock import (
    LockedWindow,
    import_holds_the_lock,
    rows,
    the_queue,
    waiting_label,
)
from tests.ui.helpers import ctrl, key, modal, open_window
from tests.ui.script.test_script_panel import make_db, press, start_script


def today_step(
    qtbot: QtBot, window: QWidget, index: Callable[[TodayPage], int]
) -> tuple[TodayPage, int, FollowUpRow]:
    """The Today page shown, and the step `index` picks of its rows."""
    window.show_page("today")  # type: ignore[attr-defined]
    page: TodayPage = window.pages["today"]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    row = index(page)
    step = page.model.row_at(row)
    assert isinstance(step, FollowUpRow)
    return page, row, step


def test_an_edit_saved_during_an_import_is_written_once_when_it_finishes(
    qtbot: QtBot, demo_window: LockedWindow
) -> None:
    window, queue = demo_window.window, demo_window.queue
    table, lead_id = demo_window.first_lead()
    with demo_window.import_holds_the_lock():
        ctrl(window, Qt.Key.Key_E)
        dialog = modal(qtbot, "leadEditDialog")
        company = dialog.findChild(QLineEdit, "edit_company")
        company.setFocus()
        company.selectAll()
        qtbot.keyClicks(company, "Queued Works")
        key(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)  # the rep goes on working
        assert queue.waiting == 1
        assert waiting_label(window).text() == (
            "Saving when the import finishes (1 change waiting)"
        )
        table.selectRow(1)  # another lead is shown while the edit waits
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    assert demo_window.rows("SELECT company FROM leads WHERE id = ?", lead_id) == [
        ("Queued Works",)
    ]
    edits = demo_window.rows(
        "SELECT count(*) FROM activities WHERE lead_id = ? AND kind = 'edit'", lead_id
    )
    assert edits == [(1,)]
    assert window.statusBar().currentMessage() == "The import finished; 1 change saved."
    assert not waiting_label(window).isVisible()


def test_a_new_lead_added_during_an_import_is_added_once(
    qtbot: QtBot, demo_window: LockedWindow
) -> None:
    window, queue = demo_window.window, demo_window.queue
    with demo_window.import_holds_the_lock():
        ctrl(window, Qt.Key.Key_N)
        dialog = modal(qtbot, "newLeadDialog")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "edit_first_name"), "Walkin")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "edit_last_name"), "Queuedsson")
        key(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
        assert queue.waiting == 1
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    added = demo_window.rows("SELECT id FROM leads WHERE last_name = 'Queuedsson'")
    assert len(added) == 1
    detail = window.pages["inbox"].detail
    qtbot.waitUntil(lambda: detail.lead_id == added[0][0], timeout=5000)  # shown once added


def test_the_call_scripts_call_waits_for_the_import_and_is_logged_once(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url, lead_id = make_db(tmp_path)
    path = tmp_path / "panel.sqlite3"
    window = open_window(qtbot, url)
    queue = the_queue(window)
    start_script(qtbot, window)
    with import_holds_the_lock(path):
        press(qtbot, Qt.Key.Key_Y)  # need: yes (its autosave waits, the panel goes on)
        shown = window.findChild(QLabel, "scriptQuestion").text()
        assert shown and not shown.startswith("Is there a real problem")  # the next question
        press(qtbot, Qt.Key.Key_Escape)  # end the call
        press(qtbot, Qt.Key.Key_2)  # voicemail
        assert queue.waiting >= 1
        result = window.findChild(QLabel, "scriptNextSteps").text()
        assert "when the import finishes" in result
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    calls = rows(
        path,
        "SELECT outcome FROM activities WHERE lead_id = ? AND kind = 'call'",
        lead_id,
    )
    assert calls == [("voicemail",)]
    drafts = rows(path, "SELECT answers FROM qualifications WHERE lead_id = ?", lead_id)
    assert len(drafts) == 1 and "need" in str(drafts[0][0])
    assert "draft" in window.findChild(QLabel, "scriptNextSteps").text()


def test_won_and_then_ctrl_z_during_an_import_take_effect_in_order(
    qtbot: QtBot, demo_window: LockedWindow
) -> None:
    window, queue = demo_window.window, demo_window.queue
    _table, lead_id = demo_window.first_lead()

    def status() -> list[tuple[object, ...]]:
        return demo_window.rows("SELECT status FROM leads WHERE id = ?", lead_id)

    (before,) = status()
    with demo_window.import_holds_the_lock():
        key(
            window,
            Qt.Key.Key_W,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert queue.waiting == 1
        ctrl(window, Qt.Key.Key_Z)  # takes back the change that still waits: nothing is written
        assert queue.waiting == 0
        assert "not saved" in window.findChild(QLabel, "undoMessage").text()
    qtbot.wait(600)
    assert status() == [before]
    with demo_window.import_holds_the_lock():
        key(
            window,
            Qt.Key.Key_W,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    assert status() == [("won",)]
    with demo_window.import_holds_the_lock():
        ctrl(window, Qt.Key.Key_Z)  # the undo of a saved change waits for the import too
        assert queue.waiting == 1
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    assert status() == [before]
    assert window.findChild(QLabel, "undoMessage").text().startswith("Undone:")


def test_closing_the_window_with_changes_waiting_waits_for_them(
    qtbot: QtBot, demo_window: LockedWindow
) -> None:
    window = demo_window.window
    page, index, step = today_step(
        qtbot,
        window,
        lambda page: next(
            i
            for i in range(page.model.rowCount())
            if getattr(page.model.row_at(i), "kind", "") == "call"
        ),
    )
    with demo_window.import_holds_the_lock():
        page.table.selectRow(index)
        qtbot.keyClick(page.table, Qt.Key.Key_D)
        qtbot.keyClick(page.table, Qt.Key.Key_2)  # voicemail
        assert the_queue(window).waiting == 1
        window.close()
        assert window.isVisible()  # not closed: the change would be lost
        assert waiting_label(window).text() == (
            "Closing when the import finishes (1 change waiting)"
        )
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
    assert demo_window.rows("SELECT status FROM follow_ups WHERE id = ?", step.id) == [("done",)]


def test_the_call_script_started_during_an_import_opens_when_it_finishes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url, lead_id = make_db(tmp_path)
    path = tmp_path / "panel.sqlite3"
    window = open_window(qtbot, url)
    with import_holds_the_lock(path):
        panel = start_script(qtbot, window)  # Ctrl+K: opening claims the lead, a write
        title = panel.findChild(QLabel, "scriptResultTitle")
        assert "opens when the import finishes" in title.text()
    question = panel.findChild(QLabel, "scriptQuestion")
    qtbot.waitUntil(lambda: question.isVisible(), timeout=15_000)
    assert question.text().startswith("Is there a real problem to solve?")
    assert panel.run is not None and panel.run.lead_id == lead_id


def test_a_second_close_while_changes_wait_asks_before_losing_them(
    qtbot: QtBot, demo_window: LockedWindow
) -> None:
    window = demo_window.window
    page, _index, step = today_step(qtbot, window, lambda _page: 1)
    before = demo_window.rows("SELECT due_at FROM follow_ups WHERE id = ?", step.id)
    asked: list[str] = []

    def answer_no() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    with demo_window.import_holds_the_lock():
        page.table.selectRow(1)
        qtbot.keyClick(page.table, Qt.Key.Key_S)  # snooze 1 h
        assert the_queue(window).waiting == 1
        window.close()
        QTimer.singleShot(300, answer_no)
        window.close()  # again: the rep is asked, says No, and the window stays
        assert asked == ["1 change still waits for the import to finish. Close now and lose it?"]
        assert window.isVisible()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
    after = demo_window.rows("SELECT due_at FROM follow_ups WHERE id = ?", step.id)
    assert before and after != before  # snoozed once the import was done
