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

from repdesk.core.counting import counted
from repdesk.services.common.errors import (
    OTHER_IMPORT,
    OWN_IMPORT,
    UserError,
    is_locked,
    user_sentence,
)

#: What a write that cannot wait says while an import holds the write lock: services/common/errors.
__all__ = ["OTHER_IMPORT", "OWN_IMPORT", "SaveQueue", "install", "save"]
#: What a dialog says of its change while it waits in the queue.
WAITING = "Saved when the import finishes (Ctrl+Z takes it back)."
#: What it says when Ctrl+Z took that change back before it was written.
DROPPED = "Taken back before the import finished: it was not saved."

#: How often a waiting save looks whether the import is done (milliseconds).
RETRY_MS = 400
#: How long a save waits for the write lock before it queues: a background task's write (a call
#: marker, the outbox) is over by then, an import is not (milliseconds).
GRACE_MS = 200

Action = Callable[[], Any]
Done = Callable[[Any], None]


@dataclass
class _Save:
    action: Action
    done: Done
    widget: QWidget | None
    refused: Callable[[], None] | None = None
    key: object = None
    """Saves with the same key (a call's draft answers) wait once: the newest replaces the older."""
    undoable: bool = True
    """Ctrl+Z takes it back while it waits (not a draft's autosave, not an Undo itself)."""
    cancelled: Callable[[], None] | None = None
    say: Callable[[str], None] | None = None
    """Where a refusal's sentence goes (the dialog's own line) instead of a message box."""


class SaveQueue(QObject):
    sig_waiting_changed = Signal(int)
    """Emitted with how many saves wait (0: all of them are made)."""
    sig_saved_after_wait = Signal(int)
    """Emitted with how many waiting saves were made when the lock came free."""

    def __init__(
        self,
        lock_held: Callable[[int], bool],
        parent: QObject,
        importing_here: Callable[[], bool] = lambda: False,
    ) -> None:
        """`importing_here`: True while an import of this program holds the lock (else the lock
        is another program's)."""
        super().__init__(parent)
        self.setObjectName("saveQueue")
        self._lock_held = lock_held
        self._importing_here = importing_here
        self._waiting: deque[_Save] = deque()
        self._made = 0
        self.closing = False
        """The window was asked to close while saves waited: it closes once they are made."""
        self._timer = QTimer(self)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(self._drain)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def save(
        self,
        widget: QWidget | None,
        action: Action,
        done: Done,
        refused: Callable[[], None] | None = None,
        *,
        key: object = None,
        undoable: bool = True,
        cancelled: Callable[[], None] | None = None,
        say: Callable[[str], None] | None = None,
    ) -> bool:
        """Make the save now (`done(its result)`) and return True, or queue it while an import
        holds the lock and return False; a refusal (UserError and other expected errors) is one
        sentence in a message box (or given to `say`), then `refused()`."""
        item = _Save(action, done, widget, refused, key, undoable, cancelled, say)
        if self._waiting or self._held(GRACE_MS):
            self._wait(item)
            return False
        if not self._make(item):
            self._wait(item)
            return False
        return True

    def busy(self) -> bool:
        """True while saves wait or an import holds the write lock."""
        return bool(self._waiting) or self._held(GRACE_MS)

    def import_running(self) -> str | None:
        """For a write that cannot wait: the sentence saying whose import holds the write lock
        now (None when none does)."""
        if not self._held(GRACE_MS):
            return None
        return self.whose_lock()

    def whose_lock(self) -> str:
        """Whose import a write that found the database locked waited for."""
        return OWN_IMPORT if self._importing_here() else OTHER_IMPORT

    def cancel_newest(self) -> bool:
        """Ctrl+Z while the newest change still waits: it is dropped (never written); False when
        no change that Undo takes back waits."""
        for item in reversed(self._waiting):
            if item.undoable:
                self._waiting.remove(item)
                if item.cancelled is not None:
                    item.cancelled()
                self.sig_waiting_changed.emit(len(self._waiting))
                if not self._waiting:
                    self._timer.stop()
                    self._finished()
                return True
        return False

    def keeps_open(self, window: QWidget) -> bool:
        """Asked when the window closes: True (stay open) while saves wait. The first close waits
        for them, visibly, and closes the window once they are made; a second one asks whether to
        close and lose them."""
        if not self._waiting:
            return False
        count = len(self._waiting)
        if not self.closing:
            self.closing = True
            self.sig_waiting_changed.emit(count)
            return True
        answer = QMessageBox.question(
            window,
            "repdesk",
            f"{_changes(count)} still wait{'s' if count == 1 else ''} for the import to finish. "
            f"Close now and lose {'them' if count != 1 else 'it'}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer != QMessageBox.StandardButton.Yes

    def _held(self, wait_ms: int = 0) -> bool:
        try:
            return self._lock_held(wait_ms)
        except Exception:  # noqa: BLE001  (the save itself then says what is wrong)
            return False

    def _wait(self, item: _Save) -> None:
        if item.key is not None:
            for index, older in enumerate(self._waiting):
                if older.key == item.key:
                    self._waiting[index] = item  # the newest answers, in the older one's place
                    return
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
            if item.say is not None:
                item.say(sentence or str(exc))
            else:
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
            self._finished()

    def _finished(self) -> None:
        if self._made:
            self.sig_saved_after_wait.emit(self._made)
            self._made = 0
        if self.closing:
            self.closing = False
            window = self.parent()
            if isinstance(window, QWidget):
                QTimer.singleShot(0, window.close)  # asked to close before: now nothing is lost

    def sentence(self) -> str:
        """What the status bar says while saves wait."""
        verb = "Closing" if self.closing else "Saving"
        return f"{verb} when the import finishes ({_changes(len(self._waiting))} waiting)"


def _changes(count: int) -> str:
    return counted(count, "change")


def install(
    window: QMainWindow,
    lock_held: Callable[[int], bool],
    importing_here: Callable[[], bool] = lambda: False,
) -> SaveQueue:
    """The window's save queue (`lock_held`: services.imports.write_lock_held, `importing_here`:
    services.imports.importing_here), shown in its status bar while saves wait."""
    queue = SaveQueue(lock_held, window, importing_here)
    label = QLabel()
    label.setObjectName("savingLater")
    label.hide()
    window.statusBar().addPermanentWidget(label)

    def waiting(count: int) -> None:
        label.setText(queue.sentence())
        label.setVisible(count > 0)

    def saved(count: int) -> None:
        window.statusBar().showMessage(f"The import finished; {_changes(count)} saved.", 8000)

    queue.sig_waiting_changed.connect(waiting)
    queue.sig_saved_after_wait.connect(saved)
    return queue


def queue_of(widget: QObject | None) -> SaveQueue | None:
    """The save queue of the window `widget` is in (or of a dialog's parent window)."""
    current: QObject | None = widget
    while current is not None:
        found = current.findChild(SaveQueue, "saveQueue", Qt.FindChildOption.FindDirectChildrenOnly)
        if isinstance(found, SaveQueue):
            return found
        current = current.parent()
    return None


def save(
    widget: QWidget,
    action: Action,
    done: Done,
    refused: Callable[[], None] | None = None,
    *,
    key: object = None,
    undoable: bool = True,
    cancelled: Callable[[], None] | None = None,
    say: Callable[[str], None] | None = None,
) -> bool:
    """Save through the window's queue (`done(result)` once made); at once without one. True
    when made now, False when it waits for an import."""
    queue = queue_of(widget)
    if queue is not None:
        return queue.save(
            widget,
            action,
            done,
            refused,
            key=key,
            undoable=undoable,
            cancelled=cancelled,
            say=say,
        )
    try:
        result = action()
    except UserError as exc:
        if say is not None:
            say(str(exc))
        else:
            QMessageBox.warning(widget, "repdesk", str(exc))
        if refused is not None:
            refused()
        return True
    done(result)
    return True


def when_free(widget: QWidget, work: Callable[[], None]) -> bool:
    """Run `work` (writes that need their answer at once, such as opening a call script) now, or
    after the saves waiting before it once the import is done; True when it ran now."""
    queue = queue_of(widget)
    if queue is None or not queue.busy():
        work()
        return True
    queue.save(widget, lambda: None, lambda _result: work(), undoable=False)
    return False


def import_running(widget: QWidget) -> str | None:
    """For a write that must not wait (an email's Send, Undo import): one sentence saying whose
    import holds the write lock now, or None when it may go ahead."""
    queue = queue_of(widget)
    return None if queue is None else queue.import_running()


def locked_sentence(widget: QWidget, exc: BaseException) -> str | None:
    """The sentence for a write that must not wait and found the database locked after all (an
    import began meanwhile): whose import it was; None for any other error."""
    if not is_locked(exc):
        return None
    queue = queue_of(widget)
    return OTHER_IMPORT if queue is None else queue.whose_lock()
