"""The Import dialog: preview the mapping, the first rows and what the import would do (new leads,
merges, possible duplicates), choose inquiries or contacts, then import off the GUI thread; Cancel,
Esc or closing the window during the import leaves the database as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
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
    QSizePolicy,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.counting import counted
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.imports.duplicates import DuplicateService
from repdesk.services.imports.import_reading import files_of
from repdesk.services.imports.import_service import (
    Estimate,
    ImportService,
    ImportSummary,
    NeedsMapping,
    Preview,
)
from repdesk.ui.common.worker import Worker
from repdesk.ui.imports.import_preview_tables import PREVIEW_COLUMNS, fill_mapping, fill_rows

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
KIND_CHOICES = (
    ("each", "Each file as what it is (CRM and address books: contacts; forms: inquiries)"),
    ("inquiries", "New inquiries (a waiting clock from when they asked)"),
    ("contacts", "Known contacts (no waiting clock, not in speed to lead)"),
)


class ImportDialog(QDialog):
    sig_import_finished = Signal(object)
    """Emitted with the ImportSummary after a successful import."""
    sig_changes_made = Signal(object)
    """Emitted with a Changes value for the pages to refresh."""

    def __init__(
        self,
        imports: ImportService,
        paths: list[Path],
        parent: QWidget | None = None,
        *,
        duplicates: DuplicateService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import leads")
        # Roomy on a large window (the preview's columns all show), 980×620 on a laptop.
        room = parent.window().size() if parent is not None else None
        if room is not None and room.width() > 1100:
            self.resize(min(1280, room.width() - 80), min(760, max(620, room.height() - 100)))
        else:
            self.resize(980, 620)
        self.imports = imports
        self.paths = files_of(paths)  # a dropped folder: the files in it
        self.shown = 0  # the file previewed
        self.picked = False  # whether the user picked it in the list
        self.overrides: dict[str, str] = {}
        self.preview: Preview | None = None
        self.worker: Worker | None = None
        self.estimator: Worker | None = None
        self.estimate: Estimate | None = None
        self.kind_chosen = False
        self.duplicates = duplicates
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
        self.files.currentRowChanged.connect(self._file_picked)
        layout.addWidget(QLabel("Files"))
        layout.addWidget(self.files)
        self.detected = QLabel()
        self.detected.setObjectName("importDetected")
        layout.addWidget(self.detected)
        kind_row = QHBoxLayout()
        kind_label = QLabel("Import the rows as")
        self.kind = QComboBox()
        self.kind.setObjectName("importKind")
        for value, text in KIND_CHOICES:
            self.kind.addItem(text, value)
        kind_label.setBuddy(self.kind)
        self.kind.activated.connect(self._kind_chosen)
        kind_row.addWidget(kind_label)
        kind_row.addWidget(self.kind)
        kind_row.addStretch(1)
        layout.addLayout(kind_row)
        self.counts = QLabel()
        self.counts.setObjectName("importCounts")
        self.counts.setWordWrap(True)
        # A wrapped label keeps the height of all its lines (the tables below give way instead).
        self.counts.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.counts)
        columns = QHBoxLayout()
        self.mapping = QTableWidget(0, 2)
        self.mapping.setObjectName("importMapping")
        self.mapping.setHorizontalHeaderLabels(["Column in the file", "repdesk field"])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.horizontalHeader().setDefaultAlignment(LEFT)  # headings over their values
        self.mapping.verticalHeader().hide()
        self.mapping.setMinimumWidth(340)
        self.rows = QTableWidget(0, len(PREVIEW_COLUMNS))
        self.rows.setObjectName("importPreview")
        self.rows.setHorizontalHeaderLabels(PREVIEW_COLUMNS)
        self.rows.verticalHeader().hide()
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.horizontalHeader().setDefaultAlignment(LEFT)
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
        self.review_button = QPushButton("Review possible duplicates…")
        self.review_button.setObjectName("importReviewDuplicates")
        self.review_button.clicked.connect(self.review_duplicates)
        self.buttons.addButton(self.review_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.review_button.hide()  # after the import, when it found some
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.buttons)

    # -- preview ---------------------------------------------------------------------------------
    def _file_picked(self, row: int) -> None:
        if 0 <= row < len(self.paths) and row != self.shown:
            self.shown, self.picked = row, True
            self.refresh_preview()

    def _previewed(self) -> Preview:
        """The preview of the file picked in the list, else of the first file that can be read
        (of several, the ones that cannot are refused by the import with their reason)."""
        order = [self.shown] if self.picked else list(range(len(self.paths)))
        failure: UserError | None = None
        for index in order:
            try:
                preview = self.imports.preview(self.paths[index], self.overrides or None)
            except UserError as exc:
                failure = failure or exc
                continue
            self.shown = index
            return preview
        raise failure or UserError("There is no file to import.")

    def refresh_preview(self) -> None:
        # A file picked in the list that cannot be read: the other files may still import.
        others = self.picked and len(self.paths) > 1
        try:
            self.preview = self._previewed()
        except NeedsMapping as exc:
            self.preview = None
            self.detected.setText(
                "<b>No column was recognised.</b> Pick the columns that hold the name, "
                "email or phone, then Import."
            )
            self.message.setText(str(exc))
            self.import_button.setEnabled(others)
            fill_mapping(
                self.mapping, {h: self.overrides.get(h) for h in exc.headers}, self._mapping_changed
            )
            self.rows.setRowCount(0)
            return
        except UserError as exc:
            self.preview = None
            self.detected.setText("")
            self.message.setText(str(exc))
            self.import_button.setEnabled(others)
            self.mapping.setRowCount(0)
            self.rows.setRowCount(0)
            return
        lead_file = self.preview.file
        self.files.blockSignals(True)
        self.files.setCurrentRow(self.shown)
        self.files.blockSignals(False)
        more = ""
        if len(self.paths) > 1:
            rest = len(self.paths) - 1
            more = f" ({self.paths[self.shown].name}; {rest} other file{'s' * (rest != 1)})"
        kb = max(1, lead_file.total_bytes // 1024)
        self.detected.setText(
            f"<b>{self.preview.source_name}</b> export "
            f"({lead_file.kind.upper()}, {kb:,} KB){more}. Check the columns, then Import."
        )
        fill_mapping(self.mapping, lead_file.mapping, self._mapping_changed)
        fill_rows(self.rows, self.preview)
        problems = sum(1 for r in self.preview.rows if r.problem)
        self.message.setText(
            f"{problems} of the first {len(self.preview.rows)} rows have a problem and will be "
            "skipped."
            if problems
            else "The first rows look good."
        )
        if not self.kind_chosen:  # one file: its kind; several: each its own
            wanted = self.preview.kind if len(self.paths) == 1 else "each"
            self.kind.setCurrentIndex(max(0, self.kind.findData(wanted)))
        self.import_button.setEnabled(True)
        self.start_estimate()

    # -- what the import would do ----------------------------------------------------------------
    def _as_kind(self) -> str | None:
        kind = self.kind.currentData()
        return None if kind == "each" else str(kind)

    def _kind_chosen(self, _index: int) -> None:
        self.kind_chosen = True
        self.start_estimate()

    def start_estimate(self) -> None:
        """Count the rows and how many are new, merges and possible duplicates (off the GUI
        thread: the whole file is read and matched, nothing written)."""
        if self.estimator is not None:
            self.estimator.cancel()
        overrides = dict(self.overrides) or None
        paths, kind, service = list(self.paths), self._as_kind(), self.imports
        worker = Worker(
            lambda _progress, cancelled: service.estimate(
                paths, mapping=overrides, as_kind=kind, cancelled=cancelled
            )
        )
        self.estimator = worker
        worker.signals.sig_work_finished.connect(lambda result: self._estimated(worker, result))
        worker.signals.sig_work_failed.connect(lambda text: self._estimated(worker, None, text))
        self.counts.setText("Counting the rows…")
        worker.start()

    def _estimated(self, worker: Worker, estimate: Estimate | None, failure: str = "") -> None:
        if worker is not self.estimator:
            return  # an earlier count, overtaken by a change of mapping or kind
        self.estimator = None
        self.estimate = estimate
        if estimate is None:
            self.counts.setText(failure)
            return
        text = estimate.sentence
        kinds = sorted(set(estimate.kinds.values()))
        if len(kinds) > 1:
            text += " " + ", ".join(f"{name} as {kind}" for name, kind in estimate.kinds.items())
            text += "."
        if estimate.refused:
            text += " Not imported: " + " ".join(r.reason for r in estimate.refused)
        self.counts.setText(text)

    def _mapping_changed(self, column: str, field: str) -> None:
        self.overrides[column] = field
        self.refresh_preview()

    # -- importing -------------------------------------------------------------------------------
    def start_import(self) -> None:
        if self.worker is not None:
            return
        overrides = dict(self.overrides) or None
        paths = list(self.paths)
        service = self.imports
        kind = self._as_kind()
        self.worker = Worker(
            lambda progress, cancelled: service.import_files(
                paths, mapping=overrides, as_kind=kind, progress=progress, cancelled=cancelled
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
        self.kind.setEnabled(False)
        self.message.setText("Importing… Cancel (or Esc) leaves the database exactly as it was.")
        self.worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.message.setText("Cancelling… nothing is written.")
            return
        self.reject()

    def reject(self) -> None:
        """Esc and the window's close button: during an import they cancel it (as Cancel does) and
        the dialog stays to say so; otherwise they close it."""
        if self.worker is not None:
            self.cancel()
            return
        if self.estimator is not None:
            self.estimator.cancel()
            self.estimator = None
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.worker is not None:
            event.ignore()
            self.cancel()
            return
        super().closeEvent(event)

    def review_duplicates(self) -> None:
        if self.duplicates is None:
            return
        from repdesk.ui.imports.duplicates_dialog import DuplicatesDialog

        dialog = DuplicatesDialog(self.duplicates, self)
        dialog.sig_changes_made.connect(self.sig_changes_made.emit)
        dialog.open()

    def _finished(self, summary: ImportSummary) -> None:
        self.worker = None
        self.summary = summary
        self.progress.setValue(1000)
        added, merged = counted(summary.added, "lead"), f"{summary.merged:,}"
        lines = [f"Added {added}, merged {merged} into existing leads."]
        if summary.possible_duplicates:
            pairs = summary.possible_duplicates
            lines.append(
                f"{counted(pairs, 'pair')} may be one person (a shared phone, or "
                "the same name and company): review to merge or keep apart."
            )
            self.review_button.setVisible(self.duplicates is not None)
        if summary.reopened:
            reopened = summary.reopened
            lines.append(f"{counted(reopened, 'closed lead')} asked again: new inquiries now.")
        for refusal in summary.refused:
            lines.append(f"Not imported: {refusal.reason}")
        if summary.rejected:
            lines.append(f"{len(summary.rejected)} rows were skipped:")
            lines += [f"  {r.file} row {r.row}: {r.reason}" for r in summary.rejected[:8]]
            if len(summary.rejected) > 8:
                lines.append(f"  … and {len(summary.rejected) - 8} more.")
        if summary.import_id is None:
            lines.append("Nothing changed: everyone in the file was already here as it is.")
        else:
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
        self.kind.setEnabled(True)
