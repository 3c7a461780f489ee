"""Every service of one open workspace, built once with its collaborators by repdesk.app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

# Types only: this module is imported before SQLAlchemy loads (the first screen), the services
# after it (repdesk.app builds them off the GUI thread).
if TYPE_CHECKING:
    from repdesk.services.calendar.caldav_sync import CalDavSync
    from repdesk.services.calendar.calendar_export import CalendarExportService
    from repdesk.services.common.undo import UndoService
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.email.accounts import AccountService
    from repdesk.services.email.compose import DraftService
    from repdesk.services.email.outbox import OutboxService
    from repdesk.services.email.replies import ReplyFiler
    from repdesk.services.email.templates import TemplateService
    from repdesk.services.followups.followup_service import FollowUpService
    from repdesk.services.imports.duplicates import DuplicateService
    from repdesk.services.imports.import_service import ImportService
    from repdesk.services.inbox.inbox_service import InboxService
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.reports.report_service import ReportService
    from repdesk.services.script.form_answers import FormAnswerService
    from repdesk.services.script.form_mappings import FormMappingService
    from repdesk.services.script.form_output import FormOutput
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.services.script.script_service import ScriptService
    from repdesk.services.settings.settings_service import SettingsService
    from repdesk.services.sources.source_service import SourceService
    from repdesk.services.team.claims import TeamQueue
    from repdesk.services.team.identity import IdentityService
    from repdesk.services.team.live import LiveChanges
    from repdesk.services.team.rep_service import RepService
    from repdesk.services.workspace.backup_service import BackupService


@dataclass(frozen=True)
class Services:
    """The UI's pages and the CLI's commands take what they need from here, never build one."""

    time: WorkspaceTime
    settings: SettingsService
    leads: LeadService
    inbox: InboxService
    imports: ImportService
    followups: FollowUpService
    sources: SourceService
    scripts: ScriptService
    qualifications: QualificationService
    reports: ReportService
    calendar: CalendarExportService
    caldav: CalDavSync
    reps: RepService
    forms: FormOutput
    backup: BackupService
    accounts: AccountService
    templates: TemplateService
    drafts: DraftService
    outbox: OutboxService
    replies: ReplyFiler
    form_answers: FormAnswerService
    form_mappings: FormMappingService
    undo: UndoService
    """Takes a quick action back from the rows it captured (the window's Ctrl+Z)."""
    duplicates: DuplicateService
    identity: IdentityService
    """Who is signed in and what they may do (a solo file: one implicit me)."""
    team: TeamQueue
    """Claims and who is on a call with which lead."""
    live: LiveChanges
    """Other clients' committed changes, as they happen (the window's live queue)."""
