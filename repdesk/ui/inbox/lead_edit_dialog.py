"""Edit a lead's contact data with validation (errors shown in the dialog; nothing saved until
valid)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from repdesk.services.common.errors import UserError
from repdesk.services.leads.lead_rows import LeadDetail

if TYPE_CHECKING:
    from repdesk.services.leads.lead_service import LeadService

_FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("company", "Company"),
    ("title", "Title"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("source", "Source"),
    ("product", "Product"),
    ("tags", "Tags"),
)


class LeadEditDialog(QDialog):
    def __init__(
        self, leads: LeadService, detail: LeadDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadEditDialog")
        self.setWindowTitle(f"Edit {detail.lead.display_name}")
        self.setMinimumWidth(440)
        self._leads = leads
        self._lead_id = detail.lead.id
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        values = {**{k: getattr(detail.lead, k, "") for k, _ in _FIELDS}, "tags": detail.tags}
        for key, label in _FIELDS:
            edit = QLineEdit(str(values.get(key) or ""))
            edit.setObjectName(f"edit_{key}")
            self.edits[key] = edit
            form.addRow(label, edit)
        self.notes = QPlainTextEdit(detail.lead.notes)
        self.notes.setObjectName("edit_notes")
        self.notes.setFixedHeight(80)
        form.addRow("Notes", self.notes)
        self.error = QLabel()
        self.error.setObjectName("editError")
        self.error.setStyleSheet("color: #cf222e")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.edits["first_name"].setFocus()
        # What the lead held when the dialog opened: only fields the user changes are saved, and
        # only while nobody else changed them meanwhile.
        self._shown = self.values()

    def values(self) -> dict[str, str]:
        data = {k: e.text() for k, e in self.edits.items()}
        data["notes"] = self.notes.toPlainText()
        return data

    def accept(self) -> None:
        try:
            self._leads.update_lead(self._lead_id, self.values(), shown=self._shown)
        except UserError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
