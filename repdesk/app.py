"""Composition root: builds engine, settings and services explicitly (no globals, no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from repdesk.services.import_service import ImportService
from repdesk.services.lead_service import LeadService
from repdesk.services.settings_service import SettingsService
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.migrate import ensure_schema

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
    return Workspace(
        url=url, engine=engine, sessions=sessions, clock=clock, settings=settings, leads=leads, imports=imports
    )
