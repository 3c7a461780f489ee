"""bench_scale's Today child: `python scale_today.py app|floor DB [--memory]` opens the Today list
over DB (the real TodayPage, or a minimal windowed model over the same rows: every pending step due
before the end of the Later group, by due time), paints its first rows, jumps to the bottom, and
prints one JSON line (times, step rows, heading rows, peak RSS growth)."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

PAGE = 200
LATER_DAYS = 7  # the Today page's Later group: the days after today it shows
DAY = 86_400_000_000


class FloorModel(QAbstractTableModel):
    """count(*) rows, pages of 200 by LIMIT/OFFSET of the Today query, five columns (no heading
    rows: the app's Overdue / Today / Later groups split the same rows in the same order)."""

    def __init__(self, con: sqlite3.Connection, end: int) -> None:
        super().__init__()
        self.con, self.end, self.pages = con, end, {}
        self.rows = con.execute(
            "SELECT count(*) FROM follow_ups WHERE status = 'pending' AND due_at < ?", (end,)
        ).fetchone()[0]

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.rows

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 5

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        page = index.row() // PAGE
        if page not in self.pages:
            self.pages[page] = self.con.execute(
                "SELECT f.due_at, f.kind, l.first_name || ' ' || l.last_name, l.phone, f.note "
                "FROM follow_ups AS f JOIN leads AS l ON l.id = f.lead_id "
                "WHERE f.status = 'pending' AND f.due_at < ? ORDER BY f.due_at, f.id "
                "LIMIT ? OFFSET ?",
                (self.end, PAGE, page * PAGE),
            ).fetchall()
        return str(self.pages[page][index.row() % PAGE][index.column()])


def status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def main(side: str, db: Path, memory: bool) -> None:
    app = QApplication(sys.argv[:1])
    workspace = None
    if side == "app":
        from repdesk.app import open_workspace
        from repdesk.ui.followups.today_page import TodayPage
        from repdesk.ui.shell.pages import today_services

        workspace = open_workspace(f"sqlite:///{db}", migrate=False)
        workspace.followups  # noqa: B018 (the services load before the clock starts)
    local = datetime.now().astimezone()
    end = int((datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                local.tzinfo)).timestamp()) * 1_000_000  # fmt: skip
    end += LATER_DAYS * DAY
    if memory:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    base = status("VmRSS")
    started = time.perf_counter()
    if workspace is not None:
        page = TodayPage(today_services(workspace.services))
        page.resize(1280, 800)
        page.show()
        view = page.table
    else:
        view = QTableView()
        view.resize(1280, 800)
        view.setModel(FloorModel(sqlite3.connect(f"file:{db}?mode=ro", uri=True), end))
        view.show()
    view.viewport().grab()  # paints the visible rows: every cell's data() is asked for
    first = time.perf_counter() - started
    model = view.model()
    headings = set(getattr(model, "heading_rows", list)())  # the app's group headings
    steps = [row for row in (0, 1, model.rowCount() - 1) if row not in headings]
    assert model.data(model.index(steps[0], 2)) is not None, "no lead on the first step row"
    started = time.perf_counter()
    view.scrollToBottom()
    view.viewport().grab()
    bottom = time.perf_counter() - started
    assert model.data(model.index(steps[-1], 2)) is not None, "no lead on the last row"
    print(
        json.dumps(
            {
                "rows": model.rowCount() - len(headings),
                "headings": len(headings),
                "first": first,
                "bottom": bottom,
                "rss_peak": status("VmHWM") - base,
            }
        )
    )
    app.quit()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), "--memory" in sys.argv)
