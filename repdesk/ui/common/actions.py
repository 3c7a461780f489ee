"""Every user action in one registry: ids, labels, shortcuts and tooltips (menus and toolbars reuse
them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


class ActionId(Enum):
    IMPORT = "import"
    BACKUP = "backup"
    EXPORT_ICS = "export_ics"
    QUIT = "quit"
    ABOUT = "about"
    FOCUS_SEARCH = "focus_search"
    GO_INBOX = "go_inbox"
    GO_TODAY = "go_today"
    GO_CALENDAR = "go_calendar"
    GO_LEADS = "go_leads"
    GO_REPORTS = "go_reports"
    GO_SCRIPTS = "go_scripts"
    GO_SETTINGS = "go_settings"
    UNDO_IMPORT = "undo_import"
    DUPLICATES = "duplicates"
    CALL_LEAD = "call_lead"
    EMAIL_LEAD = "email_lead"
    EDIT_LEAD = "edit_lead"
    ADD_NOTE = "add_note"
    START_SCRIPT = "start_script"
    UNDO = "undo"
    SHORTCUTS = "shortcuts"
    TOGGLE_SIDEBAR = "toggle_sidebar"
    NEW_LEAD = "new_lead"
    NEXT_LEAD = "next_lead"
    MARK_WON = "mark_won"
    MARK_LOST = "mark_lost"
    ASSIGN_LEAD = "assign_lead"
    REPLY_EMAIL = "reply_email"
    SEND_EMAIL = "send_email"
    STOP_EMAILS = "stop_emails"
    GO_TEMPLATES = "go_templates"
    SHOW_OUTBOX = "show_outbox"
    DO_NOT_CONTACT = "do_not_contact"


@dataclass(frozen=True)
class ActionSpec:
    text: str
    shortcut: str | QKeySequence.StandardKey | None
    tip: str
    more: tuple[str, ...] = ()
    """Further shortcuts for the same action."""
    checkable: bool = False


SPECS: dict[ActionId, ActionSpec] = {
    ActionId.IMPORT: ActionSpec("&Import leads…", "Ctrl+O", "Import leads from CSV or vCard files"),
    ActionId.BACKUP: ActionSpec("&Backup…", "Ctrl+Shift+B", "Save a copy of the database"),
    ActionId.EXPORT_ICS: ActionSpec(
        "Export &reminders…", "Ctrl+Shift+E", "Export follow-ups as an .ics calendar file"
    ),
    ActionId.QUIT: ActionSpec("&Quit", "Ctrl+Q", "Quit repdesk"),
    ActionId.ABOUT: ActionSpec("&About repdesk", None, "Versions and where your data lives"),
    ActionId.FOCUS_SEARCH: ActionSpec(
        "&Search leads", "Ctrl+F", "Search by name, company, email, phone or notes"
    ),
    ActionId.GO_INBOX: ActionSpec("Inbox", "Ctrl+1", "Who is waiting for an answer"),
    ActionId.GO_TODAY: ActionSpec("Today", "Ctrl+2", "Follow-ups due today and overdue"),
    ActionId.GO_CALENDAR: ActionSpec("Calendar", "Ctrl+3", "Follow-ups by day, week and month"),
    ActionId.GO_LEADS: ActionSpec("Leads", "Ctrl+4", "Every lead, open and closed"),
    ActionId.GO_REPORTS: ActionSpec("Reports", "Ctrl+5", "Speed to lead, coverage, funnel"),
    ActionId.GO_SCRIPTS: ActionSpec(
        "Scripts", "Ctrl+6", "Qualification questions and verdict rules"
    ),
    ActionId.GO_SETTINGS: ActionSpec("Settings", "Ctrl+,", "Response target, business hours, reps"),
    ActionId.UNDO_IMPORT: ActionSpec(
        "&Undo last import", None, "Remove what the last import added and revert what it merged"
    ),
    ActionId.DUPLICATES: ActionSpec(
        "Possible &duplicates…",
        "Ctrl+Alt+D",
        "Leads an import could not tell apart: merge them or keep them apart",
    ),
    ActionId.CALL_LEAD: ActionSpec(
        "&Call",
        "Ctrl+Shift+C",
        "Call the selected lead with your phone app; say how it went to log the call",
    ),
    ActionId.EMAIL_LEAD: ActionSpec(
        "E&mail",
        "Ctrl+Shift+M",
        "Email the selected lead with your mail app; confirm it was sent to log it",
    ),
    ActionId.EDIT_LEAD: ActionSpec(
        "&Edit lead…", "Ctrl+E", "Edit the selected lead's contact data"
    ),
    ActionId.ADD_NOTE: ActionSpec(
        "Add &note…", "Ctrl+Shift+N", "Add a note to the selected lead's timeline"
    ),
    ActionId.START_SCRIPT: ActionSpec(
        "&Qualify…", "Ctrl+K", "Run the call script for the selected lead"
    ),
    ActionId.NEW_LEAD: ActionSpec(
        "&New lead…", "Ctrl+N", "Add a walk-in or an inbound caller as a new lead"
    ),
    ActionId.NEXT_LEAD: ActionSpec(
        "Ne&xt lead and its script",
        "Ctrl+Shift+K",
        "End with this lead and start the call script of the next one in the queue",
    ),
    ActionId.MARK_WON: ActionSpec("Mark &won", "Ctrl+Shift+W", "Close the lead as won"),
    ActionId.MARK_LOST: ActionSpec(
        "Mark &lost…", "Ctrl+Shift+L", "Close the lead as lost, with the reason"
    ),
    ActionId.ASSIGN_LEAD: ActionSpec(
        "&Assign…", "Ctrl+Shift+A", "Give the lead to a rep (or to nobody)"
    ),
    ActionId.SHORTCUTS: ActionSpec(
        "&Keyboard shortcuts", "F1", "Every key repdesk knows, on one sheet", more=("Ctrl+/",)
    ),
    ActionId.TOGGLE_SIDEBAR: ActionSpec(
        "Narrow or wide &sidebar", "Ctrl+\\", "Switch the sidebar between names and glyphs"
    ),
    ActionId.UNDO: ActionSpec(
        "&Undo", "Ctrl+Z", "Take back the last quick action (newest first), exactly as it was"
    ),
    ActionId.REPLY_EMAIL: ActionSpec(
        "&Reply by email…",
        "Ctrl+R",
        "Write to the selected lead with the template that fits them now",
    ),
    ActionId.SEND_EMAIL: ActionSpec(
        "Send email",
        "Ctrl+Return",
        "Send the email in the composer (it waits in the outbox offline)",
    ),
    ActionId.STOP_EMAILS: ActionSpec(
        "Stop emailing them (do not contact)",
        "Ctrl+Shift+U",
        "They asked to stop: mark the selected lead do not contact",
    ),
    ActionId.GO_TEMPLATES: ActionSpec("Templates", "Ctrl+7", "Email templates with a preview"),
    ActionId.SHOW_OUTBOX: ActionSpec(
        "&Outbox…", "Ctrl+Shift+O", "Emails waiting to be sent, and any that need a look"
    ),
    ActionId.DO_NOT_CONTACT: ActionSpec(
        "&Do not contact",
        "Ctrl+Shift+D",
        "Mark the selected lead do not contact (no calls, emails or follow-ups), or clear the mark",
        checkable=True,
    ),
}


#: Actions on the lead in focus: enabled only while the current page shows a lead.
LEAD_ACTIONS = (
    ActionId.CALL_LEAD,
    ActionId.EMAIL_LEAD,
    ActionId.START_SCRIPT,
    ActionId.ADD_NOTE,
    ActionId.EDIT_LEAD,
    ActionId.MARK_WON,
    ActionId.MARK_LOST,
    ActionId.ASSIGN_LEAD,
    ActionId.REPLY_EMAIL,
    ActionId.DO_NOT_CONTACT,
)


#: Keys that work inside one page or panel (handled there, listed here so the sheet shows them).
PAGE_KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Call script (Ctrl+K)",
        (
            ("1–9", "pick the nth option and go on"),
            ("Y / N", "answer yes or no"),
            ("Enter", "accept a typed answer (empty: skip an optional question)"),
            ("Esc", "end the call: then 1–4 its outcome, D discard (nothing logged)"),
            ("Ctrl+Shift+N", "write in the call note; Esc goes back to the question"),
            ("Enter (after the call)", "close and go on to the next lead"),
        ),
    ),
    (
        "Today (Ctrl+2)",
        (
            ("D or Space", "done (a call asks its outcome: 1–4)"),
            ("S / Shift+S", "snooze an hour / to the next business morning"),
            ("R", "reschedule to a date and time"),
            ("Enter / Esc", "show the lead beside the list / hide it"),
            ("Alt+M", "only my steps and the unassigned ones"),
        ),
    ),
    (
        "Did you reach them? (after Call)",
        (("1–4", "connected, voicemail, no answer, wrong number"), ("Esc", "log nothing")),
    ),
    ("Every dialog", (("Enter or Ctrl+Enter", "submit"), ("Esc", "cancel"))),
)


class ActionRegistry:
    """Creates each QAction once; widgets look them up by id."""

    def __init__(self, parent: QWidget) -> None:
        self._actions: dict[ActionId, QAction] = {}
        for action_id, spec in SPECS.items():
            action = QAction(spec.text.replace("&&", "&"), parent)
            action.setObjectName(f"action_{action_id.value}")
            action.setCheckable(spec.checkable)
            if spec.shortcut is not None:
                action.setShortcuts(
                    [QKeySequence(spec.shortcut), *(QKeySequence(k) for k in spec.more)]
                )
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{spec.tip} ({shortcut})" if shortcut else spec.tip)
            action.setStatusTip(spec.tip)
            self._actions[action_id] = action

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]

    def set_lead_actions_enabled(self, enabled: bool) -> None:
        for action_id in LEAD_ACTIONS:
            self._actions[action_id].setEnabled(enabled)
