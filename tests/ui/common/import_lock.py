"""A real import's write lock for window tests: another process holds SQLite's BEGIN IMMEDIATE
(as an import does, first row to commit), and what the window's save queue shows meanwhile."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QLabel, QTableView, QWidget

from repdesk.ui.common.save_queue import SaveQueue, queue_of
from repdesk.ui.shell.main_window import MainWindow

_HOLDER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
con.execute("COMMIT")
"""


@contextmanager
def import_holds_the_lock(path: Path) -> Iterator[None]:
    """Another process holds the workspace's write lock until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        assert holder.wait(timeout=10) == 0


def rows(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as con:
        return list(con.execute(sql, args))


def waiting_label(window: QWidget) -> QLabel:
    label = window.findChild(QLabel, "savingLater")
    assert isinstance(label, QLabel)
    return label


def the_queue(window: QWidget) -> SaveQueue:
    queue = queue_of(window)
    assert queue is not None
    return queue


@dataclass
class LockedWindow:
    """The main window on a workspace file that another process's import can lock."""

    path: Path
    window: MainWindow

    @property
    def queue(self) -> SaveQueue:
        return the_queue(self.window)

    def import_holds_the_lock(self) -> AbstractContextManager[None]:
        return import_holds_the_lock(self.path)

    def rows(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        return rows(self.path, sql, *args)

    def first_lead(self) -> tuple[QTableView, int]:
        """The inbox's first lead selected, the keyboard in its table: the table and its id."""
        table = self.window.findChild(QTableView, "leadTable")
        assert isinstance(table, QTableView)
        table.selectRow(0)
        table.setFocus()
        lead_id = self.window.pages["inbox"].detail.lead_id  # type: ignore[attr-defined]
        assert isinstance(lead_id, int)
        return table, lead_id
