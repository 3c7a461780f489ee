"""Which pages the main window shows, in navigation order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from repdesk.ui.common.actions import ActionId

if TYPE_CHECKING:
    from repdesk.ui.shell.main_window import MainWindow


@dataclass
class PageSpec:
    key: str
    title: str
    action: ActionId
    factory: Callable[[], QWidget]
    """Builds the page; the main window may call it after the first paint (see MainWindow)."""


def build_pages(window: MainWindow) -> list[PageSpec]:
    ws, actions = window.workspace, window.actions_

    def inbox(all_leads: bool = False) -> QWidget:
        from repdesk.ui.inbox.inbox_page import InboxPage

        return InboxPage(ws, actions, all_leads=all_leads)

    def today() -> QWidget:
        from repdesk.ui.followups.today_page import TodayPage

        return TodayPage(ws, actions)

    def calendar() -> QWidget:
        from repdesk.ui.calendar.calendar_page import CalendarPage

        return CalendarPage(ws, actions)

    def reports() -> QWidget:
        from repdesk.ui.reports.reports_page import ReportsPage

        return ReportsPage(ws)

    def scripts() -> QWidget:
        from repdesk.ui.script.scripts_page import ScriptsPage

        return ScriptsPage(ws)

    def templates() -> QWidget:
        from repdesk.ui.email.templates_page import TemplatesPage

        inbox = window.pages.get("inbox")
        return TemplatesPage(
            ws.templates,
            ws.drafts,
            ws.leads,
            lambda: getattr(getattr(inbox, "detail", None), "lead_id", None),
        )

    def settings() -> QWidget:
        from repdesk.ui.settings.settings_page import SettingsPage

        return SettingsPage(ws, window)

    return [
        PageSpec("inbox", "Inbox", ActionId.GO_INBOX, inbox),
        PageSpec("today", "Today", ActionId.GO_TODAY, today),
        PageSpec("calendar", "Calendar", ActionId.GO_CALENDAR, calendar),
        PageSpec("leads", "Leads", ActionId.GO_LEADS, lambda: inbox(all_leads=True)),
        PageSpec("reports", "Reports", ActionId.GO_REPORTS, reports),
        PageSpec("scripts", "Scripts", ActionId.GO_SCRIPTS, scripts),
        PageSpec("templates", "Templates", ActionId.GO_TEMPLATES, templates),
        PageSpec("settings", "Settings", ActionId.GO_SETTINGS, settings),
    ]
