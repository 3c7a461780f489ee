"""What the Lead menu does to the lead a detail pane shows: call, email, note, edit, status, won,
lost, assign — each really happened before it is logged, and each returns its Undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from PySide6.QtCore import QObject, Qt, QUrl, SignalInstance
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox, QWidget

from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.core.phone_display import display_phone, tel_uri
from repdesk.core.when import format_moment
from repdesk.services.common.changes import Changes
from repdesk.ui.common.save_queue import save
from repdesk.ui.common.url_opener import open_with_system
from repdesk.ui.inbox.contact_dialogs import CallOutcomeDialog, CopyContactDialog, EmailSentDialog
from repdesk.ui.inbox.lead_dialogs import AssignDialog, LostReasonDialog, NoteDialog

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.leads.lead_rows import LeadDetail, LeadSummary
    from repdesk.services.leads.lead_service import LeadService


class _Services(Protocol):
    leads: LeadService
    time: WorkspaceTime


class LeadPane(Protocol):
    """What the commands need of the pane that shows the lead (ui/inbox/lead_detail_panel)."""

    detail: LeadDetail | None
    during_call: Callable[[], bool]
    sig_call_note_requested: SignalInstance

    @property
    def services(self) -> _Services: ...

    def on_current_page(self) -> bool: ...

    def refuses_contact(self) -> bool: ...

    def compose_email(self) -> bool: ...

    def refresh(self) -> None: ...

    def changed(self, changes: Changes) -> None: ...


class LeadCommands(QObject):
    def __init__(self, panel: LeadPane, parent: QWidget) -> None:
        super().__init__(parent)
        self.panel = panel
        self.parent_widget = parent  # the dialogs' parent (the pane itself)

    @property
    def leads(self) -> LeadService:
        return self.panel.services.leads

    def _lead(self) -> LeadSummary | None:
        """The lead in focus, when the panel is on the shown page (the actions are shared)."""
        detail = self.panel.detail
        if detail is None or not self.panel.on_current_page():
            return None
        return detail.lead

    def _apply(self, action: Callable[[], Changes]) -> None:
        """Saved now, or when an import that holds the write lock finishes (ui/common/save_queue;
        every action is bound to its lead, not to the one shown then)."""
        save(self.parent_widget, action, self.panel.changed, self.panel.refresh)

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- contact -----------------------------------------------------------------------------
    def call(self) -> None:
        """Dial with the system's phone app; the call is logged only when the rep then says how
        it went (nothing without a phone app, or on Esc)."""
        lead = self._lead()
        if lead is None or self.panel.refuses_contact():
            return
        if not lead.phone:
            QMessageBox.information(
                self.parent_widget,
                "No phone number",
                "This lead has no phone number; edit the lead to add one.",
            )
            return
        dialled = self.panel.services.time.now()
        shown = display_phone(lead.phone, self.leads.region(), lead.phone_ext)
        # Escaped: the number is the whole link, whatever the stored value holds.
        tel = tel_uri(quote(lead.phone, safe="+"), quote(lead.phone_ext, safe=""))
        if not open_with_system(QUrl(tel)):
            self._open(CopyContactDialog("phone", shown, self.parent_widget))
            return
        if self.panel.during_call():
            return  # the call-script panel logs this call, with its outcome, when it ends
        dialog = CallOutcomeDialog(lead.display_name, shown, self.parent_widget)
        lead_id, phone = lead.id, lead.phone
        dialog.sig_outcome_chosen.connect(
            lambda outcome: self._apply(
                lambda: self.leads.log_activity(
                    lead_id,
                    ActivityKind.CALL,
                    outcome=outcome.value,
                    body=f"Called {phone}",
                    occurred_at=dialled,
                )
            )
        )
        self._open(dialog)

    def email(self) -> None:
        """Write in repdesk's composer when an outgoing account is set up (the outbox records what
        the server accepted); else with the system's mail app, logged only when the rep says it
        was sent (nothing without a mail app, or on Esc)."""
        lead = self._lead()
        if lead is None or self.panel.refuses_contact():
            return
        if self.panel.compose_email():
            return
        if not lead.email:
            QMessageBox.information(
                self.parent_widget,
                "No email address",
                "This lead has no email address; edit the lead to add one.",
            )
            return
        subject = quote("Your inquiry" + (f" about {lead.product}" if lead.product else ""))
        opened = self.panel.services.time.now()
        # The address is escaped: whatever it holds cannot add a Cc, a Bcc or a body.
        if not open_with_system(QUrl(f"mailto:{quote(lead.email, safe='@')}?subject={subject}")):
            self._open(CopyContactDialog("email", lead.email, self.parent_widget))
            return
        dialog = EmailSentDialog(lead.display_name, lead.email, self.parent_widget)
        lead_id, address = lead.id, lead.email
        dialog.accepted.connect(
            lambda: self._apply(
                lambda: self.leads.log_activity(
                    lead_id, ActivityKind.EMAIL, body=f"Emailed {address}", occurred_at=opened
                )
            )
        )
        self._open(dialog)

    # -- the lead's record -------------------------------------------------------------------
    def add_note(self) -> None:
        lead = self._lead()
        if lead is None:
            return
        if self.panel.during_call():
            self.panel.sig_call_note_requested.emit()  # it goes into the call's own note
            return
        dialog = NoteDialog(lead.display_name, self.parent_widget)
        lead_id = lead.id
        dialog.accepted.connect(
            lambda: self._apply(lambda: self.leads.add_note(lead_id, dialog.note()))
        )
        dialog.open()

    def edit(self) -> None:
        if self._lead() is None or self.panel.detail is None:
            return
        from repdesk.ui.inbox.lead_edit_dialog import LeadEditDialog

        dialog = LeadEditDialog(self.leads, self.panel.detail, self.parent_widget)
        dialog.accepted.connect(lambda: self.panel.changed(dialog.changes))
        dialog.open()

    def set_status(self, status: LeadStatus) -> None:
        """The status box: Lost asks for its reason first (Esc keeps the status)."""
        if status is LeadStatus.LOST:
            self.mark_lost()
            return
        lead = self._lead()
        if lead is not None:
            lead_id = lead.id
            self._apply(lambda: self.leads.set_status(lead_id, status))

    def mark_won(self) -> None:
        lead = self._lead()
        if lead is not None:
            lead_id = lead.id
            self._apply(lambda: self.leads.set_status(lead_id, LeadStatus.WON))

    def mark_lost(self) -> None:
        lead = self._lead()
        if lead is None:
            return
        dialog = LostReasonDialog(lead.display_name, self.parent_widget)
        lead_id = lead.id
        dialog.accepted.connect(
            lambda: self._apply(
                lambda: self.leads.set_status(lead_id, LeadStatus.LOST, note=dialog.text())
            )
        )
        dialog.rejected.connect(self.panel.refresh)  # the status box shows the status again
        dialog.open()

    def assign(self) -> None:
        lead = self._lead()
        if lead is None:
            return
        dialog = AssignDialog(lead.display_name, self.leads.reps(), lead.owner, self.parent_widget)
        lead_id = lead.id
        dialog.accepted.connect(
            lambda: self._apply(lambda: self.leads.assign(lead_id, dialog.chosen()))
        )
        dialog.open()

    def toggle_do_not_contact(self) -> None:
        """Mark the lead do not contact, or clear the mark; the window says what it did (Ctrl+Z or
        the same action takes it back)."""
        lead = self._lead()
        if lead is None:
            return
        on = not lead.do_not_contact
        lead_id = lead.id
        self._apply(lambda: self.leads.set_do_not_contact(lead_id, on))
        if on:
            text = (
                f"Marked {lead.display_name} do not contact: follow-ups cancelled, no calls or "
                "emails. Ctrl+Shift+D clears it."
            )
        else:
            detail = self.panel.detail
            step = detail.lead.next_follow_up_at if detail is not None else None
            time = self.panel.services.time
            when = format_moment(step, time.now(), time.zone()) if step else ""
            text = f"{lead.display_name} may be contacted again" + (
                f"; next step {when}." if step else "."
            )
        window = self.parent_widget.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10_000)
