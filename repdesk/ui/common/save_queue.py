"""The user's own saves wait for a long import instead of failing: while an import holds the
workspace's write lock, a save is queued ("saving when the import finishes") and made, in the
order the user made them, as soon as the lock is free.

The main window owns one SaveQueue (`install`); pages and dialogs reach it with `save(widget,
...)`. A page shown without a window that has one (a test of the page alone) saves at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget

from repdesk.services.common.errors import UserError, is_locked, user_sentence

#: How often a waiting save looks whether the import is done (milliseconds).
RETRY_MS = 400

Action = Callable[[], Any]
Done = Callable[[Any], None]


@dataclass
class _Save:
    action: Action
    done: Done
    widget: QWidget
    refused: Callable[[], None] | None = None


class SaveQueue(QObject):
    sig_waiting_changed = Signal(int)
    """Emitted with how many saves wait (0: all of them are made)."""
    sig_saved_after_wait = Signal(int)
    """Emitted with how many waiting saves were made when the lock came free."""

    def __init__(self, lock_held: Callable[[], bool], parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("saveQueue")
        self._lock_held = lock_held
        self._waiting: deque[_Save] = deque()
        self._made = 0
        self._timer = QTimer(self)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(self._drain)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def save(
        self,
        widget: QWidget,
        action: Action,
        done: Done,
        refused: Callable[[], None] | None = None,
    ) -> None:
        """Make the save now (`done(its result)`), or queue it while an import holds the lock;
        a refusal (UserError and other expected errors) is one sentence in a message box, then
        `refused()`."""
        item = _Save(action, done, widget, refused)
        if self._waiting or self._held():
            self._wait(item)
            return
        if not self._make(item):
            self._wait(item)

    def _held(self) -> bool:
        try:
            return self._lock_held()
        except Exception:  # noqa: BLE001  (the save itself then says what is wrong)
            return False

    def _wait(self, item: _Save) -> None:
        self._waiting.append(item)
        self.sig_waiting_changed.emit(len(self._waiting))
        self._timer.start()

    def _make(self, item: _Save) -> bool:
        """False when the database was locked (nothing was changed: the save can wait)."""
        try:
            result = item.action()
        except Exception as exc:  # noqa: BLE001  (expected errors are one sentence, bugs re-raise)
            if is_locked(exc):
                return False
            sentence = user_sentence(exc)
            if sentence is None and not isinstance(exc, UserError):
                raise
            QMessageBox.warning(item.widget, "repdesk", sentence or str(exc))
            if item.refused is not None:
                item.refused()
            return True
        item.done(result)
        return True

    def _drain(self) -> None:
        while self._waiting and not self._held():
            item = self._waiting[0]
            if not self._make(item):
                return  # locked again meanwhile: the next tick tries once more
            self._waiting.popleft()
            self._made += 1
            self.sig_waiting_changed.emit(len(self._waiting))
        if not self._waiting:
            self._timer.stop()
            if self._made:
                self.sig_saved_after_wait.emit(self._made)
                self._made = 0


def install(window: QMainWindow, lock_held: Callable[[], bool]) -> SaveQueue:
    """The window's save queue (`lock_held`: services.imports.write_lock_held), shown in its status
    bar while saves wait."""
    queue = SaveQueue(lock_held, window)
    label = QLabel()
    label.setObjectName("savingLater")
    label.hide()
    window.statusBar().addPermanentWidget(label)

    def waiting(count: int) -> None:
        label.setText(
            f"Saving when the import finishes ({count} change{'s' if count != 1 else ''} waiting)"
        )
        label.setVisible(count > 0)

    def saved(count: int) -> None:
        window.statusBar().showMessage(
            f"The import finished; {count} change{'s' if count != 1 else ''} saved.", 8000
        )

    queue.sig_waiting_changed.connect(waiting)
    queue.sig_saved_after_wait.connect(saved)
    return queue


def queue_of(widget: QWidget) -> SaveQueue | None:
    """The save queue of the window `widget` is in (or of a dialog's parent window)."""
    current: QObject | None = widget
    while current is not None:
        found = current.findChild(SaveQueue, "saveQueue", Qt.FindChildOption.FindDirectChildrenOnly)
        if isinstance(found, SaveQueue):
            return found
        current = current.parent()
    return None


def save(
    widget: QWidget, action: Action, done: Done, refused: Callable[[], None] | None = None
) -> None:
    """Save through the window's queue (`done(result)` once made); at once without one."""
    queue = queue_of(widget)
    if queue is not None:
        queue.save(widget, action, done, refused)
        return
    try:
        result = action()
    except UserError as exc:
        QMessageBox.warning(widget, "repdesk", str(exc))
        if refused is not None:
            refused()
        return
    done(result)
