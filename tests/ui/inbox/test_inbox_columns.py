"""The inbox's columns show their values whole: a lead whose reply waits for us says so in full
in the Next step column, and a narrow window sets columns aside rather than squeeze the names."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

from repdesk.store.times import to_micros
from repdesk.ui.inbox.lead_table_model import COLUMNS, REPLIED_TEXT
from tests.ui.helpers import copy_demo, ctrl, key, open_window


def _a_reply_waits(path: Path) -> int:
    """One contacted lead of the demo has just replied (as the mailbox fetch files it)."""
    replied = to_micros(datetime.now(UTC) - timedelta(minutes=10))  # times are integers (0009)
    with sqlite3.connect(path) as con:
        (lead_id,) = con.execute(
            "SELECT id FROM leads WHERE status = 'contacted' AND do_not_contact = 0"
            " ORDER BY id LIMIT 1"
        ).fetchone()
        con.execute("UPDATE leads SET replied_at = ? WHERE id = ?", (replied, lead_id))
    return int(lead_id)


@pytest.mark.parametrize("size", [(1400, 900), (1024, 640)])
def test_next_step_shows_replied_waiting_for_you_whole(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    path = copy_demo(demo_db, tmp_path)
    lead_id = _a_reply_waits(path)
    window = open_window(qtbot, path, size)
    table = window.findChild(QTableView, "leadTable")
    model = table.model()
    qtbot.waitUntil(lambda: model.rowCount() > 0 and model.lead_at(0).id == lead_id)
    column = COLUMNS.index("Next step")
    cell = model.index(0, column)
    assert cell.data() == REPLIED_TEXT
    needed = table.sizeHintForIndex(cell).width()
    assert table.columnWidth(column) >= needed, (
        f"{REPLIED_TEXT!r} needs {needed} px, the column has {table.columnWidth(column)}"
    )
    window.grab().save(str(tmp_path / f"inbox-replied-{size[0]}x{size[1]}.png"))


def test_a_narrow_window_sets_columns_aside_so_names_stay_readable(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path), (1024, 640))
    table = window.findChild(QTableView, "leadTable")
    model = table.model()
    qtbot.waitUntil(lambda: model.rowCount() > 20)
    name = COLUMNS.index("Name")

    def names_whole() -> bool:
        width = table.columnWidth(name)
        return all(table.sizeHintForIndex(model.index(r, name)).width() <= width for r in range(20))

    def shown(title: str) -> bool:
        return not table.isColumnHidden(COLUMNS.index(title))

    assert names_whole(), f"the Name column has only {table.columnWidth(name)} px"
    assert shown("Waiting") and shown("Status") and shown("Next step")
    assert not shown("Owner")  # the detail pane beside the table shows it
    table.selectRow(0)
    table.setFocus()
    ctrl(window, Qt.Key.Key_K)  # a call: the narrow list of who waits …
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    key(window, Qt.Key.Key_Escape)  # … ended (nothing asked: no answer given yet)
    key(window, Qt.Key.Key_D)  # Discard — no call happened
    qtbot.waitUntil(lambda: not panel.isVisible())
    assert names_whole() and shown("Next step") and not shown("Owner")  # as it was
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: shown("Owner") and shown("Source") and shown("Company"))
    assert names_whole()
