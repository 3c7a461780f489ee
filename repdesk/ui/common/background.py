"""Run slow work (exports, CalDAV pushes) on the thread pool; results, errors and progress come back
as signals.

The work reports progress through the callback it is given; after `cancel()` the next report raises
services.common.errors.Cancelled inside the work, so it stops at a point of its own choosing (an
export before it writes the file, a push between two events) and its transaction rolls back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from repdesk.services.common.errors import Cancelled, UserError

Work = Callable[[Callable[[int, int], None]], Any]


class TaskSignals(QObject):
    sig_progressed = Signal(int, int)
    """Emitted (done, total) from the worker; delivered on the GUI thread."""
    sig_finished = Signal(object)
    """Emitted with the work's return value."""
    sig_failed = Signal(str)
    """Emitted with one sentence when the work raised or was cancelled."""


class BackgroundTask(QRunnable):
    def __init__(self, work: Work, cancel_message: str = "Cancelled.") -> None:
        super().__init__()
        self.setAutoDelete(
            False
        )  # Python keeps the reference: the caller holds the task until done
        self.work = work
        self.signals = TaskSignals()
        self.cancel_message = cancel_message
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()

    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except UserError as exc:  # Cancelled included
            self.signals.sig_failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - any failure must reach the user as one sentence
            self.signals.sig_failed.emit(f"Something went wrong: {exc}.")
        else:
            self.signals.sig_finished.emit(result)

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled(self.cancel_message)
        self.signals.sig_progressed.emit(done, total)


def run_in_background(
    work: Work,
    *,
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None],
    on_progress: Callable[[int, int], None] | None = None,
    cancel_message: str = "Cancelled.",
) -> BackgroundTask:
    """Start `work(progress)` on the global pool; keep the returned task alive until a callback
    ran."""
    task = BackgroundTask(work, cancel_message)
    task.signals.sig_finished.connect(on_done)
    task.signals.sig_failed.connect(on_error)
    if on_progress is not None:
        task.signals.sig_progressed.connect(on_progress)
    QThreadPool.globalInstance().start(task)
    return task
