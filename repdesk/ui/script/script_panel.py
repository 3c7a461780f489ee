"""The call-script panel: one question at a time, live score and verdict, the call note, draft
autosave (the keys and answers: script_answering; the end of the call: script_call_end)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.conditions import AnswerValue
from repdesk.core.domain import Verdict
from repdesk.core.questions import AnswerType, Question
from repdesk.core.script_flow import (
    applicable,
    format_answer,
    progress,
)
from repdesk.services.common.errors import UserError
from repdesk.services.script.script_run import ScriptRun
from repdesk.ui.common.elided_heading import ElidedHeading
from repdesk.ui.common.save_queue import when_free
from repdesk.ui.common.theme import is_dark
from repdesk.ui.script import script_panel_pages as parts
from repdesk.ui.script.script_answering import ScriptAnswering
from repdesk.ui.script.script_call_end import ScriptCallEnd, ScriptPanelServices
from repdesk.ui.script.script_panel_pages import QUESTIONS, RESULT

__all__ = ["ScriptPanel", "ScriptPanelServices"]

if TYPE_CHECKING:
    from repdesk.ui.team.call_marker import CallMarker


class ScriptPanel(ScriptAnswering, ScriptCallEnd, QWidget):
    sig_changes_made = Signal(object)
    """Emitted with a Changes value after the panel logged a call or finished a qualification."""
    sig_close_requested = Signal()
    """Emitted when the rep closes the panel after the call (or in preview)."""

    def __init__(
        self,
        services: ScriptPanelServices | None,
        *,
        preview: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """`services` None: a preview that asks the questions it is given and saves nothing."""
        super().__init__(parent)
        self.setObjectName("scriptPanel")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.services = services
        self.preview = preview
        self.run: ScriptRun | None = None
        self.answers: dict[str, AnswerValue] = {}
        self.form_answers: dict[str, AnswerValue] = {}  # what the lead wrote on a form
        self.current: Question | None = None
        self._chosen: list[str] = []  # multiple choice being toggled
        self._skipped: set[str] = set()  # optional questions the rep passed over in this call
        self.call_logged = False
        """True once this call's outcome was logged (the inbox then moves on to the next lead)."""
        self.logged_calls: set[int] = set()
        """The activities the call logged (an undo of them sends the panel back to 1–4)."""
        self._started_run: ScriptRun | None = None  # the run as it was when the call began
        self._elapsed = QElapsedTimer()
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._show_time)
        self.call_marker: CallMarker | None = None  # made at the first call on a team database
        self._opening: int | None = None  # the lead whose script waits for an import to open
        self._build()

    # -- construction ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.note_title = QLabel(
            "Call note  (Ctrl+Shift+N; Esc goes back)", objectName="sectionTitle"
        )
        self.note = QPlainTextEdit(objectName="callNote", tabChangesFocus=True)
        self.note.setPlaceholderText("What they said, in your words (saved with the call)")
        self.note.setMaximumHeight(96)
        self.note.setMinimumHeight(44)  # a laptop's height: the question keeps its room
        self.note.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        head = QHBoxLayout()
        # One line, elided on a narrow panel (the detail beside it shows the name whole).
        self.lead_label = ElidedHeading(object_name="detailName")
        self.timer_label = QLabel(
            "00:00",
            objectName="scriptTimer",
            toolTip="Call time",
            styleSheet="font-size: 16px; font-weight: 600; font-family: monospace;",
        )
        head.addWidget(self.lead_label, 1)
        head.addWidget(self.timer_label)
        layout.addLayout(head)
        self.pinned = parts.wrapped("scriptPinned")
        layout.addWidget(self.pinned)
        self.verdict = QLabel(objectName="verdictLabel")
        layout.addWidget(self.verdict)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_questions())
        self.outcome_page = parts.OutcomePage()
        self.outcome_page.sig_outcome_chosen.connect(self._log_call)
        self.outcome_page.sig_discard_requested.connect(self._discard)
        self.result_page = parts.ResultPage()
        self.result_page.sig_close_requested.connect(self._close)
        self.pages.addWidget(self.outcome_page)
        self.pages.addWidget(self.result_page)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.note_title)
        layout.addWidget(self.note)

    def _build_questions(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.progress_label = QLabel(objectName="muted")
        self.progress_bar = QProgressBar(textVisible=False, maximumHeight=6)
        row.addWidget(self.progress_label)
        row.addWidget(self.progress_bar, 1)
        layout.addLayout(row)
        card = QFrame(
            objectName="scriptCard",
            styleSheet="QFrame#scriptCard { border: 1px solid palette(mid); border-radius: 8px; }",
        )
        inner = QVBoxLayout(card)
        inner.setContentsMargins(14, 12, 14, 12)
        self.question_label = parts.wrapped("scriptQuestion")
        self.talk_label = parts.wrapped("talkTrack")
        self.talk_label.setStyleSheet("font-style: italic;")
        # What the lead answered on a form: Enter confirms it, the usual keys change it.
        self.form_label = parts.wrapped("scriptFormAnswer")
        self.form_label.setStyleSheet(
            "QLabel#scriptFormAnswer { background: palette(alternate-base); border-left: 3px solid"
            " palette(highlight); padding: 6px 10px; font-size: 14px; }"
        )
        self.form_label.hide()
        self.options = QListWidget(
            objectName="scriptOptions",
            focusPolicy=Qt.FocusPolicy.NoFocus,
            frameShape=QFrame.Shape.NoFrame,
            styleSheet="QListWidget { background: transparent; font-size: 14px; }"
            "QListWidget::item { padding: 5px 4px; }",
        )
        self.options.itemClicked.connect(lambda item: self._option_picked(self.options.row(item)))
        self.entry = QLineEdit(objectName="scriptAnswer", minimumHeight=30)
        self.entry.installEventFilter(
            self
        )  # Enter is consumed there, so it never also reaches the next question
        self.error_label = parts.wrapped("scriptError")
        self.error_label.setStyleSheet("color: #cf222e;")
        self.hint = parts.wrapped("muted")
        for widget in (
            self.question_label,
            self.talk_label,
            self.form_label,
            self.options,
            self.entry,
            self.error_label,
        ):
            inner.addWidget(widget)
        inner.addSpacing(4)
        inner.addWidget(self.hint)
        layout.addWidget(card)
        layout.addWidget(
            QLabel("ANSWERS SO FAR — click one to change it", objectName="sectionTitle")
        )
        self.answer_list = QListWidget(
            objectName="scriptAnswers", focusPolicy=Qt.FocusPolicy.TabFocus
        )
        self.answer_list.setMinimumHeight(40)
        self.answer_list.itemClicked.connect(self._jump)
        self.answer_list.itemActivated.connect(self._jump)
        layout.addWidget(self.answer_list, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.end_button = QPushButton("End call  (Esc)", focusPolicy=Qt.FocusPolicy.NoFocus)
        self.end_button.clicked.connect(self._end_call)
        buttons.addWidget(self.end_button)
        layout.addLayout(buttons)
        return page

    # -- starting --------------------------------------------------------------------------------
    def start(self, lead_id: int) -> None:
        """Open the script for a lead, resuming its draft if there is one; the call timer starts.
        Opening claims the lead (a write): while an import holds the write lock (or the rep's
        saves wait for it) the script opens once they are made."""
        self.run, self._opening = None, lead_id

        def open_now() -> None:
            if self._opening == lead_id:  # not closed meanwhile, nor another lead's started
                self._opening = None
                self._open(lead_id)

        if not when_free(self, open_now):
            self._show_result(
                "The script opens when the import finishes",
                "An import is writing to the workspace; this lead's script opens by itself then.",
            )

    def _open(self, lead_id: int) -> None:
        """On a team the lead becomes mine when unassigned, and the others see I am on a call."""
        assert self.services is not None
        if self.services.team is not None and not self.preview:
            if self.call_marker is None:
                from repdesk.ui.team.call_marker import CallMarker

                self.call_marker = CallMarker(self.services.team, self)
            self.call_marker.end()  # a call still marked (the rep jumped to another lead)
            try:
                if not self.call_marker.begin(lead_id):
                    return
            except UserError as exc:  # another rep's lead
                QMessageBox.information(self, "repdesk", str(exc))
                return
        self.begin(self.services.qualifications.start_or_resume(lead_id))

    def begin(self, run: ScriptRun) -> None:
        self.run = run
        self.answers = dict(run.answers)
        self.form_answers = run.form_answers
        title = f"Preview — {run.lead_name}" if self.preview else run.lead_name
        self.lead_label.show_heading(title, "" if self.preview else run.company)
        self.timer_label.setVisible(not self.preview)
        self.call_logged = False
        self.logged_calls = set()
        self._started_run = run
        self.pinned.setText(
            "" if self.preview else "On the call: this lead stays in focus until you end it (Esc)."
        )
        self.pinned.setStyleSheet("")
        self.pinned.setVisible(not self.preview)
        self.note.clear()
        self.note.setVisible(not self.preview)
        self.note_title.setVisible(not self.preview)
        self.end_button.setText("Start over  (Esc)" if self.preview else "End call  (Esc)")
        self._elapsed.start()
        self._show_time()
        self._tick.start()
        self._skipped = set()
        self.pages.setCurrentIndex(QUESTIONS)
        self._show(self._next())

    # -- showing ---------------------------------------------------------------------------------
    def _show(self, question: Question | None) -> None:
        assert self.run is not None
        self.current = question
        self._chosen = (
            list(self._shown_answer(question) or ())
            if question and question.answer_type is AnswerType.MULTI_CHOICE
            else []
        )
        self.error_label.hide()
        self.options.clear()
        questions = self.run.questions
        done = progress(questions, self.answers)
        wrote = self.form_answers.get(question.key) if question is not None else None
        self.form_label.setVisible(wrote is not None)
        if question is not None and wrote is not None:
            shown = format_answer(question, wrote)
            self.form_label.setText(f"They wrote: {shown[:1].upper() + shown[1:]}")
        if question is None:
            self.progress_label.setText("Done")
            self.question_label.setText("That's every question.")
            self.talk_label.setText("Thank them, say what happens next, then end the call.")
            self.talk_label.show()
            self.hint.setText("Esc  end the call and save the verdict")
            self.entry.hide()
            self.options.hide()
        else:
            number = [q.key for q in applicable(questions, self.answers)].index(question.key) + 1
            self.progress_label.setText(f"{number} of {done.applicable}")
            self.question_label.setText(
                question.prompt + ("" if question.required else "  (optional)")
            )
            self.talk_label.setText(f"“{question.talk_track}”" if question.talk_track else "")
            self.talk_label.setVisible(bool(question.talk_track))
            self._show_answer_widgets(question)
        self.progress_bar.setRange(0, max(1, done.applicable))
        self.progress_bar.setValue(done.answered if question is not None else done.applicable)
        self._fill_answers()
        self._show_verdict()
        self._focus()

    def _show_answer_widgets(self, question: Question) -> None:
        typed = not (question.answer_type.has_options or question.answer_type is AnswerType.YES_NO)
        self.entry.setVisible(typed)
        self.options.setVisible(not typed)
        self.hint.setText(parts.hint_for(question, confirm=self._unconfirmed(question) is not None))
        previous = self._shown_answer(question)
        if typed:
            self.entry.setText(format_answer(question, previous) if previous is not None else "")
            self.entry.setPlaceholderText(
                parts.PLACEHOLDERS.get(question.answer_type, "type the answer")
            )
            return
        for text, selected in parts.option_rows(question, previous, self._chosen):
            self.options.addItem(text)
            self.options.item(self.options.count() - 1).setSelected(selected)
        self.options.setFixedHeight(
            max(2, self.options.count()) * self.options.sizeHintForRow(0) + 6
        )

    def _fill_answers(self) -> None:
        assert self.run is not None
        self.answer_list.clear()
        for text, key in parts.answer_rows(
            applicable(self.run.questions, self.answers), self.answers
        ):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.answer_list.addItem(item)
            item.setSelected(self.current is not None and key == self.current.key)

    def _show_verdict(self, final: Verdict | None = None, score: int | None = None) -> None:
        assert self.run is not None
        decision = self.run.decide(self.answers)
        verdict = final or decision.verdict
        score = decision.score if score is None else score
        label = verdict.value.replace("_", " ").capitalize()
        pending = final is None and decision.missing_required
        self.verdict.setText(f"{label}{' so far' if pending else ''}  ·  score {score}")
        colours = parts.DARK_VERDICT_COLOURS if is_dark() else parts.VERDICT_COLOURS
        fg, bg = colours[verdict]
        self.verdict.setStyleSheet(f"color: {fg}; background: {bg};")

    def _show_time(self) -> None:
        seconds = self._elapsed.elapsed() // 1000 if self._elapsed.isValid() else 0
        self.timer_label.setText(f"{seconds // 60:02d}:{seconds % 60:02d}")

    @property
    def call_ended(self) -> bool:
        """True on the result page: the call is over (logged or not) and the panel can close."""
        return self.pages.currentIndex() == RESULT

    def close_call(self) -> None:
        """Close the panel after the call (what Enter does on the result page)."""
        self._close()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.run is not None:
            self._show_verdict()  # the banner follows a theme switch

    def focus_answer(self) -> None:
        """Put the keyboard back on the question (or the end-of-call page)."""
        self._focus()

    def focus_note(self) -> None:
        self.note.setFocus()

    def show_pinned_notice(self) -> None:
        """The rep clicked another lead during the call: say why nothing moved."""
        name = self.run.lead_name if self.run is not None else "this lead"
        self.pinned.setText(
            f"You are on a call with {name}: end the call (Esc) before opening another lead."
        )
        self.pinned.setStyleSheet("color: #cf222e; font-weight: 600;")
        self._focus()

    def _focus(self) -> None:
        if self.pages.currentIndex() == QUESTIONS and self.entry.isVisible():
            self.entry.setFocus()
            self.entry.selectAll()
        else:
            self.setFocus()
