"""Small dialogs of the Lead menu: a note, the reason a lead was lost, and who owns it (each
submits with Enter or Ctrl+Enter, Esc cancels)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from repdesk.ui.common.dialog_keys import submit_on_ctrl_enter

LOST_REASONS = (
    "Went with a competitor",
    "No budget",
    "No longer needed",
    "Stopped answering",
    "Timing: not this year",
)


def _buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    # Made inside the dialog: a default button only takes when it already has its dialog.
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, dialog)
    button = box.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
    button.setDefault(True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class NoteDialog(QDialog):
    """A note for the timeline: Enter starts a new line, Ctrl+Enter adds the note."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle(f"Note on {name}")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Note for the timeline:"))
        self.text = QPlainTextEdit()
        self.text.setObjectName("noteText")
        layout.addWidget(self.text)
        layout.addWidget(_buttons(self, "Add note  (Ctrl+Enter)"))
        submit_on_ctrl_enter(self)
        self.text.setFocus()

    def note(self) -> str:
        return self.text.toPlainText().strip()

    def accept(self) -> None:
        if self.note():
            super().accept()


class LostReasonDialog(QDialog):
    """Why the lead was lost (required): pick a usual reason or type one."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lostReasonDialog")
        self.setWindowTitle("Mark lost")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Why was {name} lost?"))
        self.reason = QComboBox()
        self.reason.setObjectName("lostReason")
        self.reason.setEditable(True)
        self.reason.addItems(LOST_REASONS)
        self.reason.setCurrentText("")
        self.reason.lineEdit().setPlaceholderText("Type or pick a reason")
        layout.addWidget(self.reason)
        self.error = QLabel()
        self.error.setStyleSheet("color: #cf222e")
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Mark lost  (Enter)"))
        submit_on_ctrl_enter(self)
        self.reason.setFocus()

    def text(self) -> str:
        return self.reason.currentText().strip()

    def accept(self) -> None:
        if not self.text():
            self.error.setText("Say why, in a few words: it helps the next conversation.")
            return
        super().accept()


class AssignDialog(QDialog):
    """Which rep owns the lead; 'Nobody' leaves it unassigned."""

    NOBODY = "Nobody (unassigned)"

    def __init__(
        self, name: str, reps: Sequence[str], owner: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assignDialog")
        self.setWindowTitle("Assign")
        self.setMinimumWidth(340)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Who owns {name}?"))
        self.rep = QComboBox()
        self.rep.setObjectName("assignRep")
        self.rep.addItems([self.NOBODY, *reps])
        self.rep.setCurrentText(owner or self.NOBODY)
        layout.addWidget(self.rep)
        layout.addWidget(_buttons(self, "Assign  (Enter)"))
        submit_on_ctrl_enter(self)
        self.rep.setFocus()

    def chosen(self) -> str | None:
        text = self.rep.currentText()
        return None if text == self.NOBODY else text
