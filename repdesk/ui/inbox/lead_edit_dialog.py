"""Edit a lead's contact data, or add a new lead (Ctrl+N), with validation (errors shown in the
dialog; nothing saved until valid). Source and Product pick from the values already in use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from repdesk.core.phone_display import display_phone
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.leads.edit_conflicts import StaleEditError
from repdesk.services.leads.lead_rows import LeadDetail
from repdesk.ui.common.dialog_keys import submit_on_ctrl_enter
from repdesk.ui.common.save_queue import save

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
#: Fields that pick from the values the workspace already knows (and still take a new one).
_PICKED = ("source", "product")


class LeadEditDialog(QDialog):
    """`detail` None: a new lead (a walk-in or an inbound call), received now."""

    def __init__(
        self, leads: LeadService, detail: LeadDetail | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadEditDialog" if detail else "newLeadDialog")
        self.setWindowTitle(f"Edit {detail.lead.display_name}" if detail else "New lead")
        self.setMinimumWidth(440)
        self._leads = leads
        self._lead_id = detail.lead.id if detail else None
        self._version = detail.version if detail else None  # "keep mine" holds for it only
        self.changes = Changes()
        """What the save changed (with its Undo), once accepted."""
        self.new_lead_id: int | None = None
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        values = (
            {**{k: getattr(detail.lead, k, "") for k, _ in _FIELDS}, "tags": detail.tags}
            if detail
            else {}
        )
        if values.get("phone") and detail is not None:  # as the rep reads it, "x12" included
            values["phone"] = display_phone(
                detail.lead.phone, leads.region(), detail.lead.phone_ext
            )
        for key, label in _FIELDS:
            if key in _PICKED:
                box = QComboBox()
                box.setEditable(True)
                box.setObjectName(f"edit_{key}")
                box.addItems(leads.distinct_values(key))
                box.setCurrentText(str(values.get(key) or ""))
                edit = box.lineEdit()
                form.addRow(label, box)
            else:
                edit = QLineEdit(str(values.get(key) or ""))
                edit.setObjectName(f"edit_{key}")
                form.addRow(label, edit)
            self.edits[key] = edit
        self.notes = QPlainTextEdit(detail.lead.notes if detail else "")
        self.notes.setObjectName("edit_notes")
        self.notes.setFixedHeight(80)
        form.addRow("Notes", self.notes)
        self.error = QLabel()
        self.error.setObjectName("editError")
        self.error.setStyleSheet("color: #cf222e")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        # Fields someone else changed meanwhile: one "keep mine" box each (unticked: theirs).
        self.conflicts = QWidget()
        self.conflicts.setObjectName("editConflicts")
        self._conflict_form = QFormLayout(self.conflicts)
        self._conflict_form.setContentsMargins(0, 0, 0, 0)
        self.keep_boxes: dict[str, QCheckBox] = {}
        form.addRow(self.conflicts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        save = buttons.addButton(
            "Save  (Ctrl+Enter)" if detail else "Add lead  (Ctrl+Enter)",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        save.setObjectName("saveLead")
        save.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        submit_on_ctrl_enter(self)
        self.edits["first_name"].setFocus()
        self._seen = self.values()  # what the user saw: only what they change is written
        self._keep: set[str] = set()

    def values(self) -> dict[str, str]:
        data = {k: e.text() for k, e in self.edits.items()}
        data["notes"] = self.notes.toPlainText()
        return data

    def accept(self) -> None:
        """Save; while an import holds the write lock the dialog closes and the save waits in the
        window's queue (ui/common/save_queue), and comes back open if it is then refused."""
        self._resolve()
        lead_id, values, seen = self._lead_id, self.values(), dict(self._seen)
        version, keep = self._version, set(self._keep)

        def write() -> tuple[int | None, Changes] | UserError:
            try:
                if lead_id is None:
                    return self._leads.create_lead(values)
                return None, self._leads.update_lead(
                    lead_id, values, seen=seen, seen_version=version, keep_mine=keep
                )
            except UserError as exc:  # StaleEditError included: the dialog shows it
                return exc

        if not save(self, write, self._written):
            self.hide()  # the rep goes on working; the status bar says it waits

    def _written(self, result: tuple[int | None, Changes] | UserError) -> None:
        if isinstance(result, UserError):
            if isinstance(result, StaleEditError):
                self._version = result.version
                self.error.setText(
                    f"{result} Tick what to keep of yours (the rest becomes theirs), then save "
                    "again."
                )
                self._show_conflicts(result)
            else:
                self.error.setText(str(result))
            if not self.isVisible():
                self.open()  # waited for an import, then refused: the rep's values are all here
            return
        new_id, self.changes = result
        if new_id is not None:
            self.new_lead_id = new_id
        super().accept()

    def _show_conflicts(self, exc: StaleEditError) -> None:
        for conflict in exc.conflicts:
            when = f", {conflict.when.astimezone():%H:%M}" if conflict.when else ""
            box = QCheckBox(
                f"Keep mine: {conflict.mine!r} — theirs: {conflict.theirs!r} ({conflict.who}{when})"
            )
            box.setObjectName(f"keep_{conflict.field}")
            box.setProperty("theirs", conflict.theirs)
            label = dict(_FIELDS).get(conflict.field, "Notes")
            self._conflict_form.addRow(label, box)
            self.keep_boxes[conflict.field] = box

    def _resolve(self) -> None:
        """Apply the ticks: a kept field overwrites theirs, an unticked one takes theirs."""
        if self.keep_boxes:
            self._keep = set()  # decided again on what the user is shown now
        for field, box in self.keep_boxes.items():
            theirs = str(box.property("theirs"))
            self._seen[field] = theirs
            if box.isChecked():
                self._keep.add(field)
            elif field == "notes":
                self.notes.setPlainText(theirs)
            else:
                self.edits[field].setText(theirs)
        self.keep_boxes.clear()
        while self._conflict_form.rowCount():
            self._conflict_form.removeRow(0)
