"""While the app stays open, expired verdicts keep getting their re-qualify steps: the service's
check runs every hour off the GUI thread (loading the workspace ran it first)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from repdesk.ui.common.worker import Worker

#: Verdicts expire at any time of day; an hourly look is one indexed query.
INTERVAL_MS = 60 * 60 * 1000


class RequalifyTimer(QObject):
    sig_leads_requalified = Signal(int)
    """Emitted with how many leads got a re-qualify step, when a check planned any."""

    def __init__(self, check: Callable[[], int], parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("requalifyTimer")
        self._check = check
        self._worker: Worker | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check_now)
        self._timer.start()

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def check_now(self) -> None:
        """Run the check on a pool thread (one at a time)."""
        if self._worker is not None:
            return
        worker = Worker(lambda _progress, _cancelled: self._check())
        worker.signals.sig_work_finished.connect(self._finished)
        # A failure (a database locked for a moment) is retried at the next tick.
        worker.signals.sig_work_failed.connect(lambda _message: self._finished(0))
        self._worker = worker
        worker.start()

    def stop(self) -> None:
        """Stop ticking and wait for a running check (before the database closes)."""
        self._timer.stop()
        if self._worker is not None:
            self._worker.done.wait(30.0)

    def _finished(self, count: object) -> None:
        self._worker = None
        if isinstance(count, int) and count > 0:
            self.sig_leads_requalified.emit(count)
