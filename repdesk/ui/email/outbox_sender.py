"""Hands the outbox to the mail server off the GUI thread: at once after a message is queued,
then every few seconds while anything waits (backoff is the outbox's); "Outbox N" in the status
bar says what waits."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QPushButton

from repdesk.core.counting import counted
from repdesk.services.common.changes import Changes
from repdesk.services.email.outbox import OutboxService
from repdesk.services.email.outbox_rows import Queued, SendReport
from repdesk.store.errors import ReadOnlyError

log = logging.getLogger(__name__)

CHECK_MS = 5_000


class _Relay(QObject):
    sig_done = Signal(object)
    """A SendReport (or the Exception) of one run, delivered in the GUI thread."""


class _SendJob(QRunnable):
    def __init__(self, outbox: OutboxService, relay: _Relay) -> None:
        super().__init__()
        self._outbox, self._relay = outbox, relay

    def run(self) -> None:
        try:
            result: Any = self._outbox.send_due()
        except ReadOnlyError as exc:  # a damaged file: nothing can be sent (or marked sent)
            log.warning("The outbox is not sent: %s", exc)
            result = exc
        except Exception as exc:  # reported in the GUI thread; the timer tries again
            log.exception("Sending the outbox failed")
            result = exc
        self._relay.sig_done.emit(result)


class OutboxSender(QObject):
    sig_outbox_changed = Signal(object)
    """Emitted in the GUI thread with the SendReport of a run that sent or settled something."""

    def __init__(self, window: QMainWindow, outbox: OutboxService, interval_ms: int = CHECK_MS):
        super().__init__(window)
        self.window = window
        self.outbox = outbox
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.sig_done.connect(self._finished)
        self.busy = False
        self._again = False
        self._stopped = False
        self.status = QPushButton()
        self.status.setObjectName("outboxStatus")
        self.status.setFlat(True)
        self.status.setToolTip("Emails waiting to be sent (click to see them and why)")
        self.status.clicked.connect(self.show_outbox)
        window.statusBar().addPermanentWidget(self.status)
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.kick)
        self.timer.start()
        window.installEventFilter(self)
        self.refresh()
        QTimer.singleShot(0, self, self.kick)  # what waited while repdesk was closed

    def queued(self, queued: Queued) -> None:
        """A message was just queued: show it, and send it now."""
        self.refresh()
        self.window.statusBar().showMessage("Email queued — sending…", 5_000)
        self.window.apply_changes(Changes(leads=True, activities=True))  # type: ignore[attr-defined]
        self.kick()

    def kick(self) -> None:
        if self._stopped:
            return
        if self.busy:
            self._again = True
            return
        self.busy = True
        self.pool.start(_SendJob(self.outbox, self._relay))

    def refresh(self) -> tuple[int, int]:
        try:
            waiting, look = self.outbox.counts()
        except Exception as exc:  # the database is busy: the next run shows it
            log.warning("Cannot count the outbox: %s", exc)
            return 0, 0
        parts = [f"Outbox {waiting}"] if waiting else []
        if look:
            parts.append(f"{look} need{'s' if look == 1 else ''} a look")
        self.status.setText(" · ".join(parts))
        self.status.setVisible(bool(parts))
        return waiting, look

    def _finished(self, result: object) -> None:
        self.busy = False
        if self._stopped:
            return
        self.refresh()
        if isinstance(result, ReadOnlyError):
            # Until repdesk starts again on a sound file, a message could be sent but never be
            # marked sent (and would go again): the sender stops and says why.
            self._stopped = True
            self.timer.stop()
            self.window.statusBar().showMessage(f"Emails are not sent: {result}", 30_000)
            return
        if isinstance(result, SendReport):
            bar = self.window.statusBar()
            if result.sent:
                many = len(result.sent)
                bar.showMessage(f"{counted(many, 'email')} sent.", 8_000)
            if result.unsure:
                bar.showMessage(
                    "An email is unsure — check your Sent folder (click the outbox).", 15_000
                )
            elif result.failed:
                bar.showMessage(f"An email was not sent: {result.errors[-1]}", 15_000)
            if result.changed:
                changes = Changes(leads=True, activities=True, follow_ups=True)
                self.window.apply_changes(changes)  # type: ignore[attr-defined]
                for page in getattr(self.window, "pages", {}).values():
                    # Today has no apply_changes: it reloads when it is on screen.
                    plain = not hasattr(page, "apply_changes") and hasattr(page, "reload")
                    if plain and page.isVisible():
                        page.reload()
                self.sig_outbox_changed.emit(result)
        if self._again:
            self._again = False
            self.kick()

    def show_outbox(self) -> None:
        from repdesk.ui.email.outbox_dialog import OutboxDialog

        dialog = OutboxDialog(self.outbox, self._settled, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sig_outbox_changed.connect(dialog.reload)  # it shows what the sender did meanwhile
        dialog.open()

    def _settled(self) -> None:
        self.refresh()
        self.kick()

    def wait(self, msecs: int = 30_000) -> None:
        self.pool.waitForDone(msecs)

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()
        self.pool.waitForDone(35_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False


def install_outbox_sender(window: QMainWindow, outbox: OutboxService) -> OutboxSender:
    sender = OutboxSender(window, outbox)
    window.outbox_sender = sender  # type: ignore[attr-defined]
    return sender
