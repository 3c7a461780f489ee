"""Driving the real main window like a user: keys to the window, clicks, and what the rep sees."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableView, QWidget
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window


def copy_demo(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the module's demo workspace (made once, copied per test)."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_db, path)
    return path


def open_window(qtbot: QtBot, path: Path | str, size: tuple[int, int] = (1400, 860)) -> QWidget:
    window = build_main_window(str(path))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts go to the active window only
    return window


def key(
    window: QWidget,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A key press as the window system delivers it: to the focused widget, shortcuts first."""
    QTest.keyClick(window.windowHandle(), key, modifiers)


def ctrl(window: QWidget, k: Qt.Key) -> None:
    key(window, k, Qt.KeyboardModifier.ControlModifier)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(k: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key to whatever has the focus (inside a dialog too)."""
    QTest.keyClick(focused(), k, modifiers)


def click_row(qtbot: QtBot, table: QTableView, row: int, column: int = 1) -> None:
    table.scrollTo(table.model().index(row, column))
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def selected_lead_id(table: QTableView) -> int | None:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    lead = table.model().lead_at(rows[0].row())  # type: ignore[attr-defined]
    return None if lead is None else int(lead.id)


def modal(qtbot: QtBot, name: str) -> QWidget:
    """The dialog called `name` once it is open."""
    found: list[QWidget] = []

    def is_open() -> bool:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == name and widget.isVisible():
                found.append(widget)
                return True
        return False

    qtbot.waitUntil(is_open, timeout=5000)
    return found[0]


def closed(dialog: QWidget) -> bool:
    """A dialog that deletes itself on close is gone, or at least hidden."""
    from shiboken6 import isValid

    return not isValid(dialog) or not dialog.isVisible()


class UrlRecorder(QObject):
    """Stands in for the desktop's tel:/mailto: app (Qt's own hook for URL schemes)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@contextmanager
def url_handler(*schemes: str) -> Iterator[UrlRecorder]:
    recorder = UrlRecorder()
    for scheme in schemes:
        QDesktopServices.setUrlHandler(scheme, recorder, "open")
    try:
        yield recorder
    finally:
        for scheme in schemes:
            QDesktopServices.unsetUrlHandler(scheme)


def database_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the SQLite file, read with the standard library: two equal
    results mean the database is exactly as it was. The search index counts by its content (its
    internal segments are laid out anew by any update and say nothing about the data)."""
    import sqlite3

    with sqlite3.connect(path) as con:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'leads_fts_%' ORDER BY name"
            )
        ]
        return {
            t: sorted(con.execute(f'SELECT rowid, * FROM "{t}"').fetchall(), key=repr)
            for t in tables
        }


def make_small_workspace(path: Path, clock: Any, now: datetime) -> None:
    """Four inquiries received in the hours before `now` (UTC business hours), each with its
    first step planned, and two reps."""
    from repdesk.app import open_workspace
    from repdesk.store.locations import resolve_url
    from repdesk.store.models import RepRecord

    ws = open_workspace(resolve_url(str(path)), clock=clock)
    ws.settings.set("timezone", "UTC")
    with ws.sessions.begin() as session:
        session.add_all([RepRecord(name="Priya Shah"), RepRecord(name="Sam Ortiz")])
    for i, (first, company) in enumerate(
        [("Ava", "Bakery"), ("Ben", "Dental"), ("Cleo", "Roofing"), ("Dan", "Florist")]
    ):
        clock.now = now - timedelta(hours=5 - i)
        ws.leads.create_lead(
            {
                "first_name": first,
                "last_name": "Tester",
                "company": f"{first} {company}",
                "email": f"{first.lower()}@example.com",
                "phone": f"+1614555{120 + i:04d}",  # valid numbers (555-01xx)
                "product": "website",
            }
        )
    clock.now = now
    ws.close()


def window_on_clock(qtbot: QtBot, path: Path, clock: Any) -> Any:
    """The main window on `path` with the test's clock (build_main_window uses the real one)."""
    from repdesk.app import open_workspace
    from repdesk.store.locations import resolve_url
    from repdesk.ui.shell.main_window import MainWindow

    window = MainWindow(open_workspace(resolve_url(str(path)), clock=clock))
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window
