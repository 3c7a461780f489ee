"""Background poller and IMAP IDLE workers: check inquiry sources off the GUI thread, refresh the
inbox, notify."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QStyle, QSystemTrayIcon

from repdesk.services.common.errors import NotFoundError
from repdesk.services.sources.imap_fetcher import SourceFailed, SourceOffline
from repdesk.services.sources.imap_idle import IDLE_TIMEOUT, IdleUnsupported
from repdesk.services.sources.source_service import IMAP, FetchResult, SourceService

log = logging.getLogger(__name__)

POLL_MS = 30_000
FIRST_CHECK_MS = 2_000
IDLE_RETRY_S = (
    30.0  # after an IDLE connection fails the poll covers the mailbox; IDLE is retried this often
)
IDLE_THREADS = 32
STOP_WAIT_MS = (
    25_000  # a worker in the middle of a network call finishes it (imap_fetcher.TIMEOUT is 20 s)
)


class _Relay(QObject):
    sig_done = Signal(object)
    """Emitted from the worker thread with a FetchResult or an Exception; delivered in the GUI
    thread."""


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
    """Runs `SourceService.fetch_all` (or one source) on a private thread pool, one run at a
    time."""

    sig_fetch_finished = Signal(object)
    """Emitted in the GUI thread with the FetchResult (or the Exception) of one run."""

    def __init__(self, sources: SourceService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sources = sources
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.sig_done.connect(self._finished)
        self.busy = False

    def start(self, source_id: int | None = None, skip: Collection[int] = ()) -> bool:
        if self.busy:
            return False
        self.busy = True
        sources = self.sources
        work = (
            (lambda: sources.fetch_all(skip))
            if source_id is None
            else (lambda: sources.fetch(source_id))
        )
        self.pool.start(_FetchJob(work, self._relay))
        return True

    def _finished(self, result: object) -> None:
        self.busy = False
        self.sig_fetch_finished.emit(result)

    def wait(self, msecs: int = 10_000) -> None:
        self.pool.waitForDone(msecs)


class _IdleRelay(QObject):
    sig_fetched = Signal(object)
    """A FetchResult (or Exception) of a fetch that IDLE triggered, delivered in the GUI thread."""
    sig_ended = Signal(int, bool)
    """(source id, whether its server offers IDLE) when that mailbox's IDLE worker has ended."""


class _Idling:
    """The mailboxes currently held in IDLE (the poll skips them); shared by the GUI and worker
    threads."""

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._lock = threading.Lock()

    def add(self, source_id: int) -> None:
        with self._lock:
            self._ids.add(source_id)

    def discard(self, source_id: int) -> None:
        with self._lock:
            self._ids.discard(source_id)

    def snapshot(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._ids)


class _IdleJob(QRunnable):
    """Holds one mailbox in IDLE; on news (and every few minutes) fetches it through the poll's own
    path."""

    def __init__(
        self,
        sources: SourceService,
        source_id: int,
        stop: threading.Event,
        idling: _Idling,
        relay: _IdleRelay,
    ) -> None:
        super().__init__()
        self._sources, self._id, self._stop, self._idling, self._relay = (
            sources,
            source_id,
            stop,
            idling,
            relay,
        )

    def run(self) -> None:
        offered = True
        try:
            offered = self._loop()
        except NotFoundError:
            pass  # the source was removed
        except (
            Exception
        ):  # a worker must never take the app down; the poll still covers the mailbox
            log.exception("IDLE on source %d stopped", self._id)
        finally:
            self._idling.discard(self._id)
            self._relay.sig_ended.emit(self._id, offered)

    def _loop(self) -> bool:
        """False when the server has no IDLE (the poll takes over for good), True once stopped."""
        while not self._stop.is_set():
            try:
                watch = self._sources.watch(
                    self._id
                )  # a failure is marked on the source, as a poll's is
                if watch is None:
                    return False
                with watch:
                    self._idling.add(self._id)
                    self._fetch()  # what arrived before this connection opened its folder
                    while not self._stop.is_set():
                        watch.wait(
                            IDLE_TIMEOUT, self._stop
                        )  # news, or the periodic wake: look either way
                        if not self._stop.is_set():
                            self._fetch()
            except (SourceOffline, SourceFailed):
                self._idling.discard(self._id)  # polled again until IDLE comes back
                self._stop.wait(IDLE_RETRY_S)
            except IdleUnsupported:
                return False
        return True

    def _fetch(self) -> None:
        result: Any = self._sources.fetch(self._id)
        self._relay.sig_fetched.emit(result)


class InquiryWatcher(QObject):
    """Polls the sources every ~30 s and holds IDLE-capable mailboxes in IDLE; new leads reload the
    inbox."""

    sig_inquiries_arrived = Signal(int)
    """Emitted with the number of leads a check added or merged (only when it is not zero)."""

    def __init__(
        self, window: QMainWindow, sources: SourceService, interval_ms: int = POLL_MS
    ) -> None:
        super().__init__(window)
        self.window = window
        self.sources = sources
        self.fetcher = BackgroundFetch(sources, self)
        self.fetcher.sig_fetch_finished.connect(self._on_finished)
        self.idle_pool = QThreadPool(self)
        self.idle_pool.setMaxThreadCount(IDLE_THREADS)
        self.idling = _Idling()
        self._idlers: dict[int, threading.Event] = {}
        self._no_idle: set[int] = set()
        self._idle_relay = _IdleRelay(self)
        self._idle_relay.sig_fetched.connect(self._on_finished)
        self._idle_relay.sig_ended.connect(self._on_idle_ended)
        self._stopped = False
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
        if self._stopped:
            return
        self._sync_idlers()
        self.fetcher.start(skip=self.idling.snapshot())

    def stop(self) -> None:
        """Stop polling and end every IDLE worker (each notices within a fraction of a second)."""
        self._stopped = True
        self.timer.stop()
        for stop in self._idlers.values():
            stop.set()
        self.fetcher.wait()
        if not self.idle_pool.waitForDone(STOP_WAIT_MS):
            log.warning("An IDLE worker did not end within %d s", STOP_WAIT_MS // 1000)
        if self.tray is not None:
            self.tray.hide()

    def _sync_idlers(self) -> None:
        """One IDLE worker per mailbox: start them for new mailboxes, end them for removed ones."""
        try:
            mailboxes = {s.id for s in self.sources.list_sources() if s.kind == IMAP}
        except Exception as exc:  # the poll that follows reports the same problem
            log.warning("Cannot list the inquiry sources: %s", exc)
            return
        for source_id, stop in self._idlers.items():
            if source_id not in mailboxes:
                stop.set()
        for source_id in sorted(mailboxes - self._idlers.keys() - self._no_idle):
            stop = threading.Event()
            self._idlers[source_id] = stop
            self.idle_pool.start(
                _IdleJob(self.sources, source_id, stop, self.idling, self._idle_relay)
            )

    def _on_idle_ended(self, source_id: int, offered: bool) -> None:
        self._idlers.pop(source_id, None)
        if not offered:
            self._no_idle.add(source_id)  # its server has no IDLE: the 30-second poll covers it

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()  # no fetch may outlive the window's workspace
        return False

    def _on_finished(self, result: object) -> None:
        if self._stopped:
            return  # the window is closing: its pages may already be gone
        if not isinstance(result, FetchResult):
            self.window.statusBar().showMessage(
                f"Checking for new inquiries failed: {result}", 10_000
            )
            return
        count = result.added + result.merged
        if not count and result.replies:  # mail back from leads (services/email)
            inbox = getattr(self.window, "pages", {}).get("inbox")
            if inbox is not None and hasattr(inbox, "reload"):
                inbox.reload()
            self.window.statusBar().showMessage("A lead wrote back — see the Inbox.", 15_000)
            return
        if not count:
            return
        inbox = getattr(self.window, "pages", {}).get("inbox")
        if inbox is not None and hasattr(inbox, "reload"):
            inbox.reload()
        self.sig_inquiries_arrived.emit(count)
        self.notify(_headline(result))

    def notify(self, text: str) -> None:
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(
                "New inquiry", text, QSystemTrayIcon.MessageIcon.Information, 10_000
            )
        self.window.statusBar().showMessage(text, 15_000)


def _headline(result: FetchResult) -> str:
    parts = []
    if result.added:
        parts.append(f"{result.added} new {'inquiry' if result.added == 1 else 'inquiries'}")
    if result.merged:
        parts.append(f"{result.merged} from people already in your leads")
    return " and ".join(parts) + " — see the Inbox."


def install_inquiry_watcher(window: QMainWindow, sources: SourceService) -> InquiryWatcher:
    """Start polling the workspace's sources; the watcher lives and dies with the window."""
    watcher = InquiryWatcher(window, sources)
    window.inquiry_watcher = watcher  # type: ignore[attr-defined]
    return watcher
