"""While a rep is on a call with a lead, every other client shows it: the marker is set when the
call starts (asking first when someone else is on a call with that lead), kept alive off the GUI
thread, and taken away when the call ends (a crashed client's expires by itself)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from repdesk.services.common.errors import UserError
from repdesk.services.team.claims import OnCallError, TeamQueue
from repdesk.ui.common.background import BackgroundTask, run_in_background


class CallMarker(QObject):
    def __init__(self, team: TeamQueue, parent: QWidget) -> None:
        super().__init__(parent)
        self._team = team
        self._parent = parent
        self.lead_id: int | None = None
        self._tasks: list[BackgroundTask] = []
        self._beat = QTimer(self, interval=team.heartbeat_ms)
        self._beat.timeout.connect(self._heartbeat)

    def begin(self, lead_id: int) -> bool:
        """Mark that I am on a call with the lead (claiming it when unassigned); False when
        someone else is on a call with it and the rep chose not to call too. A lead another rep
        owns raises ClaimedError (one sentence)."""
        try:
            self._team.start_call(lead_id)
        except OnCallError as exc:
            answer = QMessageBox.question(
                self._parent,
                "Already on a call",
                f"{exc.who} is on a call with this lead — call anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
            self._team.start_call(lead_id, anyway=True)
        self.lead_id = lead_id
        self._beat.start()
        return True

    def end(self, *, wait: bool = False) -> None:
        """The call is over (logged, discarded): the others stop seeing it at once. `wait`: the
        window is closing, so the marker is taken away now, not by a task that may not finish
        (should that fail, the lease runs out by itself)."""
        if self.lead_id is None:
            return
        self._beat.stop()
        lead_id, self.lead_id = self.lead_id, None
        if not wait:
            self._run(lambda: self._team.end_call(lead_id))
            return
        try:
            self._team.end_call(lead_id)
        except UserError:
            return  # offline at closing: the lease ends it

    def _heartbeat(self) -> None:
        if self.lead_id is not None:
            lead_id = self.lead_id
            self._run(lambda: self._team.heartbeat(lead_id))

    def _run(self, work: Callable[[], object]) -> None:
        """Off the GUI thread; a failure (offline) is harmless: the marker expires by itself."""
        task: BackgroundTask | None = None

        def forget(_result: object) -> None:
            if task in self._tasks:
                self._tasks.remove(task)

        task = run_in_background(lambda _progress: work(), on_done=forget, on_error=forget)
        self._tasks.append(task)
