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
        "&Call", "Ctrl+Shift+C", "Call the selected lead (logs an outbound call)"
    ),
    ActionId.EMAIL_LEAD: ActionSpec(
        "E&mail", "Ctrl+Shift+M", "Email the selected lead (logs an outbound email)"
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


class ActionRegistry:
    """Creates each QAction once; widgets look them up by id."""

    def __init__(self, parent: QWidget) -> None:
        self._actions: dict[ActionId, QAction] = {}
        for action_id, spec in SPECS.items():
            action = QAction(spec.text.replace("&&", "&"), parent)
            action.setObjectName(f"action_{action_id.value}")
            action.setCheckable(spec.checkable)
            if spec.shortcut is not None:
                action.setShortcut(QKeySequence(spec.shortcut))
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{spec.tip} ({shortcut})" if shortcut else spec.tip)
            action.setStatusTip(spec.tip)
            self._actions[action_id] = action

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]
