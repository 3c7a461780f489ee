"""The call-script panel: one question at a time by keyboard, live score and verdict, draft
autosave, end of call."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent
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
from repdesk.core.domain import ActivityKind, CallOutcome, Verdict
from repdesk.core.questions import AnswerType, Question
from repdesk.core.script_flow import (
    applicable,
    format_answer,
    parse_answer,
    progress,
)
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.script.qualification_service import ScriptRun
from repdesk.ui.common.theme import is_dark
from repdesk.ui.script import script_panel_pages as parts

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.services.team.claims import TeamQueue
    from repdesk.ui.email.composer import EmailServices
    from repdesk.ui.team.call_marker import CallMarker

_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
QUESTIONS, OUTCOME, RESULT = range(3)


@dataclass(frozen=True)
class ScriptPanelServices:
    """What a call uses: the script run and its verdict, the call log, the workspace's zone."""

    qualifications: QualificationService
    leads: LeadService
    time: WorkspaceTime
    email: EmailServices | None = None
    """The not-a-fit reply sent from repdesk when an outgoing account is set up (ui/email)."""
    team: TeamQueue | None = None
    """Claims and call markers: the others see who is on a call with the lead (ui/team)."""


class ScriptPanel(QWidget):
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
        self._started_run: ScriptRun | None = None  # the run as it was when the call began
        self._elapsed = QElapsedTimer()
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._show_time)
        self.call_marker: CallMarker | None = None  # made at the first call on a team database
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
        self.lead_label = QLabel(objectName="detailName")
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
        On a team the lead becomes mine when unassigned, and the others see I am on a call."""
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
        self.lead_label.setText(
            title
            + (
                f"  <span style='font-size:13px; font-weight:400'>· {run.company}</span>"
                if run.company and not self.preview
                else ""
            )
        )
        self.timer_label.setVisible(not self.preview)
        self.call_logged = False
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

    # -- answering -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (
            watched is self.note
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self._focus()  # out of the note, back to answering
            return True
        if (
            watched is self.entry
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._accept_typed()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        page = self.pages.currentIndex()
        if self.run is None:
            super().keyPressEvent(event)
        elif page == RESULT and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self._close()
        elif page == OUTCOME and key == Qt.Key.Key_Escape:
            self.pages.setCurrentIndex(QUESTIONS)
            self._focus()
        elif page == OUTCOME and key == Qt.Key.Key_D:
            self._discard()
        elif page == OUTCOME and _DIGITS.get(key, 0) in range(1, len(parts.OUTCOMES) + 1):
            self._log_call(parts.OUTCOMES[_DIGITS[key] - 1])
        elif page == QUESTIONS and key == Qt.Key.Key_Escape:
            self._end_call()
        elif page == QUESTIONS and not self._question_key(event):
            super().keyPressEvent(event)

    def _question_key(self, event: QKeyEvent) -> bool:
        q, key = self.current, event.key()
        if q is None or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        if q.answer_type is AnswerType.YES_NO and key in (Qt.Key.Key_Y, Qt.Key.Key_N):
            self._answer(q, key == Qt.Key.Key_Y)
        elif q.answer_type.has_options and key in _DIGITS and _DIGITS[key] <= len(q.options):
            self._option_picked(_DIGITS[key] - 1)
        elif q.answer_type is AnswerType.MULTI_CHOICE and key in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self._accept_multi()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._unconfirmed(q) is not None:
            self._answer(q, self._unconfirmed(q))  # what they wrote on the form, confirmed
        elif not q.required and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._skip(q)
        elif self.entry.isVisible() and event.text().strip():
            self.entry.setFocus()  # typing while focus wandered off: it goes into the answer
            self.entry.insert(event.text())
        else:
            return False
        return True

    def _option_picked(self, index: int) -> None:
        q = self.current
        if q is None or not (q.answer_type.has_options or q.answer_type is AnswerType.YES_NO):
            return
        if q.answer_type is AnswerType.YES_NO:
            self._answer(q, index == 0)
        elif q.answer_type is AnswerType.CHOICE:
            self._answer(q, q.options[index].key)
        else:
            key = q.options[index].key
            if key in self._chosen:
                self._chosen.remove(key)
            else:
                self._chosen.append(key)
            self._chosen.sort(key=[o.key for o in q.options].index)
            self._show_answer_widgets(q)
            self._focus()

    def _accept_multi(self) -> None:
        if self.current is None:
            return
        if not self._chosen:
            if not self.current.required:
                self._skip(self.current)
                return
            self._error("Choose at least one option with 1–9, then press Enter.")
            return
        self._answer(self.current, tuple(self._chosen))

    def _accept_typed(self) -> None:
        if self.current is None:
            return
        if not self.entry.text().strip() and not self.current.required:
            self._skip(self.current)
            return
        try:
            value = parse_answer(self.current, self.entry.text())
        except ValueError as exc:
            self._error(str(exc)[:1].upper() + str(exc)[1:] + ".")
            return
        self._answer(self.current, value)

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _answer(self, question: Question, value: AnswerValue) -> None:
        assert self.run is not None
        self.answers[question.key] = value
        self._skipped.discard(question.key)
        self._autosave()
        self._show(self._next())

    def _skip(self, question: Question) -> None:
        self._skipped.add(question.key)
        self._show(self._next())

    def _next(self) -> Question | None:
        """The first question that applies, is unanswered and was not skipped (core.script_flow
        order)."""
        assert self.run is not None
        return next(
            (
                q
                for q in applicable(self.run.questions, self.answers)
                if q.key not in self._skipped and self.answers.get(q.key) is None
            ),
            None,
        )

    def _answer_of(self, question: Question | None) -> AnswerValue | None:
        return self.answers.get(question.key) if question is not None else None

    def _unconfirmed(self, question: Question) -> AnswerValue | None:
        """The form's answer to a question the call has not answered yet (Enter confirms it)."""
        if question.key in self.answers:
            return None
        return self.form_answers.get(question.key)

    def _shown_answer(self, question: Question | None) -> AnswerValue | None:
        """The call's answer, else what they wrote on the form (pre-selected, pre-filled)."""
        if question is None:
            return None
        answer = self._answer_of(question)
        return answer if answer is not None else self.form_answers.get(question.key)

    def _autosave(self) -> None:
        if self.preview or self.run is None or self.run.lead_id is None or self.services is None:
            return
        if not self.answers and not self.run.resumed:
            return  # nothing asked yet: no empty draft
        self.services.qualifications.save_draft(self.run.lead_id, self.answers)

    def _jump(self, item: QListWidgetItem) -> None:
        assert self.run is not None
        key = item.data(Qt.ItemDataRole.UserRole)
        question = next((q for q in self.run.questions if q.key == key), None)
        if question is not None:
            self._show(question)

    # -- ending ----------------------------------------------------------------------------------
    def _end_call(self) -> None:
        if self.preview:  # a preview starts over instead of logging a call
            if self.run is not None:
                self.begin(replace(self.run, answers={}))
            return
        self.pages.setCurrentIndex(OUTCOME)
        self.setFocus()

    def _log_call(self, outcome: CallOutcome) -> None:
        assert self.run is not None and self.services is not None and self.run.lead_id is not None
        self._tick.stop()
        if self.call_marker is not None:
            self.call_marker.end()
        seconds = max(1, math.ceil(self._elapsed.elapsed() / 1000))
        lead_id = self.run.lead_id
        label = outcome.value.replace("_", " ")
        try:
            # The answers are saved first, so the call's Undo takes back just the call (and the
            # qualification it finished), never the answers the rep gave.
            self._autosave()
            changes = self.services.leads.log_activity(
                lead_id,
                ActivityKind.CALL,
                outcome=outcome.value,
                duration_seconds=seconds,
                body=self.note.toPlainText().strip() or "Qualification call",
            )
            self.call_logged = True
            missing = self.run.decide(self.answers).missing_required
            if missing:
                self._show_result(
                    f"Call logged ({label}, {seconds // 60}:{seconds % 60:02d})",
                    parts.draft_text(missing, {q.key: q for q in self.run.questions}),
                )
            else:
                result = self.services.qualifications.finish(lead_id, self.answers)
                changes = changes | result.changes
                if changes.undo is not None:  # one action for the rep: one Undo
                    verdict = result.verdict.value.replace("_", " ")
                    undo = changes.undo.relabel(f"Call logged ({label}) · {verdict}")
                    changes = replace(changes, undo=undo)
                self._show_verdict(result.verdict, result.score)
                if result.reply is not None:
                    from repdesk.ui.email.composer import can_send, open_composer

                    email = self.services.email if self.services is not None else None
                    if email is not None and can_send(email):  # the not-a-fit template, from here
                        open_composer(self, email, lead_id)
                    else:
                        QGuiApplication.clipboard().setText(result.reply.body)
                        QDesktopServices.openUrl(QUrl(result.reply.mailto))
                self._show_result(
                    f"Call logged ({label}) and qualification saved",
                    result.next_steps(self.services.time.zone()) + ".",
                )
        except UserError as exc:
            self._show_result("Could not save", str(exc))
            changes = Changes(
                leads=True, activities=True, follow_ups=True
            )  # the call may be logged already
        self.sig_changes_made.emit(changes)

    def _show_result(self, title: str, body: str) -> None:
        self.result_page.show_text(title, body)
        self.pages.setCurrentIndex(RESULT)
        self.setFocus()

    def _discard(self) -> None:
        """Discard — no call happened: nothing is logged and the draft is as it was before."""
        if self.services is not None and self._started_run is not None:
            self.services.qualifications.discard_draft(self._started_run)
        self.call_logged = False
        self._close()

    def _close(self) -> None:
        self._tick.stop()
        if self.call_marker is not None:
            self.call_marker.end()
        self.run = None
        self.sig_close_requested.emit()
