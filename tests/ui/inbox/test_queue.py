"""The queue keeps moving: after a call the next lead in the queue is in focus and the layout is
back as it was; one key goes on to the next lead's script; the call note goes with the call; and
ten leads in a row can be worked by keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.helpers import (
    copy_demo,
    ctrl,
    database_rows,
    focused,
    key,
    open_window,
    selected_lead_id,
)

SHIFT_CTRL = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier


def _calls(window: QWidget, lead_id: int) -> list:  # type: ignore[type-arg]
    return [a for a in window.workspace.leads.detail(lead_id).activities if a.kind == "call"]


def test_after_end_call_the_next_lead_is_in_focus_and_the_layout_is_back(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    inbox = window.pages["inbox"]
    table = window.findChild(QTableView, "leadTable")
    splitter = inbox.findChild(QSplitter)
    table.selectRow(0)
    table.setFocus()
    called, following = table.model().lead_at(0), table.model().lead_at(1)
    sizes = splitter.sizes()
    columns = [table.isColumnHidden(c) for c in range(table.model().columnCount())]
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    assert table.isColumnHidden(4)  # the call's narrow list
    key(window, Qt.Key.Key_Escape)
    key(window, Qt.Key.Key_2)  # voicemail
    key(window, Qt.Key.Key_Return)  # close
    qtbot.waitUntil(lambda: not panel.isVisible())
    assert inbox.detail.lead_id == following.id != called.id
    assert splitter.sizes()[:2] == sizes[:2]
    assert [table.isColumnHidden(c) for c in range(table.model().columnCount())] == columns
    assert focused() is table


def test_next_lead_key_goes_on_to_the_next_script(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    table.setFocus()
    following = table.model().lead_at(1)
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    key(window, Qt.Key.Key_K, SHIFT_CTRL)  # during the questions: not yet, says why
    assert "end the call" in panel.findChild(QLabel, "scriptPinned").text()
    key(window, Qt.Key.Key_Escape)
    key(window, Qt.Key.Key_3)  # no answer
    key(window, Qt.Key.Key_K, SHIFT_CTRL)
    qtbot.waitUntil(lambda: panel.isVisible() and panel.run.lead_id == following.id)


def test_the_call_note_goes_with_the_call(qtbot: QtBot, demo_db: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    table.setFocus()
    lead = table.model().lead_at(0)
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    key(window, Qt.Key.Key_N, SHIFT_CTRL)
    note = panel.findChild(QWidget, "callNote")
    assert focused() is note
    qtbot.keyClicks(note, "Calls back after lunch")
    key(window, Qt.Key.Key_Escape)  # out of the note, back to the question
    assert focused() is not note
    key(window, Qt.Key.Key_Escape)
    key(window, Qt.Key.Key_1)  # connected
    assert _calls(window, lead.id)[0].body == "Calls back after lunch"


def _state(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row but the lead history (it records the slip and its undo, by design) and the call
    markers (who is on the phone now)."""
    rows = database_rows(path)
    rows.pop("lead_history")
    rows.pop("call_markers")
    return rows


@pytest.mark.parametrize("size", [(1400, 900), (1024, 640)])
def test_ten_leads_in_a_row_by_keyboard_alone(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    """The Done-when walk: call, script, outcome, next — ten times, keys to the window only,
    never losing the place (the highlighted row, the pane and the call panel mean one lead),
    never logging a call that did not happen (one mistaken start discarded), and a slip (the
    wrong outcome) undone exactly by Ctrl+Z before the right one is logged."""
    path = copy_demo(demo_db, tmp_path)
    window = open_window(qtbot, path, size)
    table = window.findChild(QTableView, "leadTable")
    panel = window.findChild(QWidget, "scriptPanel")
    inbox = window.pages["inbox"]
    qtbot.waitUntil(lambda: selected_lead_id(table) is not None)  # the first lead, pre-selected
    assert focused() is table
    worked: list[int] = []
    calls_before: dict[int, int] = {}
    ctrl(window, Qt.Key.Key_K)
    for i in range(10):
        qtbot.waitUntil(panel.isVisible)
        lead_id = panel.run.lead_id
        assert inbox.detail.lead_id == lead_id  # the pane and the panel: the same person
        assert selected_lead_id(table) == lead_id  # and the highlighted row
        assert lead_id not in worked, "the queue moved on to someone new"
        calls_before[lead_id] = len(_calls(window, lead_id))
        if i == 4:  # a mistaken start: Esc, D leaves no trace, then the call is made after all
            before = database_rows(path)
            before.pop("call_markers")  # the call open now: Discard ends it too
            key(window, Qt.Key.Key_Escape)
            key(window, Qt.Key.Key_D)
            qtbot.waitUntil(lambda: not panel.isVisible())
            after = database_rows(path)
            assert after.pop("call_markers") == [] and after == before
            assert inbox.detail.lead_id == lead_id == selected_lead_id(table)
            ctrl(window, Qt.Key.Key_K)
            qtbot.waitUntil(panel.isVisible)
        if panel.findChild(QLabel, "scriptQuestion").text().startswith("Is there a real"):
            key(window, Qt.Key.Key_Y)  # one answer, saved as a draft
        key(window, Qt.Key.Key_Escape)
        if i == 7:  # a slip: "wrong number" instead of voicemail, taken back at once
            before = _state(path)
            key(window, Qt.Key.Key_4)
            qtbot.waitUntil(lambda before=before: _state(path) != before)
            ctrl(window, Qt.Key.Key_Z)
            assert _state(path) == before, "Ctrl+Z put every row back as it was"
            assert "Undone" in window.findChild(QLabel, "undoMessage").text()
            assert inbox.detail.lead_id == lead_id == selected_lead_id(table)
            # The call panel asks again how the call went (it had said "Wrong number logged").
            assert panel.isVisible() and panel.run.lead_id == lead_id
            assert panel.findChild(QWidget, "discardCall").isVisible()
        key(window, Qt.Key.Key_3 if i % 2 else Qt.Key.Key_2)  # no answer / voicemail
        logged = calls_before[lead_id] + 1
        qtbot.waitUntil(lambda lead=lead_id, n=logged: len(_calls(window, lead)) == n)
        assert inbox.detail.lead_id == lead_id == selected_lead_id(table)  # until it moves on
        worked.append(lead_id)
        key(window, Qt.Key.Key_K, SHIFT_CTRL)  # next lead, its script
    for lead_id in worked:
        assert len(_calls(window, lead_id)) == calls_before[lead_id] + 1, "the calls made, no more"
