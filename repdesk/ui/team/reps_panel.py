"""Settings panel for reps: name, email, monthly capacity, working hours, active; add, edit,
remove; mark a rep away or back (a manager, for anyone: the database refuses it to a rep)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.common.changes import Changes
from repdesk.services.team.away import AwayResult, AwayService
from repdesk.services.team.rep_service import MAX_CAPACITY, RepRow, RepService
from repdesk.ui.common.save_queue import DROPPED, WAITING, save

AnyIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("Name", "Email", "Capacity / month", "Working hours", "Active", "Open leads")


class RepTableModel(QAbstractTableModel):
    """Reps as rows of plain RepRow values."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[RepRow] = []

    def set_rows(self, rows: list[RepRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rep_at(self, row: int) -> RepRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rep = self.rep_at(index.row()) if index.isValid() else None
        if rep is None or not 0 <= index.column() < len(COLUMNS):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                rep.name,
                rep.email,
                str(rep.monthly_capacity),
                f"{rep.work_start}–{rep.work_end}",
                ("yes" if rep.active else "no") + (" · away" if rep.away else ""),
                str(rep.open_leads),
            )
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (2, 5):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter) if column in (3, 4) else None
        if role == Qt.ItemDataRole.ForegroundRole and not rep.active:
            return QColor("#8b949e")
        return None


class RepDialog(QDialog):
    """Add or edit one rep; the service validates, and its sentence shows here without closing."""

    def __init__(
        self, service: RepService, rep: RepRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.rep = rep
        self.saved_id: int | None = None
        self.setWindowTitle("Edit rep" if rep else "Add rep")
        form = QFormLayout(self)
        self.name = QLineEdit(rep.name if rep else "")
        self.name.setObjectName("repName")
        self.email = QLineEdit(rep.email if rep else "")
        self.email.setObjectName("repEmail")
        self.capacity = QSpinBox()
        self.capacity.setObjectName("repCapacity")
        self.capacity.setRange(0, MAX_CAPACITY)
        self.capacity.setValue(rep.monthly_capacity if rep else 40)
        self.capacity.setSuffix(" qualified leads a month")
        self.start, self.end = QTimeEdit(), QTimeEdit()
        for edit, text, name in (
            (self.start, rep.work_start if rep else "09:00", "repStart"),
            (self.end, rep.work_end if rep else "17:00", "repEnd"),
        ):
            edit.setObjectName(name)
            edit.setDisplayFormat("HH:mm")
            edit.setTime(QTime.fromString(text, "HH:mm"))
        self.active = QCheckBox("Gets new leads")
        self.active.setObjectName("repActive")
        self.active.setChecked(rep.active if rep else True)
        self.error = QLabel()
        self.error.setObjectName("repError")
        self.error.setStyleSheet("color: #d1495b;")
        self.error.setWordWrap(True)
        self.error.hide()
        hours = QHBoxLayout()
        hours.addWidget(self.start)
        hours.addWidget(QLabel("to"))
        hours.addWidget(self.end)
        hours.addStretch(1)
        form.addRow("Name", self.name)
        form.addRow("Email", self.email)
        form.addRow("Monthly capacity", self.capacity)
        form.addRow("Working hours", hours)
        form.addRow("", self.active)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def row(self) -> RepRow:
        return RepRow(
            self.rep.id if self.rep else None,
            self.name.text(),
            self.email.text(),
            self.capacity.value(),
            self.start.time().toString("HH:mm"),
            self.end.time().toString("HH:mm"),
            self.active.isChecked(),
            self.rep.open_leads if self.rep else 0,
        )

    def save(self) -> None:
        """Save; while an import holds the write lock the dialog closes and the save waits in the
        window's queue (ui/common/save_queue), and comes back open if it is then refused."""
        row, rep = self.row(), self.rep

        def write() -> int | None:
            if rep is None:
                return self.service.add(row)
            self.service.update(row)
            return rep.id

        def saved(rep_id: int | None) -> None:
            self.saved_id = rep_id
            self.accept()

        def refused(sentence: str) -> None:
            self.error.setText(sentence)
            self.error.show()
            if not self.isVisible():
                self.open()  # waited for an import, then refused: what was typed is all here

        if not save(self, write, saved, say=refused, cancelled=self.reject):
            self.hide()  # the rep goes on working; the status bar says it waits


class RepsPanel(QWidget):
    sig_reps_changed = Signal(object)
    """Emitted with a Changes value after a rep was added, edited or removed."""

    def __init__(
        self,
        service: RepService,
        parent: QWidget | None = None,
        confirm: Callable[[QWidget, str], bool] | None = None,
        away: AwayService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("repsPanel")
        self.service = service
        self._away = away
        self._confirm = confirm or _ask
        self.model = RepTableModel()
        self.current_dialog: RepDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Reps and capacity")
        title.setObjectName("sectionTitle")
        hint = QLabel(
            "Monthly capacity is how many qualified leads a rep can take a month; "
            "routing never gives a rep more."
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(hint)
        self.table = QTableView()
        self.table.setObjectName("repTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add rep…")
        self.add_button.setObjectName("addRep")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("editRep")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeRep")
        self.away_button = QPushButton("Mark away")
        self.away_button.setObjectName("repAway")
        self.away_button.setToolTip("Routing hands an away rep no leads until they are back")
        self.away_button.setVisible(away is not None)
        self.add_button.clicked.connect(self.add_rep)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.away_button.clicked.connect(self.toggle_away)
        for button in (self.add_button, self.edit_button, self.remove_button, self.away_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.said = QLabel()
        self.said.setObjectName("repsSaid")
        self.said.setWordWrap(True)
        layout.addLayout(buttons)
        layout.addWidget(self.said)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.service.list())
        self._update_buttons()

    def selected(self) -> RepRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rep_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        rep = self.selected()
        has = rep is not None
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.away_button.setEnabled(has)
        self.away_button.setText("Mark back" if rep is not None and rep.away else "Mark away")

    def toggle_away(self) -> None:
        """Mark the selected rep away (asking whether their open leads go back to the queue) or
        back; what it did is said under the table (marking them again undoes it)."""
        rep = self.selected()
        if rep is None or self._away is None:
            return
        away, release = not rep.away, False
        if away and rep.open_leads:
            count = f"{rep.open_leads} open lead{'s' if rep.open_leads != 1 else ''}"
            answer = QMessageBox.question(
                self,
                "Mark away",
                f"{rep.name} has {count}. Put them back in the queue so that others can take them?",
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            release = answer == QMessageBox.StandardButton.Yes
        away_service = self._away

        def marked(result: AwayResult) -> None:
            self.said.setText(result.describe())
            self._changed(rep.id, result.changes)

        self._write(lambda: away_service.mark(away, rep=rep.name, release=release), marked)

    def add_rep(self) -> None:
        """Open the add dialog (window-modal, not blocking); saving refreshes the table."""
        self._open(RepDialog(self.service, None, self))

    def edit_selected(self) -> None:
        rep = self.selected()
        if rep is not None:
            self._open(RepDialog(self.service, rep, self))

    def _open(self, dialog: RepDialog) -> None:
        self.current_dialog = dialog
        dialog.accepted.connect(lambda: self._changed(dialog.saved_id))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def remove_selected(self) -> None:
        rep = self.selected()
        if rep is None or rep.id is None:
            return
        leads = f" Their {rep.open_leads} open leads become unassigned." if rep.open_leads else ""
        if not self._confirm(self, f"Remove {rep.name}?{leads}"):
            return
        rep_id = rep.id

        def removed(_result: object) -> None:
            self.said.clear()
            self.reload()
            self.sig_reps_changed.emit(Changes(reps=True, leads=True))

        self._write(lambda: self.service.remove(rep_id), removed)

    def _write(self, action: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Saved now, or when an import that holds the write lock finishes (ui/common/save_queue:
        Ctrl+Z drops it while it waits); a refusal is said under the table."""

        def dropped() -> None:
            self.said.setText(DROPPED)

        if not save(self, action, done, say=self.said.setText, cancelled=dropped):
            self.said.setText(WAITING)

    def _changed(self, rep_id: int | None, changes: Changes | None = None) -> None:
        self.reload()
        for row in range(self.model.rowCount()):
            rep = self.model.rep_at(row)
            if rep is not None and rep.id == rep_id:
                self.table.selectRow(row)
        self.sig_reps_changed.emit(changes or Changes(reps=True))


def _ask(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "Remove rep", question)
    return answer == QMessageBox.StandardButton.Yes
