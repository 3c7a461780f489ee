"""PySide6 user interface; `build_main_window` builds the window without starting an event loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow


def build_main_window(database_url: str) -> QMainWindow:
    """The main window on `database_url` (a URL or an SQLite path), migrated and ready; no event
    loop."""
    from PySide6.QtWidgets import QApplication

    # The one way into the composition root from here: embedding opens the workspace as the CLI
    # and the app do (tests/test_architecture.py names this exception).
    from repdesk.launch import open_for_embedding
    from repdesk.ui.common.theme import apply_theme
    from repdesk.ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setApplicationName("repdesk")
    apply_theme()
    return MainWindow(open_for_embedding(database_url))  # selecting the first page loads the inbox
