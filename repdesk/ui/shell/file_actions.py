"""File and Help menu behaviour: import, backup, about (wired to the action registry)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from repdesk.core.when import format_moment
from repdesk.services.common.errors import UserError
from repdesk.ui.common.actions import ActionId

if TYPE_CHECKING:
    from repdesk.ui.imports.import_dialog import ImportDialog
    from repdesk.ui.shell.main_window import MainWindow

# The dialogs (and the import service behind them) load on first use: the menus exist before the
# first paint, SQLAlchemy only after it (see MainWindow's deferred start).


class FileActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        actions = window.actions_
        actions[ActionId.BACKUP].triggered.connect(self.backup)
        actions[ActionId.ABOUT].triggered.connect(self.about)
        actions[ActionId.IMPORT].triggered.connect(self.choose_and_import)
        actions[ActionId.UNDO_IMPORT].triggered.connect(self.undo_import)
        actions[ActionId.SHORTCUTS].triggered.connect(self.shortcuts)
        self.dialog: ImportDialog | None = None

    def choose_and_import(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.window,
            "Import leads",
            str(Path.home()),
            "Lead files (*.csv *.tsv *.txt *.vcf *.vcard);;All files (*)",
        )
        if names:
            self.import_files([Path(n) for n in names])

    def import_files(self, paths: list[Path]) -> ImportDialog:
        """Open the Import dialog on these files (menu, drag and drop, command line, second
        launch)."""
        from repdesk.ui.imports.import_dialog import ImportDialog

        dialog = ImportDialog(self.window.workspace, [Path(p) for p in paths], self.window)
        dialog.sig_changes_made.connect(self.window.apply_changes)
        self.dialog = dialog
        dialog.open()
        return dialog

    def undo_import(self) -> None:
        last = self.window.workspace.imports.last_import()
        if last is None:
            QMessageBox.information(self.window, "Undo import", "There is no import to undo.")
            return
        ws = self.window.workspace
        answer = QMessageBox.question(
            self.window,
            "Undo import",
            f"Remove the {last.added} leads the import of "
            f"{format_moment(last.started_at, ws.clock(), ws.zone())} added "
            f"and revert the {last.merged} it merged?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            changes = self.window.workspace.imports.undo_import(last.id)
        except UserError as exc:
            QMessageBox.warning(self.window, "Undo import", str(exc))
            return
        self.window.apply_changes(changes)
        self.window.statusBar().showMessage("Import undone.", 6000)

    def backup(self) -> None:
        suggested = Path.home() / f"repdesk-backup-{datetime.now():%Y%m%d-%H%M}.sqlite3"
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Back up the database", str(suggested), "SQLite database (*.sqlite3)"
        )
        if not name:
            return
        try:
            from repdesk.services.workspace.backup_service import backup_database

            target = backup_database(self.window.workspace.url, Path(name))
        except UserError as exc:
            QMessageBox.warning(self.window, "Backup failed", str(exc))
            return
        self.window.statusBar().showMessage(f"Backup saved to {target}", 8000)

    def about(self) -> None:
        from repdesk.ui.shell.about_dialog import show_about

        show_about(self.window, data_location(self.window.workspace.url))

    def shortcuts(self) -> None:
        from repdesk.ui.shell.shortcut_sheet import ShortcutSheet

        sheet = ShortcutSheet(self.window.actions_, self.window)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()


def data_location(url: str) -> str:
    """Where the workspace's data lives: the SQLite file's full path, or the server (no
    password)."""
    from sqlalchemy.engine import make_url

    from repdesk.store.sqlite_file import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        return str(path.resolve())
    return make_url(url).render_as_string(hide_password=True)
