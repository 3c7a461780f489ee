"""Other clients' changes reach this window at once: the feed's thread hands them to the GUI
thread, where they are gathered for a moment and applied like the window's own changes."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from repdesk.services.common.changes import Changes
from repdesk.services.team.live import LiveChanges

#: Changes arriving within this many milliseconds are applied together (an import, a burst).
GATHER_MS = 150
#: While changes keep coming (twenty reps at work, each commit a NOTIFY), a window refreshes at
#: most once in this many milliseconds (the rows of every lead named meanwhile together), so that
#: the team's work does not keep every window re-reading; a change still shows within about
#: GATHER_MS + this (the promise is 2 s).
REFRESH_EVERY_MS = 1000


class LiveQueue(QObject):
    sig_changed = Signal(object, object)
    """Emitted (from the feed's thread; Qt queues it to the GUI thread) with a Changes value and
    the leads it concerns (a frozenset of ids, None: not known)."""
    sig_online_changed = Signal(bool)
    """Emitted when the connection to the database is lost (False) or back (True)."""

    def __init__(
        self,
        live: LiveChanges,
        apply: Callable[[Changes, frozenset[int] | None], None],
        window: QMainWindow,
    ) -> None:
        """`apply`: called on the GUI thread with what was gathered and the leads it concerns
        (None: not known, the pages read everything again)."""
        super().__init__(window)
        self._live = live
        self._apply = apply
        self._pending = Changes()
        self._ids: set[int] | None = set()
        self._stopped = False
        self._last_flush: float | None = None  # time.monotonic() of the last apply
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)
        self.status = QLabel("")
        self.status.setObjectName("liveStatus")
        self.status.setStyleSheet("color: #bc4c00")
        self.status.hide()
        window.statusBar().addPermanentWidget(self.status)
        self.sig_changed.connect(self._gather)
        self.sig_online_changed.connect(self._show_online)
        live.start(self.sig_changed.emit, self.sig_online_changed.emit)
        window.destroyed.connect(live.stop)  # a window deleted unclosed takes its feed along

    def _gather(self, changes: Changes, ids: frozenset[int] | None = None) -> None:
        if self._stopped:
            return  # queued before the window closed: its workspace may be gone already
        self._pending = self._pending | changes
        if ids is None or self._ids is None:
            self._ids = None  # one change of unknown leads: everything is read again
        else:
            self._ids |= ids
        if not self._timer.isActive():
            wait = GATHER_MS
            if self._last_flush is not None:
                since = (time.monotonic() - self._last_flush) * 1000
                wait = max(GATHER_MS, int(REFRESH_EVERY_MS - since))
            self._timer.start(wait)

    def _flush(self) -> None:
        self._last_flush = time.monotonic()
        changes, self._pending = self._pending, Changes()
        ids, self._ids = self._ids, set()
        if changes.any and not self._stopped:
            self._apply(changes, frozenset(ids) if ids is not None else None)

    def _show_online(self, online: bool) -> None:
        self.status.setText("" if online else "offline — reconnecting")
        self.status.setVisible(not online)

    def stop(self) -> None:
        """The window is closing: no more changes are heard, and none gathered is applied."""
        self._stopped = True
        self._timer.stop()
        self._pending = Changes()
        self._ids = set()
        self._live.stop()
