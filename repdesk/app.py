"""Composition root: opens a workspace and builds its engine and every service, once, with their
collaborators passed in (no globals, no Qt, nothing built on demand elsewhere).

The GUI opens its database with `open_workspace_lazily`, draws the first inbox straight from the
SQLite file (services/inbox/inbox_sqlite.py) and loads the services off the GUI thread after the
first paint; the CLI and tests use `open_workspace`, which builds everything at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from repdesk.services.common.workspace_time import Clock, WorkspaceTime
from repdesk.services.workspace.workspace import Opened, Workspace

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from repdesk.core.business_hours import BusinessHours
    from repdesk.services.settings.secrets import SecretStore
    from repdesk.services.workspace.services import Services

__all__ = ["Clock", "Workspace", "open_workspace", "open_workspace_lazily", "system_clock"]


def system_clock() -> datetime:
    return datetime.now(UTC)


def build_services(
    url: str, sessions: sessionmaker[Session], time: WorkspaceTime, secrets: SecretStore
) -> Services:
    """Every service of the workspace, each once, in the order their collaborators need."""
    # Imported here: SQLAlchemy and the services load after the GUI's first paint.
    from repdesk.formats.cadence_file import load_default_cadences
    from repdesk.services.calendar.caldav_sync import CalDavSync
    from repdesk.services.calendar.calendar_export import CalendarExportService
    from repdesk.services.common.undo import UndoService
    from repdesk.services.email.accounts import AccountService
    from repdesk.services.email.compose import DraftService
    from repdesk.services.email.outbox import OutboxService
    from repdesk.services.email.recording import EmailRecorder
    from repdesk.services.email.replies import ReplyFiler
    from repdesk.services.email.templates import TemplateService
    from repdesk.services.followups.followup_planner import FollowUpPlanner, business_hours_from
    from repdesk.services.followups.followup_service import FollowUpService
    from repdesk.services.followups.requalify import requalify_hook
    from repdesk.services.imports.duplicates import DuplicateService
    from repdesk.services.imports.import_service import ImportService
    from repdesk.services.inbox.inbox_service import InboxService
    from repdesk.services.leads.journey_service import journey_import_hook, journey_lead_hook
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.reports.report_service import ReportService
    from repdesk.services.script.form_answers import FormAnswerService
    from repdesk.services.script.form_mappings import FormMappingService
    from repdesk.services.script.form_output import FormOutput
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.services.script.script_service import ScriptService
    from repdesk.services.settings.settings_service import SettingsService
    from repdesk.services.sources.source_service import SourceService
    from repdesk.services.team.away import AwayService
    from repdesk.services.team.claims import TeamQueue
    from repdesk.services.team.identity import IdentityService
    from repdesk.services.team.live import LiveChanges
    from repdesk.services.team.rep_service import RepService
    from repdesk.services.workspace.backup_service import BackupService
    from repdesk.services.workspace.services import Services

    clock = time.clock
    settings = SettingsService(sessions)

    def region() -> str:
        return str(settings.get("default_region"))

    def hours() -> BusinessHours:
        return business_hours_from(settings.all(), time.zone())

    planner = FollowUpPlanner(load_default_cadences(), hours)
    # Who is signed in (the rep of the PostgreSQL login); starting work on an unassigned lead
    # (a call, an email, the script, a step) claims it for them in the same transaction.
    identity = IdentityService(sessions)
    # A lock met by a claim or a call marker may be this program's own import's (said so).
    team = TeamQueue(sessions, identity, importing_here=lambda: imports.importing_here())
    # The invariant: every change to a lead, and every import, re-plans its next step in the same
    # transaction; the journey stage follows answers and engagement wherever those change. Speed
    # to lead counts the business hours.
    leads = LeadService(
        sessions,
        clock,
        region,
        hooks=(planner.sync, requalify_hook(planner), journey_lead_hook),
        hours=hours,
        claim=team.claim_in,
    )
    scripts = ScriptService(sessions, clock)
    templates = TemplateService(sessions, clock)
    # The not-a-fit reply drafted for a form is the template as the user edited it, like the call's.
    form_answers = FormAnswerService(
        sessions, clock, settings, scripts, time.zone, templates.by_key_in
    )
    # Answers that arrive with a lead (any import: files, watched folders, mailboxes) become its
    # qualification "from the form" in the same transaction; Undo import takes them back.
    imports = ImportService(
        sessions,
        clock,
        settings,
        planner,
        hooks=(journey_import_hook,),
        arrivals=(form_answers.arrivals_hook,),
        undo_hooks=(form_answers.undo_hook,),
    )
    followups = FollowUpService(
        sessions,
        clock,
        planner,
        leads,
        time.end_of_today,
        time.zone,
        writable=lambda: identity.me().writable_leads(),
        my_rep=lambda: identity.me().rep_id,
    )
    # Email out and back: the sending identity, templates, drafts, the outbox, and the mail from
    # leads that each mailbox fetch files on them.
    accounts = AccountService(sessions, clock, secrets)
    drafts = DraftService(sessions, clock, templates, accounts, planner.step_template)
    outbox = OutboxService(
        sessions, clock, accounts, EmailRecorder(sessions, clock, planner, leads.run_hooks, hours)
    )
    replies = ReplyFiler(sessions, clock, leads.set_do_not_contact)
    calendar = CalendarExportService(
        sessions, clock, settings.get, before_export=followups.plan_requalifications
    )
    return Services(
        time=time,
        settings=settings,
        leads=leads,
        inbox=InboxService(sessions, clock, lambda: identity.me().rep_id),
        imports=imports,
        followups=followups,
        sources=SourceService(sessions, clock, imports, secrets, region, mail_back=replies),
        scripts=scripts,
        qualifications=QualificationService(
            sessions, clock, settings, scripts, planner, leads, time.zone, templates.pick
        ),
        reports=ReportService(sessions, clock, settings, followups, time.zone, scripts),
        calendar=calendar,
        caldav=CalDavSync(sessions, clock, settings, secrets, calendar),
        reps=RepService(sessions),
        forms=FormOutput(scripts, region),
        form_answers=form_answers,
        form_mappings=FormMappingService(sessions, clock, form_answers.reread),
        backup=BackupService(url, sessions),
        undo=UndoService(sessions),
        duplicates=DuplicateService(sessions, clock, planner),
        accounts=accounts,
        templates=templates,
        drafts=drafts,
        outbox=outbox,
        replies=replies,
        identity=identity,
        team=team,
        live=LiveChanges(url),
        away=AwayService(sessions, identity),
    )


def _builder(
    url: str,
    *,
    migrate: bool,
    secrets: SecretStore | None,
    progress: Callable[[float, str], None] | None = None,
) -> Callable[[WorkspaceTime], Opened]:
    def build(time: WorkspaceTime) -> Opened:
        from repdesk.services.settings.secrets import SecretStore
        from repdesk.store.backups import read_only_reason
        from repdesk.store.engine import make_engine, make_session_factory
        from repdesk.store.sqlite_file import sqlite_path

        engine = make_engine(url)
        if migrate:
            from repdesk.store.migrate import ensure_schema

            ensure_schema(engine, progress)
        sessions = make_session_factory(engine)
        path = sqlite_path(url)
        if path is not None:  # a damaged file opens read-only (checked once, before a write)
            sessions.first_write_check = lambda: read_only_reason(path)
        services = build_services(url, sessions, time, secrets or SecretStore())
        # Expired verdicts get their re-qualify steps whenever a workspace opens (CLI and GUI).
        services.followups.plan_requalifications()
        return Opened(engine, sessions, services)

    return build


def open_workspace(
    url: str,
    *,
    clock: Clock = system_clock,
    migrate: bool = True,
    secrets: SecretStore | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Workspace:
    """Open (and migrate) the database at `url` with every service built; raises StoreError with
    one sentence on failure. `secrets`: the keyring to use (default: the system's); `progress`:
    told how a long migration is getting on (store.migrate.Progress)."""
    workspace = Workspace(
        url, clock, _builder(url, migrate=migrate, secrets=secrets, progress=progress)
    )
    workspace.load()
    return workspace


def open_workspace_lazily(
    url: str,
    *,
    clock: Clock = system_clock,
    secrets: SecretStore | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Workspace:
    """Open `url` for the GUI: an SQLite file already at the newest schema is opened for reading
    with the standard library alone (the first inbox comes from it) and the services load later
    (`Workspace.load`); anything else (a server, a new file, a migration to run) is opened at once
    like `open_workspace`."""
    from repdesk.migrations import HEAD_REVISION
    from repdesk.store.errors import DamagedFileError
    from repdesk.store.sqlite_file import sqlite_path, sqlite_tables_and_revision

    path = sqlite_path(url)
    try:
        current = sqlite_tables_and_revision(path)[1] if path and path.is_file() else None
    except DamagedFileError:
        current = None  # opening it for real says it is damaged and where its backup is
    if path is None or current != HEAD_REVISION:
        return open_workspace(url, clock=clock, secrets=secrets, progress=progress)
    from repdesk.services.inbox.inbox_sqlite import SqliteInbox

    build = _builder(url, migrate=False, secrets=secrets)
    return Workspace(url, clock, build, first_screen=SqliteInbox(path))
