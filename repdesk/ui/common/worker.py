"""Run slow work off the GUI thread (QThreadPool) with progress, cancel, and results as signals."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from repdesk.services.common.errors import UserError
from repdesk.store.errors import StoreError


class WorkerSignals(QObject):
    sig_progress_changed = Signal(float)
    """Emitted with the share done, 0..1, from the worker thread (queued to the GUI)."""
    sig_work_finished = Signal(object)
    """Emitted with the work's result."""
    sig_work_failed = Signal(str)
    """Emitted with one sentence for the user when the work failed or was cancelled."""


class Worker(QRunnable):
    """Calls `work(progress, cancelled)` on a pool thread; the GUI thread only gets signals."""

    def __init__(self, work: Callable[[Callable[[float], None], Callable[[], bool]], Any]) -> None:
        super().__init__()
        self.signals = WorkerSignals()
        self._work = work
        self._cancel = threading.Event()
        self.done = threading.Event()
        """Set when `run` has returned, whatever the outcome."""
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            self._run()
        finally:
            self.done.set()

    def _run(self) -> None:
        try:
            result = self._work(self.signals.sig_progress_changed.emit, self._cancel.is_set)
        except (UserError, StoreError) as exc:
            self.signals.sig_work_failed.emit(str(exc))
        except Exception as exc:  # keep the app alive; the user gets a sentence, the log the detail
            traceback.print_exc()
            self.signals.sig_work_failed.emit(
                f"Something went wrong: {exc.__class__.__name__}: {exc}."
            )
        else:
            self.signals.sig_work_finished.emit(result)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self)
