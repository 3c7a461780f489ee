"""Templates: every email template, edited with a live preview for a lead (the one selected in
the inbox by default); versions for single products; export and import of the text file."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.email_rules import PLACEHOLDERS, TEMPLATE_KEYS, PlaceholderError, Template
from repdesk.core.email_rules import placeholders_in as check_placeholders
from repdesk.services.common.errors import UserError
from repdesk.services.email.compose import DraftService
from repdesk.services.email.templates import ImportResult, TemplateService
from repdesk.services.leads.lead_service import LeadService
from repdesk.ui.common.save_queue import DROPPED, WAITING, save

PREVIEW_DELAY_MS = 150


class TemplatesPage(QWidget):
    def __init__(
        self,
        templates: TemplateService,
        drafts: DraftService,
        leads: LeadService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("templatesPage")
        self._templates, self._drafts, self._leads = templates, drafts, leads
        self._current_lead: int | None = None
        """The lead selected in the inbox (the main window connects its signal here)."""
        self._items: list[Template] = []
        self._editing: Template | None = None
        self._build()
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        for edit in (self.subject, self.name):
            edit.textChanged.connect(lambda _t: self._timer.start())
        self.body.textChanged.connect(self._timer.start)
        self._loaded = False

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        top = QHBoxLayout()
        title = QLabel("Templates")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.export_file)
        self.import_button = QPushButton("Import…")
        self.import_button.clicked.connect(self.import_file)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMinimumWidth(120)
        self.list.setSpacing(2)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.currentRowChanged.connect(self._chosen)
        splitter.addWidget(self.list)
        editor = QWidget()
        form_box = QVBoxLayout(editor)
        form_box.setContentsMargins(8, 0, 8, 0)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.key_label = QLabel()
        self.key_label.setObjectName("muted")
        form.addRow("Used for", self.key_label)
        self.name = QLineEdit(objectName="templateName")
        form.addRow("Name", self.name)
        self.subject = QLineEdit(objectName="templateSubject")
        form.addRow("Subject", self.subject)
        form_box.addLayout(form)
        self.body = QPlainTextEdit(objectName="templateBody")
        self.body.setTabChangesFocus(True)
        form_box.addWidget(self.body, 1)
        names = "  ".join("{" + p + "}" for p in PLACEHOLDERS)
        help_text = QLabel(f"Placeholders: {names}")
        help_text.setObjectName("muted")
        help_text.setWordWrap(True)
        help_text.setToolTip("\n".join(f"{{{k}}}: {v}" for k, v in PLACEHOLDERS.items()))
        form_box.addWidget(help_text)
        self.error = QLabel(objectName="templateError")
        self.error.setStyleSheet("color: #cf222e")
        self.error.setWordWrap(True)
        form_box.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save", objectName="saveTemplate")
        self.save_button.setToolTip("Save this template (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.add_button = QPushButton("For a product…")
        self.add_button.setToolTip("Add a version of this template used only for one product")
        self.add_button.clicked.connect(self.add_product_version)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        for button in (self.save_button, self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form_box.addLayout(buttons)
        # The preview sits under the text it previews: the page fits a laptop's width too.
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(editor)
        splitter.addWidget(right)
        preview = QWidget()
        pbox = QVBoxLayout(preview)
        pbox.setContentsMargins(8, 6, 8, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Preview for"))
        self.lead_box = QComboBox(objectName="templatePreviewLead")
        self.lead_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.lead_box.setMinimumContentsLength(8)
        self.lead_box.activated.connect(lambda _i: self.update_preview())
        row.addWidget(self.lead_box, 1)
        pbox.addLayout(row)
        self.preview_subject = QLabel(objectName="templatePreviewSubject")
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setStyleSheet("font-weight: 600")
        pbox.addWidget(self.preview_subject)
        self.preview = QPlainTextEdit(objectName="templatePreview")
        self.preview.setReadOnly(True)
        pbox.addWidget(self.preview, 1)
        self.preview_note = QLabel(objectName="templatePreviewNote")
        self.preview_note.setWordWrap(True)
        pbox.addWidget(self.preview_note)
        right.addWidget(preview)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([220, 900])
        layout.addWidget(splitter, 1)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    # -- loading ---------------------------------------------------------------------------------
    def preview_lead(self, lead_id: int) -> None:
        """Preview with this lead from now on (the one the rep selected in the inbox)."""
        self._current_lead = lead_id
        if self.isVisible():
            self._fill_leads()
            self.update_preview()

    def activate(self) -> None:
        self._fill_leads()
        if not self._loaded:
            self.reload()
            self._loaded = True
        self.update_preview()

    def reload(self, select: tuple[str, str] | None = None) -> None:
        self._items = self._templates.all()
        self.list.blockSignals(True)
        self.list.clear()
        for t in self._items:
            shown = t.product and t.product.lower() not in t.name.lower()
            item = QListWidgetItem(t.name + (f" ({t.product})" if shown else ""))
            item.setToolTip(f"[template {t.key}]" + (f" for {t.product}" if t.product else ""))
            self.list.addItem(item)
        self.list.blockSignals(False)
        index = 0
        if select is not None:
            index = next((i for i, t in enumerate(self._items) if (t.key, t.product) == select), 0)
        self.list.setCurrentRow(index)
        self._chosen(index)

    def _fill_leads(self) -> None:
        current = self._current_lead
        chosen = self.lead_box.currentData() or current
        self.lead_box.clear()
        leads = self._leads.list_leads(limit=50)
        ids = [lead.id for lead in leads]
        if current is not None and current not in ids:
            with contextlib.suppress(UserError):
                leads.insert(0, self._leads.detail(current).lead)
        for lead in leads:
            label = lead.display_name + (f" ({lead.company})" if lead.company and lead.name else "")
            self.lead_box.addItem(label, lead.id)
        self.lead_box.setCurrentIndex(max(0, self.lead_box.findData(current or chosen)))

    def _chosen(self, row: int) -> None:
        if not 0 <= row < len(self._items):
            return
        t = self._items[row]
        self._editing = t
        for widget, text in ((self.name, t.name), (self.subject, t.subject)):
            widget.blockSignals(True)
            widget.setText(text)
            widget.blockSignals(False)
        self.body.blockSignals(True)
        self.body.setPlainText(t.body)
        self.body.blockSignals(False)
        product = f" · only for product {t.product!r}" if t.product else " · for every product"
        self.key_label.setText(f"{t.key}{product}")
        self.remove_button.setEnabled(bool(t.product) or t.key not in TEMPLATE_KEYS)
        self.error.clear()
        self.update_preview()

    # -- preview and editing ---------------------------------------------------------------------
    def edited(self) -> Template | None:
        if self._editing is None:
            return None
        return Template(
            self._editing.key,
            self._editing.product,
            self.name.text(),
            self.subject.text(),
            self.body.toPlainText(),
        )

    def update_preview(self) -> None:
        t = self.edited()
        lead_id = self.lead_box.currentData()
        if t is None:
            return
        try:
            check_placeholders(t.subject)
            check_placeholders(t.body)
        except PlaceholderError as exc:
            self.preview_note.setText(f"Cannot preview: {exc}.")
            self.preview_note.setStyleSheet("color: #cf222e")
            return
        if lead_id is None:
            self.preview_subject.setText(t.subject)
            self.preview.setPlainText(t.body)
            self.preview_note.setText("No lead to preview with yet.")
            return
        try:
            subject, body, missing = self._drafts.preview(int(lead_id), t.subject, t.body)
        except UserError as exc:
            self.preview_note.setText(str(exc))
            return
        self.preview_subject.setText(subject)
        self.preview.setPlainText(body)
        if missing:
            names = ", ".join("{" + m + "}" for m in missing)
            self.preview_note.setText(
                f"This lead has no value for {names}: sending it would be refused until the text "
                "is filled in."
            )
            self.preview_note.setStyleSheet("color: #cf222e")
        else:
            self.preview_note.setText("Every placeholder is filled for this lead.")
            self.preview_note.setStyleSheet("color: #1a7f37")

    def _write(self, action: Callable[[], object], done: Callable[[], None]) -> None:
        """Saved now, or when an import that holds the write lock finishes (ui/common/save_queue:
        Ctrl+Z drops it while it waits); a refusal is the sentence under the text."""

        def said(sentence: str) -> None:
            self.error.setStyleSheet("color: #cf222e")
            self.error.setText(sentence)

        def dropped() -> None:
            said(DROPPED)

        if not save(self, action, lambda _result: done(), say=said, cancelled=dropped):
            self.error.setStyleSheet("")
            self.error.setText(WAITING)

    def save(self) -> None:
        t = self.edited()
        if t is None or self._editing is None:
            return
        original = (self._editing.key, self._editing.product)

        def saved() -> None:
            self.error.setText("")
            self.reload(select=(t.key, t.product))
            self.error.setText("Saved.")
            self.error.setStyleSheet("color: #1a7f37")

        self._write(lambda: self._templates.save(t, original=original), saved)

    def add_product_version(self) -> None:
        t = self.edited()
        if t is None:
            return
        product, ok = QInputDialog.getText(
            self, "Version for a product", f"A version of “{t.name}” for the product:"
        )
        if not ok or not product.strip():
            return
        copy = Template(t.key, product.strip(), f"{t.name} ({product.strip()})", t.subject, t.body)
        self._write(
            lambda: self._templates.save(copy),
            lambda: self.reload(select=(copy.key, copy.product)),
        )

    def remove(self) -> None:
        if self._editing is None:
            return
        key, product = self._editing.key, self._editing.product
        self._write(lambda: self._templates.remove(key, product), self.reload)

    def export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export templates",
            "templates.repdesk-templates",
            "Templates (*.repdesk-templates *.txt)",
        )
        if path:
            try:
                Path(path).write_text(self._templates.export_text(), encoding="utf-8", newline="\n")
            except OSError as exc:
                self.error.setText(f"Cannot write {path}: {exc.strerror or exc}.")

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import templates", "", "Templates (*.repdesk-templates *.txt);;All files (*)"
        )
        if not path:
            return
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.error.setText(f"{path} is not a UTF-8 text file.")
            return
        except OSError as exc:
            self.error.setText(f"Cannot read {path}: {exc.strerror or exc}.")
            return

        def write() -> ImportResult:
            try:
                return self._templates.import_text(text)
            except UserError as exc:
                raise UserError(f"{Path(path).name}, {exc}") from exc

        result: list[ImportResult] = []

        def imported() -> None:
            self.reload()
            self.error.setText(result[0].describe())

        self._write(lambda: result.append(write()), imported)
