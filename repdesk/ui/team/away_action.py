"""File ▸ I am away, on a team: routing hands me no leads; my open leads can go back to the queue
(and the ones nobody took come back to me when I untick it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from repdesk.core.counting import counted
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.team.away import AwayService
from repdesk.services.team.identity import Me


class AwayAction:
    def __init__(
        self,
        window: QMainWindow,
        action: QAction,
        menu: QMenu,
        me: Me,
        away: AwayService,
        apply: Callable[[Changes], None],
    ) -> None:
        self._window = window
        self._action = action
        self._away = away
        self._apply = apply
        self._released: tuple[int, ...] = ()  # what I put in the queue: taken back when I return
        action.setVisible(me.is_team and me.rep_id is not None)
        action.setChecked(me.away)
        action.toggled.connect(self._toggled)
        menu.insertAction(menu.actions()[-1], action)  # above Quit

    def _toggled(self, away: bool) -> None:
        release = False
        if away:
            count = self._away.open_lead_count()
            if count:
                answer = QMessageBox.question(
                    self._window,
                    "Going away",
                    f"You have {counted(count, 'open lead')}. Put them back in the "
                    "queue so that others can take them? (Those nobody took come back to you "
                    "when you untick “I am away”.)",
                    QMessageBox.StandardButton.Yes
                    | QMessageBox.StandardButton.No
                    | QMessageBox.StandardButton.Cancel,
                )
                if answer == QMessageBox.StandardButton.Cancel:
                    self._set_quietly(False)
                    return
                release = answer == QMessageBox.StandardButton.Yes
        try:
            result = self._away.mark(away, release=release)
            said = result.describe()
            if away:
                self._released = result.lead_ids
            elif self._released:
                back = self._away.take_back(self._released)
                self._released = ()
                if back:
                    leads = "1 lead" if back == 1 else f"{back} leads"
                    verb = "is" if back == 1 else "are"
                    said += f" {leads} you put in the queue that nobody took {verb} yours again."
        except UserError as exc:
            self._set_quietly(not away)
            self._window.statusBar().showMessage(str(exc), 10_000)
            return
        self._window.statusBar().showMessage(said, 10_000)
        self._apply(Changes(reps=True, leads=True))

    def _set_quietly(self, checked: bool) -> None:
        self._action.blockSignals(True)
        self._action.setChecked(checked)
        self._action.blockSignals(False)
