"""Other clients' changes reach this window at once: the feed's thread hands them to the GUI
thread, where they are gathered for a moment and applied like the window's own changes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from repdesk.services.common.changes import Changes
from repdesk.services.team.live import LiveChanges

#: Changes arriving within this many milliseconds are applied together (an import, a burst).
GATHER_MS = 150


class LiveQueue(QObject):
    sig_changed = Signal(object)
    """Emitted (from the feed's thread; Qt queues it to the GUI thread) with a Changes value."""
    sig_online_changed = Signal(bool)
    """Emitted when the connection to the database is lost (False) or back (True)."""

    def __init__(
        self, live: LiveChanges, apply: Callable[[Changes], None], window: QMainWindow
    ) -> None:
        super().__init__(window)
        self._live = live
        self._apply = apply
        self._pending = Changes()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._flush)
        self.status = QLabel("")
        self.status.setObjectName("liveStatus")
        self.status.setStyleSheet("color: #bc4c00")
        self.status.hide()
        window.statusBar().addPermanentWidget(self.status)
        self.sig_changed.connect(self._gather)
        self.sig_online_changed.connect(self._show_online)
        live.start(
            lambda changes, _ids: self.sig_changed.emit(changes),
            self.sig_online_changed.emit,
        )
        window.destroyed.connect(live.stop)  # a window deleted unclosed takes its feed along

    def _gather(self, changes: Changes) -> None:
        self._pending = self._pending | changes
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        changes, self._pending = self._pending, Changes()
        if changes.any:
            self._apply(changes)

    def _show_online(self, online: bool) -> None:
        self.status.setText("" if online else "offline — reconnecting")
        self.status.setVisible(not online)

    def stop(self) -> None:
        self._live.stop()
