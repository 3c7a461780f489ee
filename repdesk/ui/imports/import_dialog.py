"""The Import dialog: preview the mapping and the first rows, then import off the GUI thread with
Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.imports.import_service import (
    MAPPABLE_FIELDS,
    ImportService,
    ImportSummary,
    NeedsMapping,
    Preview,
)
from repdesk.ui.common.worker import Worker

PREVIEW_COLUMNS = ("Row", "Name", "Email", "Phone", "Company", "Status", "Received", "Problem")


class ImportDialog(QDialog):
    sig_import_finished = Signal(object)
    """Emitted with the ImportSummary after a successful import."""
    sig_changes_made = Signal(object)
    """Emitted with a Changes value for the pages to refresh."""

    def __init__(
        self, imports: ImportService, paths: list[Path], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import leads")
        self.resize(980, 620)
        self.imports = imports
        self.paths = paths
        self.overrides: dict[str, str] = {}
        self.preview: Preview | None = None
        self.worker: Worker | None = None
        self.summary: ImportSummary | None = None
        self._build()
        self.refresh_preview()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.files = QListWidget()
        self.files.setObjectName("importFiles")
        for path in self.paths:
            self.files.addItem(str(path))
        self.files.setFixedHeight(min(4, len(self.paths)) * 22 + 8)
        layout.addWidget(QLabel("Files"))
        layout.addWidget(self.files)
        self.detected = QLabel()
        self.detected.setObjectName("importDetected")
        layout.addWidget(self.detected)
        columns = QHBoxLayout()
        self.mapping = QTableWidget(0, 2)
        self.mapping.setObjectName("importMapping")
        self.mapping.setHorizontalHeaderLabels(["Column in the file", "repdesk field"])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().hide()
        self.mapping.setMinimumWidth(340)
        self.rows = QTableWidget(0, len(PREVIEW_COLUMNS))
        self.rows.setObjectName("importPreview")
        self.rows.setHorizontalHeaderLabels(PREVIEW_COLUMNS)
        self.rows.verticalHeader().hide()
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.horizontalHeader().setStretchLastSection(True)
        columns.addWidget(self.mapping, 2)
        columns.addWidget(self.rows, 5)
        layout.addLayout(columns, 1)
        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setRange(0, 1000)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("importCancel")
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.buttons)

    # -- preview ---------------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        try:
            self.preview = self.imports.preview(self.paths[0], self.overrides or None)
        except NeedsMapping as exc:
            self.preview = None
            self.detected.setText(
                "<b>No column was recognised.</b> Pick the columns that hold the name, "
                "email or phone, then Import."
            )
            self.message.setText(str(exc))
            self.import_button.setEnabled(False)
            self._fill_mapping({h: self.overrides.get(h) for h in exc.headers})
            self.rows.setRowCount(0)
            return
        except UserError as exc:
            self.preview = None
            self.detected.setText("")
            self.message.setText(str(exc))
            self.import_button.setEnabled(False)
            self.mapping.setRowCount(0)
            self.rows.setRowCount(0)
            return
        lead_file = self.preview.file
        more = f" and {len(self.paths) - 1} more file(s)" if len(self.paths) > 1 else ""
        kb = max(1, lead_file.total_bytes // 1024)
        self.detected.setText(
            f"<b>{self.preview.source_name}</b> export "
            f"({lead_file.kind.upper()}, {kb:,} KB){more}. Check the columns, then Import."
        )
        self._fill_mapping(lead_file.mapping)
        self._fill_rows()
        problems = sum(1 for r in self.preview.rows if r.problem)
        self.message.setText(
            f"{problems} of the first {len(self.preview.rows)} rows have a problem and will be "
            "skipped."
            if problems
            else "The first rows look good."
        )
        self.import_button.setEnabled(True)

    def _fill_mapping(self, mapping: dict[str, str | None]) -> None:
        self.mapping.blockSignals(True)
        self.mapping.setRowCount(len(mapping))
        for row, (column, field) in enumerate(mapping.items()):
            item = QTableWidgetItem(column)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(row, 0, item)
            box = QComboBox()
            box.addItem("(keep as extra field)", "extra")
            for choice in MAPPABLE_FIELDS:
                box.addItem(choice.replace("_", " "), choice)
            box.setCurrentIndex(max(0, box.findData(field or "extra")))
            box.currentIndexChanged.connect(
                lambda _i, c=column, b=box: self._mapping_changed(c, b.currentData())
            )
            self.mapping.setCellWidget(row, 1, box)
        self.mapping.blockSignals(False)

    def _mapping_changed(self, column: str, field: str) -> None:
        self.overrides[column] = field
        self.refresh_preview()

    def _fill_rows(self) -> None:
        assert self.preview is not None
        rows = self.preview.rows
        self.rows.setRowCount(len(rows))
        for r, parsed in enumerate(rows):
            f = parsed.fields
            name = f"{f.get('first_name', '')} {f.get('last_name', '')}".strip()
            received = parsed.received_at.strftime("%Y-%m-%d %H:%M") if parsed.received_at else ""
            values = (
                str(parsed.row),
                name,
                f.get("email", ""),
                f.get("phone", ""),
                f.get("company", ""),
                f.get("status", ""),
                received,
                parsed.problem or "",
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if parsed.problem:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.rows.setItem(r, c, item)
        self.rows.resizeColumnsToContents()

    # -- importing -------------------------------------------------------------------------------
    def start_import(self) -> None:
        if self.worker is not None:
            return
        overrides = dict(self.overrides) or None
        paths = list(self.paths)
        service = self.imports
        self.worker = Worker(
            lambda progress, cancelled: service.import_files(
                paths, mapping=overrides, progress=progress, cancelled=cancelled
            )
        )
        self.worker.signals.sig_progress_changed.connect(
            lambda share: self.progress.setValue(int(share * 1000))
        )
        self.worker.signals.sig_work_finished.connect(self._finished)
        self.worker.signals.sig_work_failed.connect(self._failed)
        self.progress.setValue(0)
        self.progress.show()
        self.import_button.setEnabled(False)
        self.mapping.setEnabled(False)
        self.message.setText("Importing… Cancel leaves the database exactly as it was.")
        self.worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.message.setText("Cancelling…")
            return
        self.reject()

    def _finished(self, summary: ImportSummary) -> None:
        self.worker = None
        self.summary = summary
        self.progress.setValue(1000)
        lines = [f"Added {summary.added} leads, merged {summary.merged} into existing leads."]
        if summary.rejected:
            lines.append(f"{len(summary.rejected)} rows were skipped:")
            lines += [f"  {r.file} row {r.row}: {r.reason}" for r in summary.rejected[:8]]
            if len(summary.rejected) > 8:
                lines.append(f"  … and {len(summary.rejected) - 8} more.")
        lines.append("File → Undo last import takes it back.")
        self.message.setText("\n".join(lines))
        self.cancel_button.setText("Close")
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self.accept)
        self.sig_import_finished.emit(summary)
        self.sig_changes_made.emit(Changes(leads=True, activities=True, follow_ups=True))

    def _failed(self, message: str) -> None:
        self.worker = None
        self.progress.hide()
        self.message.setText(message)
        self.import_button.setEnabled(True)
        self.mapping.setEnabled(True)
