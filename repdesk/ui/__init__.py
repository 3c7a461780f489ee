"""PySide6 user interface; `build_main_window` builds the window without starting an event loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow


def build_main_window(database_url: str) -> QMainWindow:
    """The main window on `database_url` (a URL or an SQLite path), migrated and ready; no event
    loop."""
    from PySide6.QtWidgets import QApplication

    from repdesk.app import open_workspace
    from repdesk.store.locations import resolve_url
    from repdesk.ui.common.theme import apply_theme
    from repdesk.ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setApplicationName("repdesk")
    apply_theme()
    workspace = open_workspace(resolve_url(database_url))
    return MainWindow(workspace)  # selecting the first page loads the inbox
