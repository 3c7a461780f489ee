"""The end of a call on the script panel: the outcome logged with the call note, the
qualification finished (one Undo for both), the not-a-fit reply, Discard when no call happened,
and what a call uses (ScriptPanelServices). Mixed into ScriptPanel, whose state it uses."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QTimer, QUrl, SignalInstance
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QPlainTextEdit, QStackedWidget

from repdesk.core.conditions import AnswerValue
from repdesk.core.domain import ActivityKind, CallOutcome, Verdict
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.ui.script import script_panel_pages as parts
from repdesk.ui.script.script_panel_pages import OUTCOME, RESULT

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.services.script.script_run import ScriptRun
    from repdesk.services.team.claims import TeamQueue
    from repdesk.ui.email.composer import EmailServices
    from repdesk.ui.team.call_marker import CallMarker


@dataclass(frozen=True)
class ScriptPanelServices:
    """What a call uses: the script run and its verdict, the call log, the workspace's zone."""

    qualifications: QualificationService
    leads: LeadService
    time: WorkspaceTime
    email: EmailServices | None = None
    """The not-a-fit reply sent from repdesk when an outgoing account is set up (ui/email)."""
    team: TeamQueue | None = None
    """Claims and call markers: the others see who is on a call with the lead (ui/team)."""


class ScriptCallEnd:
    """The end-of-call part of ScriptPanel (a QWidget)."""

    services: ScriptPanelServices | None
    preview: bool
    run: ScriptRun | None
    answers: dict[str, AnswerValue]
    call_logged: bool
    logged_calls: set[int]
    call_marker: CallMarker | None
    _started_run: ScriptRun | None
    _elapsed: QElapsedTimer
    _tick: QTimer
    note: QPlainTextEdit
    pages: QStackedWidget
    result_page: parts.ResultPage
    sig_changes_made: SignalInstance
    sig_close_requested: SignalInstance

    if TYPE_CHECKING:  # the panel's own steps (script_panel) and QWidget's

        def begin(self, run: ScriptRun) -> None: ...
        def _autosave(self) -> None: ...
        def _show_verdict(self, final: Verdict | None = None, score: int | None = None) -> None: ...
        def setFocus(self) -> None: ...  # noqa: N802 (QWidget's)

    # -- ending ----------------------------------------------------------------------------------
    def _end_call(self) -> None:
        if self.preview:  # a preview starts over instead of logging a call
            if self.run is not None:
                self.begin(replace(self.run, answers={}))
            return
        self.pages.setCurrentIndex(OUTCOME)
        self.setFocus()

    def _log_call(self, outcome: CallOutcome) -> None:
        assert self.run is not None and self.services is not None and self.run.lead_id is not None
        self._tick.stop()
        if self.call_marker is not None:
            self.call_marker.end()
        seconds = max(1, math.ceil(self._elapsed.elapsed() / 1000))
        lead_id = self.run.lead_id
        label = outcome.value.replace("_", " ")
        try:
            # The answers are saved first, so the call's Undo takes back just the call (and the
            # qualification it finished), never the answers the rep gave.
            self._autosave()
            changes = self.services.leads.log_activity(
                lead_id,
                ActivityKind.CALL,
                outcome=outcome.value,
                duration_seconds=seconds,
                body=self.note.toPlainText().strip() or "Qualification call",
            )
            self.call_logged = True
            if changes.undo is not None:  # the call's own row: an undo of it is seen (below)
                before, after = changes.undo.before, changes.undo.after
                self.logged_calls = set(after.get("activities", {})) - set(
                    before.get("activities", {})
                )
            missing = self.run.decide(self.answers).missing_required
            if missing:
                self._show_result(
                    f"Call logged ({label}, {seconds // 60}:{seconds % 60:02d})",
                    parts.draft_text(missing, {q.key: q for q in self.run.questions}),
                )
            else:
                result = self.services.qualifications.finish(lead_id, self.answers)
                changes = changes | result.changes
                if changes.undo is not None:  # one action for the rep: one Undo
                    verdict = result.verdict.value.replace("_", " ")
                    undo = changes.undo.relabel(f"Call logged ({label}) · {verdict}")
                    changes = replace(changes, undo=undo)
                self._show_verdict(result.verdict, result.score)
                if result.reply is not None:
                    from repdesk.ui.email.composer import can_send, open_composer

                    email = self.services.email if self.services is not None else None
                    if email is not None and can_send(email):  # the not-a-fit template, from here
                        open_composer(self, email, lead_id)
                    else:
                        QGuiApplication.clipboard().setText(result.reply.body)
                        QDesktopServices.openUrl(QUrl(result.reply.mailto))
                self._show_result(
                    f"Call logged ({label}) and qualification saved",
                    result.next_steps(self.services.time.zone()) + ".",
                )
        except UserError as exc:
            self._show_result("Could not save", str(exc))
            changes = Changes(
                leads=True, activities=True, follow_ups=True
            )  # the call may be logged already
        self.sig_changes_made.emit(changes)

    def recheck_logged_call(self) -> None:
        """After a change from elsewhere (Ctrl+Z): when the call this panel logged is gone, the
        slip was undone, and the panel asks again how the call went (1–4)."""
        if not self.call_logged or not self.logged_calls or self.run is None:
            return
        if self.services is None or self.run.lead_id is None:
            return
        try:
            kept = {a.id for a in self.services.leads.detail(self.run.lead_id).activities}
        except UserError:
            return
        if kept & self.logged_calls:
            return
        self.call_logged = False
        self.logged_calls = set()
        self._show_verdict()
        self.pages.setCurrentIndex(OUTCOME)
        self.setFocus()

    def _show_result(self, title: str, body: str) -> None:
        self.result_page.show_text(title, body)
        self.pages.setCurrentIndex(RESULT)
        self.setFocus()

    def _discard(self) -> None:
        """Discard — no call happened: nothing is logged and the draft is as it was before."""
        if self.services is not None and self._started_run is not None:
            self.services.qualifications.discard_draft(self._started_run)
        self.call_logged = False
        self._close()

    def _close(self) -> None:
        self._tick.stop()
        if self.call_marker is not None:
            self.call_marker.end()
        self.run = None
        self.sig_close_requested.emit()
