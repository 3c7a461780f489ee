"""The Scripts page: edit question sets and verdict rules (saving, the preview, export and import
are its actions: scripts_actions)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.questions import AnswerType, Question, QuestionSet, SetKind
from repdesk.services.common.errors import UserError
from repdesk.services.script.script_service import (
    ScriptService,
    ScriptVersions,
    parse_rules_text,
    rules_text,
)
from repdesk.ui.common.flow_layout import FlowLayout
from repdesk.ui.common.wrapping_list import wrap_items
from repdesk.ui.script.question_editor import QuestionEditor
from repdesk.ui.script.scripts_actions import ScriptsActions


class ScriptsPage(ScriptsActions, QWidget):
    def __init__(self, scripts: ScriptService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scriptsPage")
        self.scripts = scripts
        self.sets: list[QuestionSet] = []
        self.dirty = False
        # The versions the edit started from (a save from a stale view is refused).
        self._seen = ScriptVersions()
        self._build()

    # -- construction ----------------------------------------------------------------------------
    def _build(self) -> None:
        # The title and the buttons (Save among them) stay in view and wrap on a narrow window;
        # the editors below scroll rather than forcing their size on the main window.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 0)
        top = QHBoxLayout()
        title = QLabel("Qualification scripts", objectName="pageTitle")
        self.summary = QLabel(objectName="muted", wordWrap=True)
        top.addWidget(title)
        top.addWidget(self.summary, 1)
        outer.addLayout(top)
        buttons = FlowLayout()
        for text, slot, tip, name in (
            (
                "Preview as the rep sees it",
                self.preview,
                "Run the script with keys, nothing saved",
                "scriptsPreview",
            ),
            ("Export…", self.export_file, "Write the stored sets and rules to a text file", ""),
            ("Import…", self.import_file, "Check a script file and store new versions", ""),
            ("Revert", self.load, "Throw away unsaved edits", "scriptsRevert"),
            ("Save  (Ctrl+S)", self.save, "Store new versions of what changed", "scriptsSave"),
        ):
            button = QPushButton(text, toolTip=tip)
            if name:
                button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.save_button = button
        outer.addLayout(buttons)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        content = QWidget()
        content.setMinimumSize(780, 520)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 6, 0, 8)
        self.status = QLabel(objectName="scriptsStatus", wordWrap=True)
        layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_sets())
        split.addWidget(self._build_questions())
        self.editor = QuestionEditor()
        self.editor.sig_question_edited.connect(self._question_edited)
        split.addWidget(_titled("Question", self.editor))
        split.setSizes([240, 300, 560])
        rules_box = QWidget()
        rules_layout = QVBoxLayout(rules_box)
        rules_layout.setContentsMargins(0, 0, 0, 0)
        self.rules = QPlainTextEdit(objectName="scriptRules")
        self.rules.setFont(QFont("monospace"))
        self.rules.setToolTip("First matching rule wins; the last line is 'default VERDICT'")
        self.rules.textChanged.connect(self._rules_edited)
        self.rules_error = QLabel(objectName="rulesError", wordWrap=True)
        self.rules_error.setStyleSheet("color: #cf222e;")
        rules_layout.addWidget(_titled("Verdict rules — first match wins", self.rules))
        rules_layout.addWidget(self.rules_error)
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(split)
        vertical.addWidget(rules_box)
        vertical.setSizes([560, 180])
        layout.addWidget(vertical, 1)
        save = QShortcut(
            QKeySequence("Ctrl+S"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        save.activated.connect(self.save)

    def _build_sets(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.set_list = QListWidget(objectName="scriptSets", styleSheet=_ITEMS)
        wrap_items(self.set_list)  # a long set name wraps in its column
        self.set_list.currentRowChanged.connect(self._set_chosen)
        layout.addWidget(_titled("Question sets", self.set_list), 1)
        form = QFormLayout()
        self.set_name = QLineEdit(objectName="setName")
        self.set_product = QLineEdit(
            objectName="setProduct", toolTip="The lead's product that gets this set"
        )
        self.set_name.textEdited.connect(self._set_edited)
        self.set_product.textEdited.connect(self._set_edited)
        form.addRow("Name", self.set_name)
        form.addRow("Product", self.set_product)
        layout.addLayout(form)
        row = QHBoxLayout()
        for text, slot in (("Add product set", self._add_set), ("Remove", self._remove_set)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        return box

    def _build_questions(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.question_list = QListWidget(objectName="scriptQuestionList", styleSheet=_ITEMS)
        wrap_items(self.question_list)  # "key · type · required · on forms" wraps, never cut
        self.question_list.currentRowChanged.connect(self._question_chosen)
        layout.addWidget(_titled("Questions, in asking order", self.question_list), 1)
        row = QHBoxLayout()
        for text, slot, tip in (
            ("Add", self._add_question, "Add a question after this one"),
            ("↑", lambda: self._move(-1), "Move up (Ctrl+Up)"),
            ("↓", lambda: self._move(1), "Move down (Ctrl+Down)"),
            ("Remove", self._remove_question, "Remove this question"),
        ):
            button = QPushButton(text, toolTip=tip)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        self.question_list.installEventFilter(
            self
        )  # Ctrl+Up/Down reorder (the list would only move the cursor)
        return box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (
            watched is self.question_list
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
        ):
            self._move(-1 if event.key() == Qt.Key.Key_Up else 1)
            return True
        return super().eventFilter(watched, event)

    # -- loading ---------------------------------------------------------------------------------
    def activate(self) -> None:
        if not self.sets or not self.dirty:
            self.load()

    def load(self) -> None:
        stored = self.scripts.current()
        self._seen = stored.versions
        self.sets = list(stored.bundle.sets)
        self.rules.blockSignals(True)
        self.rules.setPlainText(rules_text(stored.bundle.rules))
        self.rules.blockSignals(False)
        self.rules_error.hide()
        versions = ", ".join(f"{s.key} v{s.version}" for s in self.sets)
        self.summary.setText(f"{len(self.sets)} sets · {versions}")
        self._fill_sets(0)
        self._mark(False)

    def _fill_sets(self, row: int) -> None:
        self.set_list.blockSignals(True)
        self.set_list.clear()
        for s in self.sets:
            kind = "core" if s.kind is SetKind.CORE else f"product: {s.product}"
            self.set_list.addItem(f"{s.name}\n    {kind} · {len(s.questions)} questions")
        self.set_list.blockSignals(False)
        self.set_list.setCurrentRow(min(row, len(self.sets) - 1))
        self._set_chosen(self.set_list.currentRow())

    def _fill_questions(self, row: int) -> None:
        current = self._current_set()
        self.question_list.blockSignals(True)
        self.question_list.clear()
        for q in current.questions if current else ():
            self.question_list.addItem(_row_text(q))
        self.question_list.blockSignals(False)
        self.question_list.setCurrentRow(
            row if current and 0 <= row < len(current.questions) else -1
        )
        self._question_chosen(self.question_list.currentRow())

    # -- editing ---------------------------------------------------------------------------------
    def _current_set(self) -> QuestionSet | None:
        row = self.set_list.currentRow()
        return self.sets[row] if 0 <= row < len(self.sets) else None

    def _set_chosen(self, row: int) -> None:
        current = self._current_set()
        self.set_name.setText(current.name if current else "")
        self.set_product.setText(current.product if current else "")
        self.set_product.setEnabled(current is not None and current.kind is SetKind.PRODUCT)
        self._fill_questions(0)

    def _question_chosen(self, row: int) -> None:
        current = self._current_set()
        self.editor.show_question(
            current.questions[row] if current and 0 <= row < len(current.questions) else None
        )

    def _replace_set(self, new: QuestionSet, question_row: int | None = None) -> None:
        row = self.set_list.currentRow()
        self.sets[row] = new
        self._mark(True)
        if question_row is not None:
            self._fill_questions(question_row)

    def _set_edited(self) -> None:
        current = self._current_set()
        if current is None:
            return
        product = self.set_product.text().strip() if current.kind is SetKind.PRODUCT else ""
        self.sets[self.set_list.currentRow()] = replace(
            current, name=self.set_name.text().strip(), product=product
        )
        kind = "core" if current.kind is SetKind.CORE else f"product: {product}"
        self.set_list.currentItem().setText(
            f"{self.set_name.text().strip()}\n    {kind} · {len(current.questions)} questions"
        )
        self._mark(True)

    def _question_edited(self, question: Question) -> None:
        current, row = self._current_set(), self.question_list.currentRow()
        if current is None or row < 0:
            return
        questions = list(current.questions)
        questions[row] = question
        self._replace_set(replace(current, questions=tuple(questions)))
        self.question_list.item(row).setText(_row_text(question))

    def _add_question(self) -> None:
        current = self._current_set()
        if current is None:
            return
        keys = {q.key for s in self.sets for q in s.questions}
        number = next(n for n in range(1, 10_000) if f"question_{n}" not in keys)
        new = Question(f"question_{number}", "New question", AnswerType.TEXT)
        row = self.question_list.currentRow() + 1
        questions = list(current.questions)
        questions.insert(row, new)
        self._replace_set(replace(current, questions=tuple(questions)), row)
        self.editor.prompt.setFocus()
        self.editor.prompt.selectAll()

    def _remove_question(self) -> None:
        current, row = self._current_set(), self.question_list.currentRow()
        if current is None or row < 0:
            return
        questions = list(current.questions)
        del questions[row]
        self._replace_set(
            replace(current, questions=tuple(questions)), min(row, len(questions) - 1)
        )

    def _move(self, step: int) -> None:
        current, row = self._current_set(), self.question_list.currentRow()
        if (
            current is None
            or not (0 <= row < len(current.questions))
            or not (0 <= row + step < len(current.questions))
        ):
            return
        questions = list(current.questions)
        questions[row], questions[row + step] = questions[row + step], questions[row]
        self._replace_set(replace(current, questions=tuple(questions)), row + step)
        self.question_list.setFocus()

    def _add_set(self) -> None:
        keys = {s.key for s in self.sets}
        number = next(n for n in range(1, 10_000) if f"product_{n}" not in keys)
        key = f"product_{number}"
        starter = Question(
            f"{key}_goal",
            "What do they want from this product?",
            AnswerType.TEXT,
            required=True,
            weight=1.0,
        )
        self.sets.append(QuestionSet(key, "New product set", SetKind.PRODUCT, key, (starter,)))
        self._mark(True)
        self._fill_sets(len(self.sets) - 1)
        self.set_name.setFocus()
        self.set_name.selectAll()

    def _remove_set(self) -> None:
        current = self._current_set()
        if current is None or current.kind is SetKind.CORE:
            self._say("The core set cannot be removed: every run asks it.", error=True)
            return
        row = self.set_list.currentRow()
        del self.sets[row]
        self._mark(True)
        self._fill_sets(max(0, row - 1))

    def _rules_edited(self) -> None:
        self._mark(True)
        try:
            parse_rules_text(self.rules.toPlainText())
        except UserError as exc:
            self.rules_error.setText(str(exc))
            self.rules_error.show()
            return
        self.rules_error.hide()

    def _mark(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setText("Save *  (Ctrl+S)" if dirty else "Save  (Ctrl+S)")
        if dirty:
            self.status.clear()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #cf222e;" if error else "color: #1a7f37;")
        self.status.setText(text)


_ITEMS = "QListWidget::item { padding: 3px 2px; }"


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title.upper(), objectName="sectionTitle")
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box


def _row_text(q: Question) -> str:
    """A question's row: its prompt, then key, type and flags (required, conditional, on forms)."""
    flags = ["required" if q.required else "optional"]
    flags += ["conditional"] if q.condition else []
    flags += ["on forms"] if q.on_forms else []
    return f"{q.prompt}\n    {q.key} · {q.answer_type.value} · {' · '.join(flags)}"
