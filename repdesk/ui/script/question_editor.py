"""The form that edits one qualification question: key, prompt, talk track, form wording, type,
options, condition, weight."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.conditions import ConditionError, format_condition, parse_condition
from repdesk.core.questions import POINTS_SUFFIX_RE, AnswerType, Option, Question

TYPE_LABELS = {
    AnswerType.YES_NO: "Yes / no",
    AnswerType.CHOICE: "One choice",
    AnswerType.MULTI_CHOICE: "Several choices",
    AnswerType.NUMBER: "Number",
    AnswerType.MONEY: "Money",
    AnswerType.DATE: "Date",
    AnswerType.TEXT: "Text",
}


class QuestionEditor(QWidget):
    sig_question_edited = Signal(object)
    """Emitted with the edited Question whenever the form holds a readable question."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionEditor")
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.key = QLineEdit(
            objectName="questionKey", toolTip="Stable key used by answers, rules and forms"
        )
        self.prompt = QLineEdit(objectName="questionPrompt", toolTip="Short: what the rep sees")
        self.talk = QPlainTextEdit(objectName="questionTalk", toolTip="What the rep reads aloud")
        self.talk.setMaximumHeight(74)
        self.form_prompt = QLineEdit(
            objectName="questionFormPrompt",
            toolTip="What a prospect reads on web forms and the printed sheet; "
            "leave empty to keep the question off forms",
        )
        self.form_prompt.setPlaceholderText("Leave empty to keep it off forms")
        self.kind = QComboBox(objectName="questionType")
        for kind, label in TYPE_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.options = QPlainTextEdit(objectName="questionOptions")
        self.options.setPlaceholderText("One per line:  key: Label (points 0.5)")
        self.options.setMaximumHeight(110)
        self.required = QCheckBox("Must be answered to finish", objectName="questionRequired")
        self.condition = QLineEdit(objectName="questionCondition")
        self.condition.setPlaceholderText(
            "Ask only when…  e.g. need = yes and timeline in (this_month, 1_3_months)"
        )
        self.weight = QDoubleSpinBox(
            objectName="questionWeight", decimals=2, maximum=100.0, singleStep=0.5
        )
        self.weight.setToolTip("How much the question counts in the 0–100 score (0: not at all)")
        for label, widget in (
            ("Key", self.key),
            ("Prompt", self.prompt),
            ("Talk track", self.talk),
            ("On forms", self.form_prompt),
            ("Answer type", self.kind),
            ("Options", self.options),
            ("", self.required),
            ("Ask when", self.condition),
            ("Weight", self.weight),
        ):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error = QLabel(objectName="questionError", wordWrap=True)
        self.error.setStyleSheet("color: #cf222e;")
        layout.addWidget(self.error)
        layout.addStretch(1)
        for signal in (
            self.key.textEdited,
            self.prompt.textEdited,
            self.talk.textChanged,
            self.form_prompt.textEdited,
            self.options.textChanged,
            self.condition.textEdited,
            self.required.toggled,
            self.kind.currentIndexChanged,
            self.weight.valueChanged,
        ):
            signal.connect(self._edited)
        self.error_text = ""

    def show_question(self, question: Question | None) -> None:
        self._loading = True
        self.setEnabled(question is not None)
        q = question or Question("", "", AnswerType.TEXT)
        self.key.setText(q.key)
        self.prompt.setText(q.prompt)
        self.talk.setPlainText(q.talk_track)
        self.form_prompt.setText(q.form_prompt)
        self.kind.setCurrentIndex(self.kind.findData(q.answer_type.value))
        self.options.setPlainText("\n".join(_option_line(o) for o in q.options))
        self.required.setChecked(q.required)
        self.condition.setText(format_condition(q.condition) if q.condition is not None else "")
        self.weight.setValue(q.weight)
        self._answered_points = q.answered_points
        self._loading = False
        self._set_error("")
        self._sync_options_enabled()

    def question(self) -> Question:
        """The question the form holds; ValueError says which field cannot be read."""
        kind = AnswerType(self.kind.currentData())
        condition = None
        if self.condition.text().strip():
            try:
                condition = parse_condition(self.condition.text())
            except ConditionError as exc:
                raise ValueError(f"Ask when: {exc}") from None
        options = (
            tuple(
                _parse_option(line, n)
                for n, line in enumerate(self.options.toPlainText().splitlines(), 1)
                if line.strip()
            )
            if kind.has_options
            else ()
        )
        return Question(
            key=self.key.text().strip(),
            prompt=" ".join(self.prompt.text().split()),
            answer_type=kind,
            talk_track=" ".join(self.talk.toPlainText().split()),
            options=options,
            required=self.required.isChecked(),
            condition=condition,
            weight=self.weight.value(),
            answered_points=self._answered_points,
            form_prompt=" ".join(self.form_prompt.text().split()),
        )

    def _edited(self) -> None:
        if self._loading:
            return
        self._sync_options_enabled()
        try:
            question = self.question()
        except ValueError as exc:
            self._set_error(str(exc))
            return
        problems = question.validate()
        self._set_error(
            problems[0][:1].upper() + problems[0][1:] + "."
            if problems and not problems[0].startswith("the condition names")
            else ""
        )
        self.sig_question_edited.emit(question)

    def _set_error(self, text: str) -> None:
        self.error_text = text
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _sync_options_enabled(self) -> None:
        self.options.setEnabled(AnswerType(self.kind.currentData()).has_options)


def _option_line(option: Option) -> str:
    points = "" if option.points is None else f" (points {option.points:g})"
    return f"{option.key}: {option.label}{points}"


def _parse_option(line: str, number: int) -> Option:
    key, sep, label = line.strip().partition(":")
    if not sep:
        raise ValueError(f"Options line {number}: write 'key: Label', e.g. this_month: This month")
    label = label.strip()
    match = POINTS_SUFFIX_RE.search(label)
    if match is None:
        return Option(key.strip(), label)
    try:
        points = float(match.group(1))
    except ValueError:
        raise ValueError(f"Options line {number}: points must be a number from 0 to 1") from None
    return Option(key.strip(), label[: match.start()].rstrip(), points)
