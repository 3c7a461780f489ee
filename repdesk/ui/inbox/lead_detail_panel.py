"""Lead detail: contact data, inquiry, extra fields, timeline, and the actions a rep takes on a
lead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.do_not_contact import refusal as dnc_refusal
from repdesk.core.domain import LeadStatus
from repdesk.core.form_match import form_summary
from repdesk.core.phone_display import display_phone
from repdesk.core.when import format_moment
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError
from repdesk.services.leads.lead_rows import LeadDetail
from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.common.empty_state import EmptyStatePanel
from repdesk.ui.common.flow_layout import FlowLayout
from repdesk.ui.common.save_queue import save
from repdesk.ui.common.wrap_text import WrapText
from repdesk.ui.common.wrapping_list import wrap_items
from repdesk.ui.inbox.lead_commands import LeadCommands
from repdesk.ui.inbox.lead_timeline import timeline_entries

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.script.form_mappings import FormMappingService
    from repdesk.services.script.script_service import ScriptService
    from repdesk.services.team.claims import TeamQueue
    from repdesk.ui.email.composer import EmailServices
    from repdesk.ui.followups.followup_dialogs import ExportServices

DNC_BANNER = "⊘  Do not contact — no calls or emails"


@dataclass(frozen=True)
class LeadDetailServices:
    """What the lead detail uses: the lead and its changes, the clock, the calendar export."""

    leads: LeadService
    time: WorkspaceTime
    export: ExportServices
    #: Forms whose fields match no question: offered for mapping on their lead (once).
    form_mappings: FormMappingService
    scripts: ScriptService
    email: EmailServices | None = None
    """Writing to the lead from repdesk, and their stop requests (ui/email)."""
    team: TeamQueue | None = None
    """Who else is on a call with the lead now (ui/team)."""


class LeadDetailPanel(QStackedWidget):
    sig_lead_changed = Signal(object)
    """Emitted with a Changes value after the rep changed the lead (call logged, status, note,
    edit)."""
    sig_call_note_requested = Signal()
    """Emitted when the rep asks for a note during a call: it goes into the call's own note."""

    def __init__(
        self,
        services: LeadDetailServices | None,
        actions: ActionRegistry,
        parent: QWidget | None = None,
    ) -> None:
        """`services` None: the app's start, before the services load; the pane stays blank until
        `services_loaded` hands them over."""
        super().__init__(parent)
        self.setObjectName("leadDetail")
        self._services = services
        self.lead_id: int | None = None
        self.detail: LeadDetail | None = None
        self.addWidget(
            EmptyStatePanel(
                "No lead selected", "Pick a lead in the list to see its details and timeline."
            )
        )
        self.addWidget(self._build_content(actions))
        self.addWidget(
            QWidget()
        )  # blank while the services load at start-up (not "No lead selected")
        if services is None:
            self.setCurrentIndex(2)
        self._actions = actions
        self.during_call: Callable[[], bool] = lambda: False
        """Set by the inbox: true while the call-script panel is open (it logs that call)."""
        self.commands = LeadCommands(self, self)
        for action_id, slot in (
            (ActionId.CALL_LEAD, self.commands.call),
            (ActionId.EMAIL_LEAD, self.commands.email),
            (ActionId.ADD_NOTE, self.commands.add_note),
            (ActionId.EDIT_LEAD, self.commands.edit),
            (ActionId.MARK_WON, self.commands.mark_won),
            (ActionId.MARK_LOST, self.commands.mark_lost),
            (ActionId.ASSIGN_LEAD, self.commands.assign),
            (ActionId.DO_NOT_CONTACT, self.commands.toggle_do_not_contact),
            (ActionId.REPLY_EMAIL, self.reply_by_email),
        ):
            actions[action_id].triggered.connect(slot)

    def _build_content(self, actions: ActionRegistry) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        # A long name wraps (inside a word when it must) in a narrow pane, beside the status.
        self.name_label = WrapText(object_name="detailName")
        name_font = self.name_label.font()
        name_font.setPixelSize(18)  # as the app's QLabel#detailName
        name_font.setWeight(QFont.Weight.DemiBold)
        self.name_label.setFont(name_font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)
        self.heading = QHBoxLayout()  # the name, with the status box beside it (added below)
        self.heading.addWidget(self.name_label, 1)
        layout.addLayout(self.heading)
        layout.addWidget(self.subtitle)
        from repdesk.ui.email.stop_bar import StopRequestBar

        self.stop_bar = StopRequestBar(
            lambda: (
                self._services.email.replies
                if self._services is not None and self._services.email is not None
                else None
            ),
            actions,
        )
        self.stop_bar.sig_lead_changed.connect(self._stop_changed)
        layout.addWidget(self.stop_bar)
        self.dnc_banner = QLabel(DNC_BANNER)
        self.dnc_banner.setObjectName("dncBanner")
        self.dnc_banner.setWordWrap(True)
        # Its own colours, not the palette's: it must read as a warning in light and dark alike.
        self.dnc_banner.setStyleSheet(
            "QLabel#dncBanner { background: #cf222e; color: white; font-weight: 600;"
            " padding: 4px 8px; border-radius: 4px; }"
        )
        self.dnc_banner.hide()
        layout.addWidget(self.dnc_banner)
        # The buttons wrap onto further rows when the pane is narrow (a laptop, a call open).
        buttons = FlowLayout()
        for action_id in (
            ActionId.CALL_LEAD,
            ActionId.EMAIL_LEAD,
            ActionId.START_SCRIPT,
            ActionId.ADD_NOTE,
            ActionId.EDIT_LEAD,
        ):
            button = QPushButton(actions[action_id].text().replace("&", "").rstrip("…"))
            button.setToolTip(actions[action_id].toolTip())
            button.clicked.connect(actions[action_id].trigger)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            buttons.addWidget(button)
        self.dnc_button = QPushButton()
        self.dnc_button.setObjectName("leadDoNotContact")
        self.dnc_button.setCheckable(True)
        self.dnc_button.setToolTip(actions[ActionId.DO_NOT_CONTACT].toolTip())
        self.dnc_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.dnc_button.clicked.connect(actions[ActionId.DO_NOT_CONTACT].trigger)
        buttons.addWidget(self.dnc_button)
        export = QPushButton("Export to calendar…")
        export.setObjectName("leadExportIcs")
        export.setToolTip("Export this lead's next steps as an .ics file with reminders")
        export.clicked.connect(self.export_to_calendar)
        buttons.addWidget(export)
        self.status_box = QComboBox()
        self.status_box.setObjectName("leadStatus")
        self.status_box.setToolTip("Change the lead's status")
        for status in LeadStatus:
            self.status_box.addItem(status.label, status.value)
        self.status_box.activated.connect(self._status_chosen)
        self.heading.addWidget(self.status_box, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(buttons)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields: dict[str, QLabel | WrapText] = {}
        for key, label in (
            ("email", "Email"),
            ("phone", "Phone"),
            ("phones", "Other numbers"),
            ("source", "Source"),
            ("product", "Product"),
            ("owner", "Owner"),
            ("received", "Received"),
            ("first_response", "First answer"),
            ("next_step", "Next step"),
            ("verdict", "Verdict"),
        ):
            value: QLabel | WrapText
            if key == "email":  # an address wraps at its own break points (WrapText)
                value = WrapText(object_name="detailEmail")
            else:
                value = QLabel()
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setWordWrap(True)
            self.fields[key] = value
            self.form.addRow(label, value)
        self.fields["phone"].setObjectName("detailPhone")
        self.fields["phones"].setObjectName("detailOtherPhones")
        layout.addLayout(self.form)
        layout.addWidget(_section("Inquiry"))
        self.message = WrapText(object_name="detailInquiry")  # links break inside themselves
        layout.addWidget(self.message)
        self.extra_title = _section("More fields")
        self.extra = WrapText(object_name="detailMoreFields")
        layout.addWidget(self.extra_title)
        layout.addWidget(self.extra)
        layout.addWidget(self._build_offer())
        layout.addWidget(_section("Timeline"))
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        wrap_items(self.timeline)  # a long note or change wraps in the pane, never cut off
        self.timeline.setMinimumHeight(160)
        layout.addWidget(self.timeline, 1)
        scroll.setWidget(body)
        return scroll

    @property
    def services(self) -> LeadDetailServices:
        assert self._services is not None, "the lead detail acts only once the services loaded"
        return self._services

    def services_loaded(self, services: LeadDetailServices) -> None:
        """The services have loaded (at start-up): show the lead chosen meanwhile, if any."""
        self._services = services
        if self.lead_id is not None:
            self.show_lead(self.lead_id)

    # -- showing ---------------------------------------------------------------------------------
    def _build_offer(self) -> QWidget:
        """The bar offering (once per form) to map a form's fields that match no question."""
        self.offer_bar = QFrame(objectName="formOffer")
        self.offer_bar.setStyleSheet(
            "QFrame#formOffer { border: 1px solid palette(mid); border-radius: 6px; }"
        )
        bar = QVBoxLayout(self.offer_bar)
        self.offer_text = QLabel(wordWrap=True)
        buttons = QHBoxLayout()
        self.map_button = QPushButton("Map fields to questions…", objectName="mapFormFields")
        self.map_button.clicked.connect(self.map_form)
        dismiss = QPushButton("Not questions", objectName="dismissFormOffer")
        dismiss.setToolTip("These fields are no qualification questions: do not ask again")
        dismiss.clicked.connect(self.dismiss_form)
        buttons.addWidget(self.map_button)
        buttons.addWidget(dismiss)
        buttons.addStretch(1)
        bar.addWidget(self.offer_text)
        bar.addLayout(buttons)
        self.offer_bar.hide()
        self.offer = None
        return self.offer_bar

    def _show_offer(self, lead_id: int) -> None:
        self.offer = self.services.form_mappings.offer_for(lead_id)
        self.offer_bar.setVisible(self.offer is not None)
        if self.offer is not None:
            fields = ", ".join(self.offer.labels[:4]) + ("…" if len(self.offer.labels) > 4 else "")
            self.offer_text.setText(
                f"This {self.offer.source} form's fields ({fields}) match no question. Map them "
                "once and every answer it sends fills the script."
            )

    def map_form(self) -> None:
        from repdesk.ui.script.form_mapping_dialog import FormMappingDialog

        if self.offer is None or self.lead_id is None:
            return
        questions = [q for s in self.services.scripts.current_bundle().sets for q in s.questions]
        dialog = FormMappingDialog(self.offer, questions, self)
        if dialog.exec() != FormMappingDialog.DialogCode.Accepted:
            return
        offer_id, mapping = self.offer.id, dialog.mapping()
        self._offer_saved(lambda: self.services.form_mappings.map_form(offer_id, mapping))

    def dismiss_form(self) -> None:
        if self.offer is not None:
            offer_id = self.offer.id
            self._offer_saved(lambda: self.services.form_mappings.dismiss(offer_id))

    def _offer_saved(self, action: Callable[[], Changes]) -> None:
        """Saved now, or when an import that holds the write lock finishes (ui/common/save_queue;
        the offer is hidden while it waits, back if Ctrl+Z drops it or it is refused)."""

        def saved(changes: Changes) -> None:
            self.refresh()
            self.sig_lead_changed.emit(changes)

        if not save(self, action, saved, self.refresh, cancelled=self.refresh):
            self.offer_bar.hide()

    def show_lead(self, lead_id: int | None) -> None:
        self.lead_id = lead_id
        if self._services is None:
            return  # blank until the services load; services_loaded() shows this lead
        if lead_id is None:
            self.detail = None
            self.setCurrentIndex(0)
            self._set_actions_enabled(False)
            return
        try:
            self.detail = self.services.leads.detail(lead_id)
        except NotFoundError:  # gone meanwhile (an undone import, a merge): nothing to show
            self.show_lead(None)
            return
        self._fill(self.detail)
        self._show_offer(lead_id)
        self.setCurrentIndex(1)
        self._set_actions_enabled(True)

    def refresh(self) -> None:
        if self.lead_id is not None:
            self.show_lead(self.lead_id)

    def _fill(self, d: LeadDetail) -> None:
        lead = d.lead
        self.name_label.setText(lead.display_name)
        self.subtitle.setText(
            " · ".join(p for p in (lead.title, lead.company) if p) or "No company given"
        )
        now = self.services.time.now()
        zone = self.services.time.zone()

        def _when(moment: datetime | None) -> str:
            return format_moment(moment, now, zone) if moment else "—"

        f = self.fields
        email = f["email"]
        if isinstance(email, WrapText) and lead.email:
            email.set_address(lead.email)  # breaks before "@" and ".", never inside a word
        else:
            email.setText(lead.email or "—")
        region = self.services.leads.region()
        f["phone"].setText(display_phone(lead.phone, region, lead.phone_ext) if lead.phone else "—")
        others = _other_numbers(d.phones, lead.phone, region)
        f["phones"].setText(others)
        self.form.setRowVisible(f["phones"], bool(others))
        f["source"].setText(lead.source or "—")
        f["product"].setText(lead.product or "—")
        over_capacity = "over_capacity" in {t.strip() for t in d.tags.replace(";", ",").split(",")}
        on_call = (
            self.services.team.on_calls([lead.id]).get(lead.id)
            if self.services.team is not None
            else None
        )
        f["owner"].setText(
            (
                lead.owner
                or ("Unassigned — every rep is at capacity" if over_capacity else "Unassigned")
            )
            + (f" · on a call with {on_call.who} now" if on_call and not on_call.mine else "")
        )
        f["received"].setText(_when(lead.received_at))
        f["first_response"].setText(
            _when(lead.first_response_at) if lead.first_response_at else "Not answered yet"
        )
        step = _when(lead.next_follow_up_at) if lead.next_follow_up_at else "None scheduled"
        if lead.do_not_contact:
            step = "None: do not contact"
        if lead.next_follow_up_at and lead.next_follow_up_at < now:
            step += " (overdue)"
        f["next_step"].setText(step)
        verdict = lead.verdict.replace("_", " ") if lead.verdict else "Not qualified yet"
        if not lead.verdict and lead.form_verdict:  # provisional, until the call
            verdict = form_summary(lead.form_verdict, lead.form_note) + " (not called yet)"
        if lead.score is not None:
            verdict += f" · score {lead.score}"
        if d.qualification_expires_at and d.qualification_expires_at < now:
            verdict += " · re-qualify"
        f["verdict"].setText(verdict)
        self.status_box.setCurrentIndex(self.status_box.findData(lead.status))
        self.stop_bar.show_for(lead.id)
        self.dnc_banner.setVisible(lead.do_not_contact)
        self.dnc_button.setChecked(lead.do_not_contact)
        self.dnc_button.setText("Allow contact" if lead.do_not_contact else "Do not contact")
        self._actions[ActionId.DO_NOT_CONTACT].setChecked(lead.do_not_contact)
        self.message.setText(d.message or "No message with the inquiry.")
        extras = [(k, v) for k, v in d.extra.items() if str(v).strip()]
        self.extra_title.setVisible(bool(extras))
        self.extra.setVisible(bool(extras))
        self.extra.set_html("<br>".join(f"<b>{_esc(k)}</b>: {_esc(str(v))}" for k, v in extras))
        self.timeline.clear()
        for text in timeline_entries(d.activities, d.history, _when):
            self.timeline.addItem(QListWidgetItem(text))

    def on_current_page(self) -> bool:
        """True when this panel is on the page the window shows (the Lead actions act on it)."""
        return self.isVisibleTo(self.window())

    def sync_actions(self) -> None:
        """Enable the Lead actions when this panel shows a lead (the page calls it when shown)."""
        self._set_actions_enabled(self.lead_id is not None)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.sync_actions()

    def _set_actions_enabled(self, enabled: bool) -> None:
        # Several pages hold a detail panel and share the actions: only the shown one decides.
        if self.on_current_page():
            self._actions.set_lead_actions_enabled(enabled)

    # -- email (ui/email) ------------------------------------------------------------------------
    def compose_email(self) -> bool:
        """Open repdesk's composer on the shown lead when an outgoing account can send (False
        when none is set up: the system's mail app is the way then)."""
        from repdesk.ui.email.composer import can_send

        email = self._services.email if self._services is not None else None
        if self.detail is None or email is None or not can_send(email):
            return False
        from repdesk.ui.email.composer import open_composer

        open_composer(self, email, self.detail.lead.id)
        return True

    def reply_by_email(self) -> None:
        """The composer with the template that fits the lead now (services/email)."""
        if self.detail is None or not self.on_current_page():
            return
        from repdesk.ui.email.composer import open_composer

        email = self._services.email if self._services is not None else None
        if email is not None:
            open_composer(self, email, self.detail.lead.id)

    def _stop_changed(self, changes: Changes) -> None:
        self.refresh()
        self.sig_lead_changed.emit(changes)

    # -- actions (ui/inbox/lead_commands) --------------------------------------------------------
    def export_to_calendar(self) -> None:
        if self.detail is None:
            return
        from repdesk.ui.followups.followup_dialogs import ExportDialog

        ExportDialog(
            self.services.export,
            self,
            lead_id=self.detail.lead.id,
            lead_name=self.detail.lead.display_name,
        ).open()

    def _status_chosen(self, index: int) -> None:
        self.commands.set_status(LeadStatus(self.status_box.itemData(index)))

    def refuses_contact(self) -> bool:
        """True (and says why, in one sentence) when the lead shown is marked do not contact."""
        if self.detail is None or not self.detail.lead.do_not_contact:
            return False
        QMessageBox.information(self, "Do not contact", dnc_refusal(self.detail.lead.display_name))
        return True

    def changed(self, changes: Changes) -> None:
        """After an action on the shown lead: show it anew and tell the page."""
        self.refresh()
        self.sig_lead_changed.emit(changes)


def _other_numbers(phones: list[dict[str, object]], main: str, region: str) -> str:
    """The numbers besides the main phone, one a line with its kind ("mobile +16465550171"); a
    number that is no valid number is shown as written, and said to be so."""
    shown = []
    skipped = False
    for phone in phones:
        number = str(phone.get("number", ""))
        if number == main and not skipped:
            skipped = True
            continue
        ext = str(phone.get("ext", ""))
        if phone.get("valid") is False:
            text = f"{phone.get('kind', 'main')} {number} (as written, not valid)"
        else:
            text = f"{phone.get('kind', 'main')} {display_phone(number, region, ext)}"
        shown.append(text)
    return "\n".join(shown)


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
