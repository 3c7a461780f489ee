"""While an import holds the workspace's write lock, the window's saves wait for it instead of
failing "locked": the status bar says "Saving when the import finishes", and each save is made,
in order, once the lock is free (issue 19.4)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from repdesk.launch import open_for_cli
from repdesk.ui import build_main_window
from repdesk.ui.common.save_queue import queue_of
from repdesk.ui.followups.today_page import TodayPage
from tests.ui.followups.test_today_page import demo_window
from tests.ui.helpers import key, modal


def status_of(path: Path, step_id: int) -> str:
    with closing(sqlite3.connect(path)) as con:
        (status,) = con.execute("SELECT status FROM follow_ups WHERE id = ?", (step_id,)).fetchone()
        return str(status)


def test_a_step_completed_during_an_import_is_saved_when_the_import_finishes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_window(qtbot, tmp_path)
    path = tmp_path / "demo.sqlite3"
    page: TodayPage = window.pages["today"]
    queue = queue_of(page)
    assert queue is not None
    label = window.findChild(QLabel, "savingLater")
    assert label is not None and not label.isVisible()
    calls = [
        i
        for i in range(page.model.rowCount())
        if page.model.row_at(i) is not None and page.model.row_at(i).kind == "call"
    ]
    first, second = page.model.row_at(calls[0]), page.model.row_at(calls[1])
    assert first is not None and second is not None

    # Another program's import: its write transaction holds SQLite's write lock.
    importer = sqlite3.connect(path, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    try:
        for index in calls[:2]:  # the page shows what is saved: both rows stay meanwhile
            page.table.selectRow(index)
            started = time.monotonic()
            qtbot.keyClick(page.table, Qt.Key.Key_D)
            qtbot.keyClick(page.table, Qt.Key.Key_2)  # voicemail
            assert time.monotonic() - started < 2.0  # the window did not wait for the lock
        assert queue.waiting == 2
        assert label.isVisible()
        assert label.text() == "Saving when the import finishes (2 changes waiting)"
        assert status_of(path, first.id) == status_of(path, second.id) == "pending"
        qtbot.wait(1000)  # still locked: nothing is tried on top, nothing fails
        assert queue.waiting == 2 and status_of(path, first.id) == "pending"
    finally:
        importer.execute("ROLLBACK")
        importer.close()

    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    assert status_of(path, first.id) == status_of(path, second.id) == "done"
    assert not label.isVisible()
    assert window.statusBar().currentMessage() == "The import finished; 2 changes saved."
    assert first.id not in [r.id for r in page.model.rows()]  # the page shows what was saved


def test_a_note_waiting_for_the_import_goes_on_its_lead_not_on_the_one_shown_later(
    qtbot: QtBot, tmp_path: Path
) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text("Name,Email\nAna Ruiz,ana@x.example\nBo Lind,bo@x.example\n", encoding="utf-8")
    path = tmp_path / "w.sqlite3"
    ws = open_for_cli(str(path))
    ws.imports.import_files([csv])
    ana, bo = sorted((lead.email, lead.id) for lead in ws.leads.list_leads())
    ws.close()
    window = build_main_window(str(path))
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    detail = window.pages["inbox"].detail
    qtbot.waitUntil(lambda: detail.lead_id is not None, timeout=5000)
    detail.show_lead(ana[1])
    importer = sqlite3.connect(path, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    try:
        detail.commands.add_note()
        dialog = modal(qtbot, "noteDialog")
        qtbot.keyClicks(dialog.findChild(QWidget, "noteText"), "Wants a call back")
        key(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        queue = queue_of(detail)
        assert queue is not None and queue.waiting == 1
        detail.show_lead(bo[1])  # the rep moves on while the note waits
    finally:
        importer.execute("ROLLBACK")
        importer.close()
    qtbot.waitUntil(lambda: queue.waiting == 0, timeout=15_000)
    with closing(sqlite3.connect(path)) as con:
        notes = con.execute("SELECT lead_id FROM activities WHERE body = 'Wants a call back'")
        assert [lead_id for (lead_id,) in notes] == [ana[1]]
