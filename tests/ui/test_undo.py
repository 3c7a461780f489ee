"""Confirm and undo: every quick action says what it did and what comes next, and Ctrl+Z puts the
database back exactly as it was (every row of every table compared before and after). The lead's
history is the one exception, by design: it is the record of what happened, so it keeps the change
and, after it, the change back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from tests.fixtures.workspace import FakeClock
from tests.ui.helpers import (
    ctrl,
    database_rows,
    key,
    make_small_workspace,
    modal,
    url_handler,
    window_on_clock,
)

SHIFT_CTRL = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
# A Wednesday afternoon: inside business hours (09:00–17:00 UTC, Monday to Friday).
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def setup(qtbot: QtBot, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "undo.sqlite3"
    clock = FakeClock(NOW)
    make_small_workspace(path, clock, NOW)
    window = window_on_clock(qtbot, path, clock)
    yield path, window, clock
    window.workspace.close()


def message(window: QWidget) -> str:
    bar = window.findChild(QWidget, "undoBar")
    assert bar.isVisible(), "a quick action shows what it did"
    return bar.findChild(QLabel, "undoMessage").text()


def state(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the lead history (see history_changed_back) and the call
    markers (who is on the phone right now: a call that ended is not undone by taking back what
    it logged)."""
    rows = database_rows(path)
    rows.pop("lead_history")
    rows.pop("call_markers")
    return rows


def history(path: Path) -> list[tuple[int, str, str | None, str | None]]:
    with sqlite3.connect(path) as con:
        return con.execute(
            "SELECT lead_id, field, old_value, new_value FROM lead_history ORDER BY id"
        ).fetchall()


def history_changed_back(before: list[tuple[int, str, str | None, str | None]], path: Path) -> None:
    """What the action and its undo added to the history: each field changed, then changed back
    to exactly what it was."""
    added = history(path)[len(before) :]
    fields: dict[tuple[int, str], list[tuple[str | None, str | None]]] = {}
    for lead_id, field, old, new in added:
        fields.setdefault((lead_id, field), []).append((old, new))
    for (lead_id, field), changes in fields.items():
        assert changes[0][0] == changes[-1][1], f"lead {lead_id}'s {field} is not back: {changes}"
        assert len(changes) % 2 == 0, f"lead {lead_id}'s {field}: a change without its undo"


def undo_restores(
    qtbot: QtBot, path: Path, window: QWidget, act: Callable[[], None], expected: str
) -> str:
    before, history_before = state(path), history(path)
    act()
    qtbot.waitUntil(lambda: state(path) != before, timeout=5000)
    said = message(window)
    assert said.startswith(expected), said
    window.activateWindow()  # a closed dialog gives the window back (as a desktop does)
    qtbot.waitUntil(window.isActiveWindow)
    ctrl(window, Qt.Key.Key_Z)
    assert state(path) == before
    history_changed_back(history_before, path)
    assert message(window).startswith("Undone: ")
    return said


def inbox(window: QWidget, row: int = 0) -> QTableView:
    window.show_page("inbox")
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(row)
    table.setFocus()
    return table


def today(window: QWidget) -> QTableView:
    ctrl(window, Qt.Key.Key_2)
    table = window.findChild(QTableView, "todayList")
    page = window.pages["today"]
    first = next(i for i in range(page.model.rowCount()) if page.model.row_at(i) is not None)
    table.selectRow(first)
    table.setFocus()
    return table


def test_d_with_an_outcome_says_what_comes_next_and_undoes(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, _clock = setup
    table = today(window)

    def act() -> None:
        key(window, Qt.Key.Key_D)
        key(window, Qt.Key.Key_2)  # voicemail

    said = undo_restores(qtbot, path, window, act, "Voicemail logged · next ")
    assert table.isVisible()
    assert " call " in said or " email " in said


def test_s_snooze_and_shift_s_undo(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, _clock = setup
    today(window)
    undo_restores(qtbot, path, window, lambda: key(window, Qt.Key.Key_S), "Snoozed 1 h · next ")
    today(window)
    undo_restores(
        qtbot,
        path,
        window,
        lambda: key(window, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier),
        "Moved to the next business morning · next ",
    )


def test_r_reschedule_undoes(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, _clock = setup
    today(window)

    def act() -> None:
        key(window, Qt.Key.Key_R)
        dialog = modal(qtbot, "rescheduleDialog")
        edit = dialog.findChild(QWidget, "rescheduleEdit")
        edit.setFocus()
        key(dialog, Qt.Key.Key_Up)  # the first section (the day) one later
        key(dialog, Qt.Key.Key_Return)

    undo_restores(qtbot, path, window, act, "Rescheduled · next ")


def test_drag_in_the_week_view_undoes(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, _clock = setup
    ctrl(window, Qt.Key.Key_3)
    page = window.pages["calendar"]
    page.set_mode("week")
    week = page.week
    shown = [
        week.block_rect(r.id)
        for r in window.workspace.followups.list("all")
        if week.block_rect(r.id) is not None
    ]
    assert shown, "this week's steps are in the week view"
    rect = shown[0]

    def act() -> None:
        start = rect.center().toPoint()
        qtbot.mousePress(week, Qt.MouseButton.LeftButton, pos=start)
        end = start + QPoint(int(week.day_width()), int(week.hour_height()))
        for i in range(1, 6):
            qtbot.mouseMove(week, start + (end - start) * i / 5)
        qtbot.mouseRelease(week, Qt.MouseButton.LeftButton, pos=end)

    undo_restores(qtbot, path, window, act, "Rescheduled · next ")


def test_status_change_won_lost_assign_and_edit_undo(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, _clock = setup

    def status() -> None:
        box = window.pages["inbox"].detail.status_box
        box.setFocus()
        key(window, Qt.Key.Key_Down)  # new → contacted

    inbox(window)
    undo_restores(qtbot, path, window, status, "Status set to Contacted")
    inbox(window)
    said = undo_restores(
        qtbot, path, window, lambda: key(window, Qt.Key.Key_W, SHIFT_CTRL), "Marked won"
    )
    assert said.endswith("closed, no further steps")

    def lost() -> None:
        key(window, Qt.Key.Key_L, SHIFT_CTRL)
        dialog = modal(qtbot, "lostReasonDialog")
        key(dialog, Qt.Key.Key_Return)  # no reason: asked again, nothing saved
        assert dialog.isVisible()
        qtbot.keyClicks(dialog.findChild(QComboBox, "lostReason").lineEdit(), "Chose a friend")
        key(dialog, Qt.Key.Key_Return)

    inbox(window)
    undo_restores(qtbot, path, window, lost, "Marked lost (Chose a friend)")

    def assign() -> None:
        key(window, Qt.Key.Key_A, SHIFT_CTRL)
        dialog = modal(qtbot, "assignDialog")
        key(dialog, Qt.Key.Key_Down)  # Nobody → Priya Shah
        key(dialog, Qt.Key.Key_Return)

    inbox(window)
    undo_restores(qtbot, path, window, assign, "Assigned to Priya Shah")

    def edit() -> None:
        ctrl(window, Qt.Key.Key_E)
        dialog = modal(qtbot, "leadEditDialog")
        company = dialog.findChild(QLineEdit, "edit_company")
        company.setFocus()
        company.selectAll()
        qtbot.keyClicks(company, "Renamed Ltd")
        key(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    inbox(window)
    undo_restores(qtbot, path, window, edit, "Edited company")


def test_a_logged_call_a_note_and_a_new_lead_undo(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, _clock = setup
    inbox(window)
    with url_handler("tel"):

        def call() -> None:
            key(window, Qt.Key.Key_C, SHIFT_CTRL)
            key(modal(qtbot, "callOutcomeDialog"), Qt.Key.Key_3)  # no answer

        undo_restores(qtbot, path, window, call, "No answer logged · next ")

    def note() -> None:
        key(window, Qt.Key.Key_N, SHIFT_CTRL)
        dialog = modal(qtbot, "noteDialog")
        qtbot.keyClicks(dialog.findChild(QWidget, "noteText"), "Prefers mornings")
        key(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    inbox(window)
    undo_restores(qtbot, path, window, note, "Note added")

    def new_lead() -> None:
        ctrl(window, Qt.Key.Key_N)
        dialog = modal(qtbot, "newLeadDialog")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "edit_first_name"), "Walk")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "edit_phone"), "614 555 0139")
        key(dialog, Qt.Key.Key_Return)

    inbox(window)
    undo_restores(qtbot, path, window, new_lead, "Walk added · next call")


def test_the_end_of_a_call_undoes_in_one_step(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, _clock = setup
    inbox(window)
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)

    def end_call() -> None:
        key(window, Qt.Key.Key_Escape)
        key(window, Qt.Key.Key_2)  # voicemail

    undo_restores(qtbot, path, window, end_call, "Voicemail logged · next ")


def test_an_undo_never_reaches_under_a_later_change(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, _clock = setup
    inbox(window)
    lead_id = window.pages["inbox"].detail.lead_id
    key(window, Qt.Key.Key_W, SHIFT_CTRL)  # won …
    window.workspace.leads.add_note(
        lead_id, "written elsewhere"
    )  # … then changed outside the stack
    after = database_rows(path)
    ctrl(window, Qt.Key.Key_Z)
    assert database_rows(path) == after  # nothing undone underneath the later note
    assert "cannot be undone" in message(window)


def test_snooze_after_hours_lands_in_business_hours(setup, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    path, window, clock = setup
    clock.now = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)  # Friday, half an hour before closing
    table = today(window)
    page = window.pages["today"]
    step = page.current_row()
    below = next(
        (
            page.model.row_at(i)
            for i in range(table.currentIndex().row() + 1, page.model.rowCount())
            if page.model.row_at(i) is not None
        ),
        None,
    )
    key(window, Qt.Key.Key_S)
    moved = next(r for r in window.workspace.followups.list("all") if r.id == step.id)
    assert moved.due_at == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Monday's opening
    # Like D, S moves the selection on to the next step.
    if below is not None:
        assert page.current_row().id == below.id
