"""File and Help menu behaviour: import, backup, about (wired to the action registry)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from repdesk.core.when import format_moment
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.common.save_queue import import_running, locked_sentence

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services
    from repdesk.ui.imports.import_dialog import ImportDialog

# The dialogs (and the import service behind them) load on first use: the menus exist before the
# first paint, SQLAlchemy only after it (see MainWindow's deferred start).


class FileActions:
    def __init__(
        self,
        window: QMainWindow,
        actions: ActionRegistry,
        services: Callable[[], Services],
        apply_changes: Callable[[Changes], None],
        database: str,
    ) -> None:
        """`services` gives the workspace's services when an action needs them (the menus exist
        before they have loaded); `apply_changes` refreshes the pages; `database` names the open
        workspace in About."""
        self.window = window
        self._services = services
        self._apply_changes = apply_changes
        self._database = database
        actions[ActionId.BACKUP].triggered.connect(self.backup)
        actions[ActionId.ABOUT].triggered.connect(self.about)
        actions[ActionId.IMPORT].triggered.connect(self.choose_and_import)
        actions[ActionId.UNDO_IMPORT].triggered.connect(self.undo_import)
        actions[ActionId.SHORTCUTS].triggered.connect(self.shortcuts)
        actions[ActionId.DUPLICATES].triggered.connect(self.review_duplicates)
        self._actions = actions
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

        services = self._services()
        dialog = ImportDialog(
            services.imports, [Path(p) for p in paths], self.window, duplicates=services.duplicates
        )
        dialog.sig_changes_made.connect(self._apply_changes)
        self.dialog = dialog
        dialog.open()
        return dialog

    def undo_import(self) -> None:
        """Ask, then take the user's newest import back; refused at once while an import holds
        the write lock (which import is the newest is known only once it is done)."""
        if self._import_running():
            return
        imports = self._services().imports
        last = imports.last_import()
        if last is None:
            QMessageBox.information(self.window, "Undo import", "There is no import to undo.")
            return
        time = self._services().time
        when = format_moment(last.started_at, time.now(), time.zone())
        answer = QMessageBox.question(
            self.window,
            "Undo import",
            f"Remove the {last.added:,} leads the import of {when} added "
            f"and revert the {last.merged:,} it merged?",
        )
        if answer != QMessageBox.StandardButton.Yes or self._import_running():
            return
        try:
            undone = imports.undo(last.id)
        except UserError as exc:
            QMessageBox.warning(self.window, "Undo import", str(exc))
            return
        except Exception as exc:
            locked = locked_sentence(self.window, exc)  # an import began meanwhile
            if locked is None:
                raise
            QMessageBox.information(self.window, "Undo import", locked)
            return
        self._apply_changes(undone.changes)
        self.window.statusBar().showMessage(undone.message, 10000)

    def _import_running(self) -> bool:
        running = import_running(self.window)
        if running is not None:
            QMessageBox.information(self.window, "Undo import", running)
        return running is not None

    def review_duplicates(self) -> None:
        """The leads imports could not tell apart, to merge or keep apart (each undoable)."""
        from repdesk.ui.imports.duplicates_dialog import DuplicatesDialog

        dialog = DuplicatesDialog(self._services().duplicates, self.window)
        dialog.sig_changes_made.connect(self._apply_changes)
        dialog.open()

    def backup(self) -> None:
        suggested = Path.home() / f"repdesk-backup-{datetime.now():%Y%m%d-%H%M}.sqlite3"
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Back up the database", str(suggested), "SQLite database (*.sqlite3)"
        )
        if not name:
            return
        try:
            target = self._services().backup.backup(Path(name))
        except UserError as exc:
            QMessageBox.warning(self.window, "Backup failed", str(exc))
            return
        self.window.statusBar().showMessage(f"Backup saved to {target}", 8000)

    def about(self) -> None:
        from repdesk.ui.shell.about_dialog import show_about

        show_about(self.window, self._database)

    def shortcuts(self) -> None:
        from repdesk.ui.shell.shortcut_sheet import ShortcutSheet

        sheet = ShortcutSheet(self._actions, self.window)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()
