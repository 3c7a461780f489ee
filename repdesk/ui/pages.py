"""Which pages the main window shows, in navigation order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from repdesk.ui.actions import ActionId
from repdesk.ui.empty_state import EmptyStatePanel

if TYPE_CHECKING:
    from repdesk.ui.main_window import MainWindow


@dataclass
class PageSpec:
    key: str
    title: str
    action: ActionId
    widget: QWidget


_PLACEHOLDERS = {
    "today": (
        "Your day starts here",
        "Follow-ups due today and overdue will be listed here, most urgent first, "
        "so that every open lead has a next step. Until then, work the Inbox: it shows who is waiting.",
    ),
    "calendar": (
        "Calendar of follow-ups",
        "Scheduled calls, emails and tasks will appear here by day, week and month, "
        "and export to the calendar you already use.",
    ),
    "reports": (
        "Reports",
        "Speed to lead, follow-up coverage, the funnel and rep capacity will be charted here. "
        "Import or work some leads first: the figures come from your activity.",
    ),
    "scripts": (
        "Qualification scripts",
        "The shared core questions, product questions and the verdict rules will be edited here. "
        "Until then, `repdesk script export FILE` shows the current set.",
    ),
    "settings": (
        "Settings",
        "Response target, business hours, reps and their capacity, and inquiry sources will be set here.",
    ),
}


def build_pages(window: MainWindow) -> list[PageSpec]:
    from repdesk.ui.calendar_page import CalendarPage
    from repdesk.ui.inbox_page import InboxPage
    from repdesk.ui.reports_page import ReportsPage
    from repdesk.ui.scripts_page import ScriptsPage
    from repdesk.ui.today_page import TodayPage

    inbox = InboxPage(window.workspace, window.actions_)
    leads = InboxPage(window.workspace, window.actions_, all_leads=True)
    specs = [
        PageSpec("inbox", "Inbox", ActionId.GO_INBOX, inbox),
        PageSpec("today", "Today", ActionId.GO_TODAY, TodayPage(window.workspace, window.actions_)),
        PageSpec("calendar", "Calendar", ActionId.GO_CALENDAR, CalendarPage(window.workspace, window.actions_)),
        PageSpec("leads", "Leads", ActionId.GO_LEADS, leads),
        PageSpec("reports", "Reports", ActionId.GO_REPORTS, ReportsPage(window.workspace)),
        PageSpec("scripts", "Scripts", ActionId.GO_SCRIPTS, ScriptsPage(window.workspace)),
        PageSpec("settings", "Settings", ActionId.GO_SETTINGS, _placeholder("settings")),
    ]
    return specs


def _placeholder(key: str) -> QWidget:
    title, body = _PLACEHOLDERS[key]
    return EmptyStatePanel(title, body)
