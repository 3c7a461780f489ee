"""The end-of-call pages of the script panel: the call outcome (one key each) and the result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from repdesk.core.conditions import AnswerValue
from repdesk.core.domain import CallOutcome, Verdict
from repdesk.core.questions import AnswerType, Question
from repdesk.core.script_flow import format_answer

#: The panel's pages, in its QStackedWidget.
QUESTIONS, OUTCOME, RESULT = range(3)

OUTCOMES = (
    CallOutcome.CONNECTED,
    CallOutcome.VOICEMAIL,
    CallOutcome.NO_ANSWER,
    CallOutcome.WRONG_NUMBER,
)
#: (text, background) of the verdict banner in a light theme …
VERDICT_COLOURS = {
    Verdict.QUALIFIED: ("#1a7f37", "#dafbe1"),
    Verdict.NURTURE: ("#9a6700", "#fff8c5"),
    Verdict.NOT_A_FIT: ("#57606a", "#eaeef2"),
}
#: … and in a dark one (the banner follows the theme).
DARK_VERDICT_COLOURS = {
    Verdict.QUALIFIED: ("#7ee2a8", "#12351f"),
    Verdict.NURTURE: ("#f2cc60", "#3b2e05"),
    Verdict.NOT_A_FIT: ("#c9d1d9", "#30363d"),
}


class OutcomePage(QWidget):
    sig_outcome_chosen = Signal(object)
    """Emitted with the CallOutcome the rep clicked (keys 1–4 are handled by the panel)."""
    sig_discard_requested = Signal()
    """Emitted when the rep clicks Discard — no call happened (key D is handled by the panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        title = wrapped("scriptOutcomeTitle", "How did the call end?")
        title.setStyleSheet("font-size: 17px; font-weight: 600;")
        layout.addWidget(title)
        for number, outcome in enumerate(OUTCOMES, start=1):
            button = QPushButton(f"{number}    {outcome.value.replace('_', ' ').capitalize()}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet("text-align: left; padding: 8px 12px; font-size: 14px;")
            button.clicked.connect(lambda _=False, o=outcome: self.sig_outcome_chosen.emit(o))
            layout.addWidget(button)
        discard = QPushButton("D    Discard — no call happened (nothing is logged)")
        discard.setObjectName("discardCall")
        discard.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        discard.setStyleSheet("text-align: left; padding: 8px 12px; font-size: 14px;")
        discard.clicked.connect(self.sig_discard_requested.emit)
        layout.addWidget(discard)
        back = QLabel("Press 1–4, D to discard, or Esc to go back to the questions.")
        back.setObjectName("muted")
        layout.addWidget(back)
        layout.addStretch(1)


class ResultPage(QWidget):
    sig_close_requested = Signal()
    """Emitted when the rep clicks Close (Enter and Esc are handled by the panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.title = wrapped("scriptResultTitle")
        self.title.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.body = wrapped("scriptNextSteps")
        self.body.setStyleSheet("font-size: 14px;")
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton("Close  (Enter)")
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.sig_close_requested.emit)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addSpacing(8)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def show_text(self, title: str, body: str) -> None:
        self.title.setText(title)
        self.body.setText(body)


PLACEHOLDERS = {
    AnswerType.DATE: "YYYY-MM-DD, e.g. 2025-03-31",
    AnswerType.MONEY: "an amount, e.g. 12,500 or $12k",
    AnswerType.NUMBER: "a number",
}


def option_rows(
    question: Question, previous: AnswerValue | None, chosen: list[str]
) -> list[tuple[str, bool]]:
    """(text, selected) per option row: the key to press, a tick box for multiple choice, the
    label."""
    if question.answer_type is AnswerType.YES_NO:
        return [("Y    Yes", previous is True), ("N    No", previous is False)]
    rows = []
    for number, option in enumerate(question.options, start=1):
        key = str(number) if number <= 9 else "  "
        if question.answer_type is AnswerType.MULTI_CHOICE:
            rows.append((f"{key}    {'☑' if option.key in chosen else '☐'}  {option.label}", False))
        else:
            rows.append((f"{key}    {option.label}", previous == option.key))
    return rows


def hint_for(question: Question, *, confirm: bool = False) -> str:
    """The keys that work on this question, for the line under it; `confirm` when the lead
    answered it on a form and the call has not yet."""
    if confirm:
        if question.answer_type is AnswerType.YES_NO:
            change = "Y / N  change"
        elif question.answer_type is AnswerType.CHOICE:
            change = "1–9  change"
        elif question.answer_type is AnswerType.MULTI_CHOICE:
            change = "1–9  tick or untick"
        else:
            change = "type to change"
        return f"Enter  confirm what they wrote   ·   {change}   ·   Esc  end call"
    skip = "" if question.required else "   ·   Enter  skip"
    if question.answer_type is AnswerType.YES_NO:
        keys = "Y / N  answer and go on" + skip
    elif question.answer_type is AnswerType.MULTI_CHOICE:
        keys = "1–9  tick   ·   Enter  accept" + ("  (none: skip)" if not question.required else "")
    elif question.answer_type is AnswerType.CHOICE:
        keys = "1–9  choose and go on" + skip
    else:
        keys = "Enter  accept and go on" + ("  (empty: skip)" if not question.required else "")
    return keys + "   ·   Esc  end call"


def answer_rows(
    questions: Sequence[Question], answers: Mapping[str, AnswerValue]
) -> list[tuple[str, str]]:
    """(text, key) for each answered question: the prompt, and the answer on the line below."""
    rows = []
    for q in questions:
        if answers.get(q.key) is not None:
            shown = format_answer(q, answers[q.key])
            rows.append((f"{q.prompt}\n      →  {shown[:1].upper() + shown[1:]}", q.key))
    return rows


def draft_text(missing: list[str], questions: Mapping[str, Question]) -> str:
    names = "\n".join(f"•  {questions[k].prompt}" for k in missing if k in questions)
    return (
        f"The answers are saved as a draft. Still to ask:\n{names}\n\n"
        "Select the lead and press Ctrl+K to pick up where you left off."
    )


def wrapped(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label
