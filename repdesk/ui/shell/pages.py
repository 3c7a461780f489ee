"""Which pages the main window shows, in navigation order, and what each is given to work with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from repdesk.ui.common.actions import ActionId, ActionRegistry

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.inbox.inbox_sqlite import SqliteInbox
    from repdesk.services.workspace.services import Services
    from repdesk.ui.calendar.calendar_page import CalendarServices
    from repdesk.ui.email.composer import EmailServices
    from repdesk.ui.followups.followup_dialogs import ExportServices
    from repdesk.ui.followups.today_page import TodayServices
    from repdesk.ui.inbox.inbox_page import InboxServices
    from repdesk.ui.inbox.lead_detail_panel import LeadDetailServices
    from repdesk.ui.reports.reports_page import ReportsServices
    from repdesk.ui.settings.settings_page import SettingsServices

# The pages' modules load when a page is built: the first screen needs only the inbox's.


@dataclass
class PageSpec:
    key: str
    title: str
    action: ActionId
    build: Callable[[Services], QWidget]
    """Builds the page on the workspace's services (the main window may call it after the first
    paint, once they have loaded)."""
    build_early: Callable[[], QWidget] | None = None
    """The inbox only: builds the page before the services load, on the file's first screen."""
    hand_over: Callable[[QWidget, Services], None] | None = None
    """Gives a page built early (or at the start) its services after the first paint."""


def build_pages(
    actions: ActionRegistry, time: WorkspaceTime, first_screen: SqliteInbox | None
) -> list[PageSpec]:
    def inbox(services: Services, all_leads: bool = False) -> QWidget:
        from repdesk.ui.inbox.inbox_page import InboxPage

        return InboxPage(time, actions, inbox_services(services), all_leads=all_leads)

    def inbox_early() -> QWidget:
        from repdesk.ui.inbox.inbox_page import InboxPage

        return InboxPage(time, actions, first_screen=first_screen)

    def inbox_hand_over(page: QWidget, services: Services) -> None:
        from repdesk.ui.inbox.inbox_page import InboxPage

        assert isinstance(page, InboxPage)
        page.services_loaded(inbox_services(services))

    def today(services: Services) -> QWidget:
        from repdesk.ui.followups.today_page import TodayPage

        return TodayPage(today_services(services), actions)

    def calendar(services: Services) -> QWidget:
        from repdesk.ui.calendar.calendar_page import CalendarPage

        return CalendarPage(calendar_services(services), actions)

    def reports(services: Services) -> QWidget:
        from repdesk.ui.reports.reports_page import ReportsPage

        return ReportsPage(reports_services(services))

    def scripts(services: Services) -> QWidget:
        from repdesk.ui.script.scripts_page import ScriptsPage

        return ScriptsPage(services.scripts)

    def templates(services: Services) -> QWidget:
        from repdesk.ui.email.templates_page import TemplatesPage

        return TemplatesPage(services.templates, services.drafts, services.leads)

    def settings(services: Services) -> QWidget:
        from repdesk.ui.settings.settings_page import SettingsPage

        return SettingsPage(settings_services(services))

    return [
        PageSpec("inbox", "Inbox", ActionId.GO_INBOX, inbox, inbox_early, inbox_hand_over),
        PageSpec("today", "Today", ActionId.GO_TODAY, today),
        PageSpec("calendar", "Calendar", ActionId.GO_CALENDAR, calendar),
        PageSpec("leads", "Leads", ActionId.GO_LEADS, lambda s: inbox(s, all_leads=True)),
        PageSpec("reports", "Reports", ActionId.GO_REPORTS, reports),
        PageSpec("scripts", "Scripts", ActionId.GO_SCRIPTS, scripts),
        PageSpec("templates", "Templates", ActionId.GO_TEMPLATES, templates),
        PageSpec("settings", "Settings", ActionId.GO_SETTINGS, settings),
    ]


# What each page is given, taken from the workspace's services (tests build pages with these too).


def inbox_services(services: Services) -> InboxServices:
    from repdesk.ui.inbox.inbox_page import InboxServices
    from repdesk.ui.script.script_panel import ScriptPanelServices

    return InboxServices(
        services.inbox,
        services.leads,
        services.qualifications,
        detail_services(services),
        ScriptPanelServices(
            services.qualifications,
            services.leads,
            services.time,
            email_services(services),
            services.team,
        ),
    )


def email_services(services: Services) -> EmailServices:
    from repdesk.ui.email.composer import EmailServices

    return EmailServices(
        services.drafts, services.outbox, services.templates, services.accounts, services.replies
    )


def detail_services(services: Services) -> LeadDetailServices:
    from repdesk.ui.inbox.lead_detail_panel import LeadDetailServices

    return LeadDetailServices(
        services.leads,
        services.time,
        export_services(services),
        services.form_mappings,
        services.scripts,
        email_services(services),
        services.team,
    )


def export_services(services: Services) -> ExportServices:
    from repdesk.ui.followups.followup_dialogs import ExportServices

    return ExportServices(services.calendar, services.leads, services.settings, services.time)


def today_services(services: Services) -> TodayServices:
    from repdesk.ui.followups.today_page import TodayServices

    return TodayServices(
        services.followups,
        services.time,
        services.leads,
        detail_services(services),
        email_services(services),
    )


def calendar_services(services: Services) -> CalendarServices:
    from repdesk.ui.calendar.calendar_page import CalendarServices

    return CalendarServices(
        services.followups, services.leads, services.time, export_services(services)
    )


def reports_services(services: Services) -> ReportsServices:
    from repdesk.ui.reports.reports_page import ReportsServices

    return ReportsServices(services.reports, services.leads, services.identity.me)


def settings_services(services: Services) -> SettingsServices:
    from repdesk.ui.settings.settings_page import SettingsServices

    return SettingsServices(
        services.settings,
        services.reps,
        services.sources,
        services.caldav,
        services.accounts,
        services.away,
    )
