"""One undo stack for the window's quick actions, newest first, built from what services return;
and the strip that says what an action did, what comes next, and offers Undo (Ctrl+Z)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from repdesk.core.when import format_moment
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.common.undo_step import UndoStep
from repdesk.ui.common.save_queue import DROPPED, queue_of

MESSAGE_MS = 12_000
KIND_WORDS = {"call": "call", "email": "email", "task": "task"}


def describe(step: UndoStep, now: datetime, zone: tzinfo) -> str:
    """'Voicemail logged · next call Thu 03 Dec 10:00' — what happened and what comes next."""
    nxt = step.next_step
    if nxt is not None:
        when = format_moment(nxt.due_at, now, zone)
        return f"{step.label} · next {KIND_WORDS.get(nxt.kind, nxt.kind)} {when}"
    if step.status_after in ("won", "lost"):
        return f"{step.label} · closed, no further steps"
    return step.label


class UndoStack(QObject):
    sig_changes_made = Signal(object)
    """Emitted with the Changes of an undo (the pages refresh what it concerns)."""
    sig_message = Signal(str, bool)
    """Emitted with what to tell the rep, and whether Undo can take it back."""

    def __init__(
        self,
        undo: Callable[[UndoStep], Changes],
        clock: Callable[[], datetime],
        zone: Callable[[], tzinfo],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._undo = undo
        self._clock = clock
        self._zone = zone
        self._steps: list[UndoStep] = []

    def __len__(self) -> int:
        return len(self._steps)

    def push(self, step: UndoStep) -> None:
        self._steps.append(step)
        self.sig_message.emit(describe(step, self._clock(), self._zone()), True)

    def undo(self) -> None:
        """Take back the newest action; one the lead has moved on from is refused and dropped.
        While an import holds the write lock, a change still waiting for it is dropped unsaved,
        and the undo of a saved one waits in the save queue (ui/common/save_queue)."""
        queue = queue_of(self.parent())
        if queue is not None and queue.cancel_newest():
            self.sig_message.emit(DROPPED, bool(self._steps))
            return
        if not self._steps:
            self.sig_message.emit("Nothing to undo.", False)
            return
        step = self._steps.pop()

        def write() -> Changes | UserError:
            try:
                return self._undo(step)
            except UserError as exc:
                return exc

        def done(result: Changes | UserError) -> None:
            if isinstance(result, UserError):
                self.sig_message.emit(str(result), False)
                return
            more = f" · Ctrl+Z again: {self._steps[-1].label}" if self._steps else ""
            self.sig_message.emit(f"Undone: {step.label}{more}", bool(self._steps))
            self.sig_changes_made.emit(result)

        parent = self.parent()
        widget = parent if isinstance(parent, QWidget) else None
        if queue is None:
            done(write())
        elif not queue.save(widget, write, done, undoable=False):
            self.sig_message.emit(f"Undo waits for the import to finish: {step.label}", False)


class UndoBar(QFrame):
    """The short message after a quick action, with its Undo button; it fades after a while (the
    stack stays: Ctrl+Z still works)."""

    sig_undo_requested = Signal()
    """Emitted when the rep clicks Undo."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 8, 4)
        self.message = QLabel()
        self.message.setObjectName("undoMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton("Undo  (Ctrl+Z)")
        self.button.setObjectName("undoButton")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.sig_undo_requested.emit)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.button)
        self._timer = QTimer(self, singleShot=True, interval=MESSAGE_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, can_undo: bool) -> None:
        self.message.setText(text)
        self.button.setVisible(can_undo)
        self.show()
        self._timer.start()
