"""Running the GUI: QApplication, theme, the main window and the event loop."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from repdesk.app import Workspace


def run_application(workspace: Workspace, *, url: str, files: list[str]) -> int:
    from repdesk.ui.main_window import MainWindow
    from repdesk.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("repdesk")
    app.setOrganizationName("repdesk")
    app.setDesktopFileName("repdesk")
    app.setWindowIcon(QIcon.fromTheme("repdesk"))
    apply_theme()
    window = MainWindow(workspace)
    window.show()
    window.pages["inbox"].activate()  # type: ignore[attr-defined]
    code = app.exec()
    workspace.close()
    return int(code)
