"""File and Help menu behaviour: import, backup, about (wired to the action registry)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from repdesk.services.backup_service import backup_database
from repdesk.services.errors import UserError
from repdesk.ui.about_dialog import show_about
from repdesk.ui.actions import ActionId

if TYPE_CHECKING:
    from repdesk.ui.main_window import MainWindow


class FileActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        actions = window.actions_
        actions[ActionId.BACKUP].triggered.connect(self.backup)
        actions[ActionId.ABOUT].triggered.connect(self.about)

    def backup(self) -> None:
        suggested = Path.home() / f"repdesk-backup-{datetime.now():%Y%m%d-%H%M}.sqlite3"
        name, _ = QFileDialog.getSaveFileName(self.window, "Back up the database", str(suggested), "SQLite database (*.sqlite3)")
        if not name:
            return
        try:
            target = backup_database(self.window.workspace.url, Path(name))
        except UserError as exc:
            QMessageBox.warning(self.window, "Backup failed", str(exc))
            return
        self.window.statusBar().showMessage(f"Backup saved to {target}", 8000)

    def about(self) -> None:
        show_about(self.window, self.window.status_workspace.text())
