"""Composition root: builds engine, settings and services explicitly (no globals, no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.inbox import end_of_day
from repdesk.formats.cadence_file import load_default_cadences
from repdesk.services.followup_planner import FollowUpPlanner, business_hours_from
from repdesk.services.followup_service import FollowUpService
from repdesk.services.import_service import ImportService
from repdesk.services.journey_service import journey_import_hook, refresh_journey_stages
from repdesk.services.lead_service import LeadService
from repdesk.services.secrets import SecretStore
from repdesk.services.settings_service import SettingsService
from repdesk.services.source_service import SourceService
from repdesk.services.zones import workspace_zone
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.migrate import ensure_schema

if TYPE_CHECKING:  # loaded on first use: the first screen needs neither
    from repdesk.services.qualification_service import QualificationService
    from repdesk.services.script_service import ScriptService

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    """Everything one open database needs; the UI and the CLI both start from here."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    settings: SettingsService
    leads: LeadService
    imports: ImportService
    followups: FollowUpService
    sources: SourceService

    @cached_property
    def scripts(self) -> ScriptService:
        from repdesk.services.script_service import ScriptService

        return ScriptService(self.sessions, self.clock)

    @cached_property
    def qualifications(self) -> QualificationService:
        from repdesk.services.qualification_service import QualificationService

        return QualificationService(self.sessions, self.clock, self.settings, self.scripts, self.followups.planner,
                                    self.leads, self.zone)

    def zone(self) -> tzinfo:
        return workspace_zone(str(self.settings.get("timezone")))

    def end_of_today(self, now: datetime) -> datetime:
        return end_of_day(now, self.zone())

    def close(self) -> None:
        self.engine.dispose()


def open_workspace(url: str, *, clock: Clock = system_clock, migrate: bool = True) -> Workspace:
    """Open (and migrate) the database at `url`; raises StoreError with one sentence on failure."""
    engine = make_engine(url)
    if migrate:
        ensure_schema(engine)
    sessions = make_session_factory(engine)
    settings = SettingsService(sessions)
    leads = LeadService(sessions, clock, default_region=lambda: str(settings.get("default_region")))
    imports = ImportService(sessions, clock, settings)

    def zone() -> tzinfo:
        return workspace_zone(str(settings.get("timezone")))

    planner = FollowUpPlanner(load_default_cadences(), lambda: business_hours_from(settings.all(), zone()))
    workspace = Workspace(
        url=url, engine=engine, sessions=sessions, clock=clock, settings=settings, leads=leads, imports=imports,
        sources=SourceService(sessions, clock, imports, SecretStore(), lambda: str(settings.get("default_region"))),
        followups=None,  # type: ignore[arg-type]  # set just below: it needs the workspace's day boundary
    )
    workspace.followups = FollowUpService(sessions, clock, planner, leads, workspace.end_of_today)
    # The invariant: every change to a lead, and every import, re-plans its next step in the same transaction.
    leads.hooks.append(workspace.followups.sync_hook)
    imports.hooks.append(workspace.followups.import_hook)
    # Journey stage follows answers and engagement: recomputed wherever those change.
    leads.hooks.append(lambda session, lead, _now: refresh_journey_stages(session, [lead.id]))
    imports.hooks.append(journey_import_hook)
    return workspace
