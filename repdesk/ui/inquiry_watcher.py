"""Background poller: checks every inquiry source off the GUI thread, refreshes the inbox, notifies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QStyle, QSystemTrayIcon

from repdesk.app import Workspace
from repdesk.services.source_service import FetchResult

POLL_MS = 30_000
FIRST_CHECK_MS = 2_000


class _Relay(QObject):
    sig_done = Signal(object)
    """Emitted from the worker thread with a FetchResult or an Exception; delivered in the GUI thread."""


class _FetchJob(QRunnable):
    def __init__(self, work: Callable[[], FetchResult], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result: Any = self._work()
        except Exception as exc:  # reported in the GUI thread; the poller keeps going
            result = exc
        self._relay.sig_done.emit(result)


class BackgroundFetch(QObject):
    """Runs `workspace.sources.fetch_all` (or one source) on a private thread pool, one run at a time."""

    sig_fetch_finished = Signal(object)
    """Emitted in the GUI thread with the FetchResult (or the Exception) of one run."""

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.sig_done.connect(self._finished)
        self.busy = False

    def start(self, source_id: int | None = None) -> bool:
        if self.busy:
            return False
        self.busy = True
        sources = self.workspace.sources
        work = sources.fetch_all if source_id is None else (lambda: sources.fetch(source_id))
        self.pool.start(_FetchJob(work, self._relay))
        return True

    def _finished(self, result: object) -> None:
        self.busy = False
        self.sig_fetch_finished.emit(result)

    def wait(self, msecs: int = 10_000) -> None:
        self.pool.waitForDone(msecs)


class InquiryWatcher(QObject):
    """Polls the sources every ~30 s; new leads reload the inbox and raise a notification."""

    sig_inquiries_arrived = Signal(int)
    """Emitted with the number of leads a check added or merged (only when it is not zero)."""

    def __init__(self, window: QMainWindow, workspace: Workspace, interval_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.fetcher = BackgroundFetch(workspace, self)
        self.fetcher.sig_fetch_finished.connect(self._on_finished)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check_now)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.windowIcon()
            if icon.isNull():
                icon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("repdesk")
            self.tray.show()
        window.installEventFilter(self)
        self.timer.start()
        QTimer.singleShot(FIRST_CHECK_MS, self, self.check_now)

    def set_interval(self, msecs: int) -> None:
        self.timer.setInterval(msecs)

    def check_now(self) -> None:
        self.fetcher.start()

    def stop(self) -> None:
        self.timer.stop()
        self.fetcher.wait()
        if self.tray is not None:
            self.tray.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()  # no fetch may outlive the window's workspace
        return False

    def _on_finished(self, result: object) -> None:
        if not isinstance(result, FetchResult):
            self.window.statusBar().showMessage(f"Checking for new inquiries failed: {result}", 10_000)
            return
        count = result.added + result.merged
        if not count:
            return
        inbox = getattr(self.window, "pages", {}).get("inbox")
        if inbox is not None and hasattr(inbox, "reload"):
            inbox.reload()
        self.sig_inquiries_arrived.emit(count)
        self.notify(_headline(result))

    def notify(self, text: str) -> None:
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage("New inquiry", text, QSystemTrayIcon.MessageIcon.Information, 10_000)
        self.window.statusBar().showMessage(text, 15_000)


def _headline(result: FetchResult) -> str:
    parts = []
    if result.added:
        parts.append(f"{result.added} new {'inquiry' if result.added == 1 else 'inquiries'}")
    if result.merged:
        parts.append(f"{result.merged} from people already in your leads")
    return " and ".join(parts) + " — see the Inbox."


def install_inquiry_watcher(window: QMainWindow) -> InquiryWatcher:
    """Start polling the window's workspace sources; the watcher lives and dies with the window."""
    watcher = InquiryWatcher(window, window.workspace)  # type: ignore[attr-defined]
    window.inquiry_watcher = watcher  # type: ignore[attr-defined]
    return watcher
