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
from repdesk.ui.common.save_queue import save
from repdesk.ui.script import script_panel_pages as parts
from repdesk.ui.script.script_panel_pages import OUTCOME, RESULT

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.services.script.script_run import QualificationResult, ScriptRun
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
    _opening: int | None
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
        """Log the call (and finish the qualification when every required answer is in); while
        an import holds the write lock it waits in the window's save queue, bound to this run."""
        assert self.run is not None and self.services is not None and self.run.lead_id is not None
        self._tick.stop()
        if self.call_marker is not None:
            self.call_marker.end()
        seconds = max(1, math.ceil(self._elapsed.elapsed() / 1000))
        run, services, lead_id = self.run, self.services, self.run.lead_id
        answers, note = dict(self.answers), self.note.toPlainText().strip()
        missing = run.decide(answers).missing_required
        logged: list[Changes] = []  # a retry after "locked" never logs the call twice

        def write() -> tuple[Changes, QualificationResult | None] | UserError:
            try:
                # The answers are saved first, so the call's Undo takes back just the call (and
                # the qualification it finished), never the answers the rep gave.
                if answers or run.resumed:
                    services.qualifications.save_draft(lead_id, answers)
                if not logged:
                    logged.append(
                        services.leads.log_activity(
                            lead_id,
                            ActivityKind.CALL,
                            outcome=outcome.value,
                            duration_seconds=seconds,
                            body=note or "Qualification call",
                        )
                    )
                if missing:
                    return logged[0], None
                return logged[0], services.qualifications.finish(lead_id, answers)
            except UserError as exc:
                return exc

        label = outcome.value.replace("_", " ")
        self.call_logged = True
        if not save(
            self,  # type: ignore[arg-type]  (the panel is the QWidget this is mixed into)
            write,
            lambda result: self._call_saved(run, label, seconds, missing, result, bool(logged)),
            cancelled=lambda: self._call_cancelled(run),
        ):
            self._show_result(
                f"Call waits ({label}, {seconds // 60}:{seconds % 60:02d})",
                "An import is writing to the workspace: the call and its answers are saved when "
                "the import finishes; nothing is lost.",
            )

    def _call_saved(
        self,
        run: ScriptRun,
        label: str,
        seconds: int,
        missing: list[str],
        result: tuple[Changes, QualificationResult | None] | UserError,
        logged: bool,
    ) -> None:
        shown = self.run is run  # the rep may have gone on to another call meanwhile
        if isinstance(result, UserError):
            if shown:
                self.call_logged = logged
                self._show_result("Could not save", str(result))
            # the call may be logged already
            self.sig_changes_made.emit(Changes(leads=True, activities=True, follow_ups=True))
            return
        changes, qualified = result
        if shown and changes.undo is not None:  # the call's own row: an undo of it is seen
            before, after = changes.undo.before, changes.undo.after
            self.logged_calls = set(after.get("activities", {})) - set(before.get("activities", {}))
        if qualified is None:
            if shown:
                self._show_result(
                    f"Call logged ({label}, {seconds // 60}:{seconds % 60:02d})",
                    parts.draft_text(missing, {q.key: q for q in run.questions}),
                )
            self.sig_changes_made.emit(changes)
            return
        changes = changes | qualified.changes
        if changes.undo is not None:  # one action for the rep: one Undo
            verdict = qualified.verdict.value.replace("_", " ")
            changes = replace(
                changes, undo=changes.undo.relabel(f"Call logged ({label}) · {verdict}")
            )
        if shown:
            self._show_verdict(qualified.verdict, qualified.score)
            self._offer_reply(qualified, run)
            assert self.services is not None
            self._show_result(
                f"Call logged ({label}) and qualification saved",
                qualified.next_steps(self.services.time.zone()) + ".",
            )
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

    def _offer_reply(self, qualified: QualificationResult, run: ScriptRun) -> None:
        """The not-a-fit reply: in repdesk's composer when it can send, else the mail app."""
        if qualified.reply is None or run.lead_id is None:
            return
        from repdesk.ui.email.composer import can_send, open_composer

        email = self.services.email if self.services is not None else None
        if email is not None and can_send(email):  # the not-a-fit template, from here
            open_composer(self, email, run.lead_id)  # type: ignore[arg-type]
        else:
            QGuiApplication.clipboard().setText(qualified.reply.body)
            QDesktopServices.openUrl(QUrl(qualified.reply.mailto))

    def _call_cancelled(self, run: ScriptRun) -> None:
        """Ctrl+Z while the call still waited for the import: it was never logged."""
        if self.run is run:
            self.call_logged = False
            self._show_result(
                "Call not logged", "Taken back before the import finished; nothing was saved."
            )

    def _show_result(self, title: str, body: str) -> None:
        self.result_page.show_text(title, body)
        self.pages.setCurrentIndex(RESULT)
        self.setFocus()

    def _discard(self) -> None:
        """Discard — no call happened: nothing is logged and the draft is as it was before."""
        if self.services is not None and self._started_run is not None:
            run, drafts = self._started_run, self.services.qualifications
            # after the draft's own waiting autosave, when an import holds the write lock
            save(
                self,  # type: ignore[arg-type]  (the panel is the QWidget this is mixed into)
                lambda: drafts.discard_draft(run),
                lambda _changes: None,
                undoable=False,
            )
        self.call_logged = False
        self._close()

    def _close(self) -> None:
        self._opening = None
        self._tick.stop()
        if self.call_marker is not None:
            self.call_marker.end()
        self.run = None
        self.sig_close_requested.emit()
