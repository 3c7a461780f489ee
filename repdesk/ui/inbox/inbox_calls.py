"""The inbox's call: the call-script panel opened on the lead in focus (the list keeps that lead
pinned while the call lasts), and the queue moving on to the next lead afterwards (InboxPage's
part for calls)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from repdesk.ui.script.script_panel import ScriptPanel


class InboxCalls:
    """Calls from the inbox; mixed into InboxPage, whose state it uses: `call_lead_id`, the
    `script` panel, the `table`, `model`, `detail` and `splitter`."""

    def _start_script(self) -> None:
        lead_id = self.detail.lead_id
        if not self.isVisible() or lead_id is None or self._services is None:
            return
        if self.call_lead_id is not None:
            if self.script is not None:
                self.script.focus_answer()  # already on the call: back to the question
            return
        if self.detail.refuses_contact():  # a script is a call
            return
        row = self.row_of(lead_id, self._current_row())
        if row < 0:
            return  # only a lead the list shows (and highlights) can be called
        script = self.prepare_script_panel()
        self.call_lead_id = lead_id
        self._call_row = row
        following = self.model.lead_at(row + 1)
        self._next_after_call = following.id if following is not None else None
        self._layout.open_call(script)
        script.start(lead_id)  # focus goes where the rep answers

    def next_lead(self) -> None:
        """Go on to the next lead in the queue and start its script (after a call: the lead the
        queue moved on to)."""
        if not self.isVisible():
            return
        if self.call_lead_id is not None and self.script is not None:
            if not self.script.call_ended:
                self.script.show_pinned_notice()  # end this call first (Esc, then 1–4)
                return
            logged = self.script.call_logged
            self.script.close_call()  # the selection moves on when the call was logged
            if not logged:
                self._select_next_row()
        else:
            self._select_next_row()
        self._start_script()

    def _select_next_row(self) -> None:
        row = self._current_row() + 1
        if row < self.model.rowCount():
            self.table.selectRow(row)

    def next_lead_row(self) -> int:
        """Where the queue goes on after the call: the lead that followed the called one, or the
        one now at its place."""
        if self._next_after_call is not None:
            row = self.row_of(self._next_after_call, self._call_row)
            if row >= 0:
                return row
        return min(self._call_row, self.model.rowCount() - 1)

    def prepare_script_panel(self) -> ScriptPanel:
        """Create the call-script panel, hidden until a call starts (the main window calls this once
        the pages are built, so the panel's widgets exist before the first call)."""
        if self.script is None:
            # Imported here, not at start-up: the first screen does not need the panel.
            from repdesk.ui.script.script_panel import ScriptPanel

            self.script = ScriptPanel(self.services.script)
            self.script.setObjectName("scriptPanelAll" if self.all_leads else "scriptPanel")
            self.script.sig_changes_made.connect(self._changed)
            self.script.sig_close_requested.connect(self._close_script)
            self.splitter.addWidget(self.script)
            self.script.hide()
        return self.script

    def _close_script(self) -> None:
        moved_on = self.script is not None and self.script.call_logged
        if self.script is not None:
            self.script.hide()
        self._layout.close_call()
        self.call_lead_id = None
        if moved_on and self.model.rowCount():
            self.table.selectRow(self.next_lead_row())  # the queue moves on
        self.table.setFocus()

    def shutdown(self) -> None:
        """The window is closing: a call still on the phone stops showing to the others now."""
        self._lease_timer.stop()
        marker = self.script.call_marker if self.script is not None else None
        if marker is not None:
            marker.end(wait=True)
