"""The Scripts page's actions: save new versions, preview as the rep sees it, export and import
the script file. Mixed into ScriptsPage, whose edited sets and rules they use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
)

from repdesk.core.questions import QuestionSet, SetKind
from repdesk.services.common.errors import UserError
from repdesk.services.script.script_run import ScriptRun
from repdesk.services.script.script_service import (
    ScriptBundle,
    ScriptService,
    ScriptVersions,
    StaleScriptError,
    parse_rules_text,
)
from repdesk.ui.script.question_editor import QuestionEditor
from repdesk.ui.script.script_panel import ScriptPanel


class ScriptsActions:
    """The actions half of ScriptsPage (a QWidget: the dialogs are its children)."""

    scripts: ScriptService
    sets: list[QuestionSet]
    dirty: bool
    editor: QuestionEditor
    rules: QPlainTextEdit
    set_list: QListWidget
    _seen: ScriptVersions  # the versions the edit started from (a stale save is refused)

    if TYPE_CHECKING:  # the page's own steps (scripts_page)

        def load(self) -> None: ...
        def _fill_sets(self, row: int) -> None: ...
        def _current_set(self) -> QuestionSet | None: ...
        def _say(self, text: str, *, error: bool = False) -> None: ...

    # -- actions ---------------------------------------------------------------------------------
    def bundle(self) -> ScriptBundle:
        """The edited sets and rules; UserError names the first problem."""
        if self.editor.error_text:
            raise UserError(f"Fix the question first: {self.editor.error_text}")
        return ScriptBundle(tuple(self.sets), parse_rules_text(self.rules.toPlainText()))

    def save(self) -> None:
        try:
            result = self.scripts.save_bundle(self.bundle(), seen=self._seen)
        except StaleScriptError as exc:
            self._stale(exc)
            return
        except UserError as exc:
            self._say(f"Nothing was saved. {exc}", error=True)
            return
        row = self.set_list.currentRow()
        self.load()
        self._fill_sets(row)
        self._say(result.describe())

    def _stale(self, exc: StaleScriptError) -> None:
        """Someone stored newer versions of what I changed: keep mine on top of theirs, or reload
        theirs (my edits of those parts are dropped), or go on editing."""
        self._say(f"{exc}", error=True)
        ask = QMessageBox(self)  # type: ignore[arg-type]
        ask.setObjectName("staleScriptBox")
        ask.setWindowTitle("Someone changed the script")
        ask.setIcon(QMessageBox.Icon.Warning)
        names = ", ".join(f"{c.name} v{c.version} by {c.who}" for c in exc.conflicts)
        ask.setText(f"{exc}\n\nChanged meanwhile: {names}.")
        keep = ask.addButton("Keep mine", QMessageBox.ButtonRole.AcceptRole)
        reload = ask.addButton("Reload theirs", QMessageBox.ButtonRole.DestructiveRole)
        ask.addButton(QMessageBox.StandardButton.Cancel)
        ask.setDefaultButton(QMessageBox.StandardButton.Cancel)
        ask.exec()
        if ask.clickedButton() is keep:
            self._seen = exc.current  # I have seen theirs now: mine goes on top
            self.save()
        elif ask.clickedButton() is reload:
            self.load()
            self._say("Reloaded: the stored sets and rules are shown; your edits were dropped.")

    def preview(self) -> None:
        try:
            bundle = self.bundle()
        except UserError as exc:
            self._say(f"Cannot preview yet. {exc}", error=True)
            return
        current = self._current_set()
        core = [s for s in bundle.sets if s.kind is SetKind.CORE]
        extra = [current] if current is not None and current.kind is SetKind.PRODUCT else []
        run = ScriptRun(
            None,
            f"{current.name if current else 'Script'}",
            "",
            extra[0].product if extra else "",
            tuple(core + extra),
            bundle.rules,
        )
        dialog = QDialog(self, windowTitle="Preview — answers are not saved")
        dialog.resize(560, 780)
        panel = ScriptPanel(None, preview=True)
        panel.setObjectName("scriptPanelPreview")
        QVBoxLayout(dialog).addWidget(panel)
        panel.sig_close_requested.connect(dialog.accept)
        dialog.show()
        panel.begin(run)
        self.preview_dialog = dialog

    def export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export script",
            "qualification.repdesk-script",
            "repdesk script (*.repdesk-script);;Text files (*.txt)",
        )
        if not path:
            return
        try:
            Path(path).write_text(self.scripts.export_text(), encoding="utf-8", newline="\n")
        except OSError as exc:
            self._say(f"Cannot write {path}: {exc.strerror or exc}.", error=True)
            return
        note = " Unsaved edits are not in the file: save first." if self.dirty else ""
        self._say(f"Exported the stored sets and rules to {path}.{note}")

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import script", "", "repdesk script (*.repdesk-script *.txt);;All files (*)"
        )
        if not path:
            return
        try:
            result = self.scripts.import_text(Path(path).read_text(encoding="utf-8"))
        except (UserError, OSError, UnicodeDecodeError) as exc:
            self._say(f"Nothing was imported. {Path(path).name}, {exc}", error=True)
            return
        self.load()
        self._say(result.describe())
