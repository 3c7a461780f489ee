"""Composition root: builds engine, settings and services explicitly (no globals, no Qt).

A Workspace builds its SQLAlchemy engine and services on first use. The GUI opens its database
with `open_workspace_lazily`, draws the first inbox straight from the SQLite file (services/
inbox_sqlite) and loads the rest off the GUI thread after the first paint; the CLI and tests use
`open_workspace`, which builds everything at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from repdesk.core.inbox import end_of_day
from repdesk.services.common.zones import workspace_zone
from repdesk.services.settings.setting_defaults import DEFAULTS

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from repdesk.services.followups.followup_service import FollowUpService
    from repdesk.services.imports.import_service import ImportService
    from repdesk.services.inbox.inbox_sqlite import SqliteInbox
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.services.script.script_service import ScriptService
    from repdesk.services.settings.settings_service import SettingsService
    from repdesk.services.sources.source_service import SourceService

Clock = Callable[[], datetime]

#: The parts `load()` builds; reading any of them before that loads the workspace.
_LOADED_PARTS = frozenset(
    {"engine", "sessions", "settings", "leads", "imports", "followups", "sources"}
)


def system_clock() -> datetime:
    return datetime.now(UTC)


class Workspace:
    """Everything one open database needs; the UI and the CLI both start from here."""

    engine: Engine
    sessions: sessionmaker[Session]
    settings: SettingsService
    leads: LeadService
    imports: ImportService
    followups: FollowUpService
    sources: SourceService

    def __init__(self, url: str, clock: Clock = system_clock, *, migrate: bool = True) -> None:
        self.url = url
        self.clock = clock
        self.first_screen: SqliteInbox | None = None
        """The inbox read from the SQLite file with the standard library, until the workspace
        loads."""
        self._migrate = migrate
        self._lock = threading.Lock()
        self._loaded = False

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not set yet: the services before `load()`.
        if name in _LOADED_PARTS:
            self.load()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Build the engine and the services (once; safe to call from any thread)."""
        with self._lock:
            if not self._loaded:
                _build(self, migrate=self._migrate)
                self._loaded = True

    def setting(self, key: str) -> Any:
        """A setting's value; before the workspace loads, read from the file by the first screen."""
        if not self._loaded and self.first_screen is not None:
            stored = self.first_screen.settings()
            return stored.get(key, DEFAULTS.get(key))
        return self.settings.get(key)

    @cached_property
    def scripts(self) -> ScriptService:
        from repdesk.services.script.script_service import ScriptService

        return ScriptService(self.sessions, self.clock)

    @cached_property
    def qualifications(self) -> QualificationService:
        from repdesk.services.script.qualification_service import QualificationService

        return QualificationService(
            self.sessions,
            self.clock,
            self.settings,
            self.scripts,
            self.followups.planner,
            self.leads,
            self.zone,
        )

    def zone(self) -> tzinfo:
        return workspace_zone(str(self.setting("timezone")))

    def end_of_today(self, now: datetime) -> datetime:
        return end_of_day(now, self.zone())

    def close(self) -> None:
        if self.first_screen is not None:
            self.first_screen.close()
        if self._loaded:
            self.engine.dispose()


def _build(workspace: Workspace, *, migrate: bool) -> None:
    from repdesk.formats.cadence_file import load_default_cadences
    from repdesk.services.followups.followup_planner import FollowUpPlanner, business_hours_from
    from repdesk.services.followups.followup_service import FollowUpService
    from repdesk.services.imports.import_service import ImportService
    from repdesk.services.leads.journey_service import journey_import_hook, refresh_journey_stages
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.settings.secrets import SecretStore
    from repdesk.services.settings.settings_service import SettingsService
    from repdesk.services.sources.source_service import SourceService
    from repdesk.store.engine import make_engine, make_session_factory
    from repdesk.store.integrity import read_only_reason
    from repdesk.store.sqlite_file import sqlite_path

    clock = workspace.clock
    engine = make_engine(workspace.url)
    if migrate:
        from repdesk.store.migrate import ensure_schema

        ensure_schema(engine)
    sessions = make_session_factory(engine)
    path = sqlite_path(workspace.url)
    if path is not None:  # a damaged file opens read-only (checked once, before the first write)
        sessions.first_write_check = lambda: read_only_reason(path)
    settings = SettingsService(sessions)
    leads = LeadService(sessions, clock, default_region=lambda: str(settings.get("default_region")))
    imports = ImportService(sessions, clock, settings)

    def zone() -> tzinfo:
        return workspace_zone(str(settings.get("timezone")))

    planner = FollowUpPlanner(
        load_default_cadences(), lambda: business_hours_from(settings.all(), zone())
    )
    parts = {
        "engine": engine,
        "sessions": sessions,
        "settings": settings,
        "leads": leads,
        "imports": imports,
        "sources": SourceService(
            sessions, clock, imports, SecretStore(), lambda: str(settings.get("default_region"))
        ),
        "followups": FollowUpService(sessions, clock, planner, leads, workspace.end_of_today),
    }
    # The invariant: every change to a lead, and every import, re-plans its next step in the same
    # transaction.
    leads.hooks.append(parts["followups"].sync_hook)
    imports.hooks.append(parts["followups"].import_hook)
    imports.first_due = planner.first_due  # the hook's first step, written with each new lead
    # Journey stage follows answers and engagement: recomputed wherever those change.
    leads.hooks.append(lambda session, lead, _now: refresh_journey_stages(session, [lead.id]))
    imports.hooks.append(journey_import_hook)
    for name, value in parts.items():
        setattr(workspace, name, value)
    # Expired verdicts get their re-qualify steps whenever a workspace opens (CLI and GUI alike).
    parts["followups"].plan_requalifications()


def open_workspace(url: str, *, clock: Clock = system_clock, migrate: bool = True) -> Workspace:
    """Open (and migrate) the database at `url`; raises StoreError with one sentence on failure."""
    workspace = Workspace(url, clock, migrate=migrate)
    workspace.load()
    return workspace


def open_workspace_lazily(url: str, *, clock: Clock = system_clock) -> Workspace:
    """Open `url` for the GUI: an SQLite file already at the newest schema is opened for reading
    with the standard library alone (the first inbox comes from it) and the services load later;
    anything else (a server, a new file, a migration to run) is opened at once like
    `open_workspace`."""
    from repdesk.migrations import HEAD_REVISION
    from repdesk.store.sqlite_file import sqlite_path, sqlite_tables_and_revision

    path = sqlite_path(url)
    if path is None or not path.is_file() or sqlite_tables_and_revision(path)[1] != HEAD_REVISION:
        return open_workspace(url, clock=clock)
    from repdesk.services.inbox.inbox_sqlite import SqliteInbox

    workspace = Workspace(url, clock, migrate=False)
    workspace.first_screen = SqliteInbox(path)
    return workspace
