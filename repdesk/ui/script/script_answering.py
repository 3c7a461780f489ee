"""Answering on the call-script panel: the keys (1–9, Y / N, Enter confirms what they wrote on
the form, Esc ends the call, D discards it), typed answers, skipped optional questions and the
next question. Mixed into ScriptPanel, whose state it uses; each answer autosaves the draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidgetItem, QPlainTextEdit, QStackedWidget

from repdesk.core.conditions import AnswerValue
from repdesk.core.domain import CallOutcome
from repdesk.core.questions import AnswerType, Question
from repdesk.core.script_flow import applicable, parse_answer
from repdesk.ui.common.save_queue import save
from repdesk.ui.script import script_panel_pages as parts
from repdesk.ui.script.script_panel_pages import OUTCOME, QUESTIONS, RESULT

if TYPE_CHECKING:
    from repdesk.services.script.script_run import ScriptRun
    from repdesk.ui.script.script_call_end import ScriptPanelServices

_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


class ScriptAnswering:
    """The answering part of ScriptPanel (a QWidget: `super()` reaches its event handlers)."""

    run: ScriptRun | None
    answers: dict[str, AnswerValue]
    form_answers: dict[str, AnswerValue]
    current: Question | None
    _chosen: list[str]
    _skipped: set[str]
    pages: QStackedWidget
    entry: QLineEdit
    note: QPlainTextEdit
    error_label: QLabel
    _opening: int | None
    preview: bool
    services: ScriptPanelServices | None

    if TYPE_CHECKING:  # the panel's own steps that answering leads to (script_panel)

        def _show(self, question: Question | None) -> None: ...
        def _show_answer_widgets(self, question: Question) -> None: ...
        def _focus(self) -> None: ...
        def _end_call(self) -> None: ...
        def _log_call(self, outcome: CallOutcome) -> None: ...
        def _discard(self) -> None: ...
        def _close(self) -> None: ...

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
        closes = page == RESULT and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
        if closes and (self.run is not None or self._opening is not None):
            self._close()  # a script still waiting for an import to open closes too
        elif self.run is None:
            super().keyPressEvent(event)
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

    def _jump(self, item: QListWidgetItem) -> None:
        assert self.run is not None
        key = item.data(Qt.ItemDataRole.UserRole)
        question = next((q for q in self.run.questions if q.key == key), None)
        if question is not None:
            self._show(question)

    def _autosave(self) -> None:
        if self.preview or self.run is None or self.run.lead_id is None or self.services is None:
            return
        if not self.answers and not self.run.resumed:
            return  # nothing asked yet: no empty draft
        lead_id, answers, drafts = (
            self.run.lead_id,
            dict(self.answers),
            self.services.qualifications,
        )
        # While an import holds the write lock the draft waits (the newest answers, once).
        save(
            self,
            lambda: drafts.save_draft(lead_id, answers),
            lambda _changes: None,
            key=("draft", lead_id),
            undoable=False,
        )
