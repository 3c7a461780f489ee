"""One open workspace: its database, clock and time zone, the first screen, and its services.

repdesk.app (the composition root) opens it and gives it the function that builds the engine and
every service, once; the GUI may draw its first screen before that has run (see load()).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from repdesk.services.common.workspace_time import Clock, WorkspaceTime
from repdesk.services.settings.setting_defaults import DEFAULTS

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from repdesk.services.email.accounts import AccountService
    from repdesk.services.email.compose import DraftService
    from repdesk.services.email.outbox import OutboxService
    from repdesk.services.email.templates import TemplateService
    from repdesk.services.followups.followup_service import FollowUpService
    from repdesk.services.imports.import_service import ImportService
    from repdesk.services.inbox.inbox_sqlite import SqliteInbox
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.script.form_answers import FormAnswerService
    from repdesk.services.script.form_mappings import FormMappingService
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.services.script.script_service import ScriptService
    from repdesk.services.settings.settings_service import SettingsService
    from repdesk.services.sources.source_service import SourceService
    from repdesk.services.workspace.services import Services


@dataclass(frozen=True)
class Opened:
    """What building a workspace gives: the engine, its sessions and every service."""

    engine: Engine
    sessions: sessionmaker[Session]
    services: Services


class NotLoaded(RuntimeError):
    """A service was asked for before the workspace loaded them (a programming error)."""


class Workspace:
    """The UI's shell and the CLI start from here; pages and commands get the services."""

    def __init__(
        self,
        url: str,
        clock: Clock,
        build: Callable[[WorkspaceTime], Opened],
        *,
        first_screen: SqliteInbox | None = None,
    ) -> None:
        self.url = url
        self.clock = clock
        self.first_screen = first_screen
        """The inbox read from the SQLite file with the standard library, until the services
        load (None when the workspace was opened with its services at once)."""
        self.time = WorkspaceTime(clock, self.setting)
        self._build = build
        self._opened: Opened | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._opened is not None

    def load(self) -> Services:
        """Build the engine and the services (once; safe from any thread, a second caller waits
        for the first)."""
        with self._lock:
            if self._opened is None:
                self._opened = self._build(self.time)
            return self._opened.services

    @property
    def services(self) -> Services:
        return self._loaded().services

    @property
    def engine(self) -> Engine:
        return self._loaded().engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        """For the CLI's and the tests' own checks; the UI never holds a session."""
        return self._loaded().sessions

    def _loaded(self) -> Opened:
        if self._opened is None:
            raise NotLoaded("The workspace's services are not loaded yet; call load() first.")
        return self._opened

    # The services the CLI and the tests use most, by name.
    @property
    def settings(self) -> SettingsService:
        return self.services.settings

    @property
    def leads(self) -> LeadService:
        return self.services.leads

    @property
    def imports(self) -> ImportService:
        return self.services.imports

    @property
    def followups(self) -> FollowUpService:
        return self.services.followups

    @property
    def sources(self) -> SourceService:
        return self.services.sources

    @property
    def scripts(self) -> ScriptService:
        return self.services.scripts

    @property
    def qualifications(self) -> QualificationService:
        return self.services.qualifications

    @property
    def accounts(self) -> AccountService:
        return self.services.accounts

    @property
    def templates(self) -> TemplateService:
        return self.services.templates

    @property
    def drafts(self) -> DraftService:
        return self.services.drafts

    @property
    def outbox(self) -> OutboxService:
        return self.services.outbox

    @property
    def form_answers(self) -> FormAnswerService:
        return self.services.form_answers

    @property
    def form_mappings(self) -> FormMappingService:
        return self.services.form_mappings

    def setting(self, key: str) -> Any:
        """A setting's value; before the services load, read from the file by the first screen."""
        if self._opened is not None:
            return self._opened.services.settings.get(key)
        stored = self.first_screen.settings() if self.first_screen is not None else {}
        return stored.get(key, DEFAULTS.get(key))

    def zone(self) -> tzinfo:
        return self.time.zone()

    def end_of_today(self, now: datetime) -> datetime:
        return self.time.end_of_today(now)

    @property
    def title(self) -> str:
        """What the window title and status bar call it: the file's name, or the server's URL
        without its password."""
        from repdesk.store.sqlite_file import sqlite_path

        path = sqlite_path(self.url)
        if path is not None:
            return path.name
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def location(self) -> str:
        """Where the data lives, for About: the SQLite file's full path, or the server's URL
        without its password."""
        from repdesk.store.sqlite_file import sqlite_path

        path = sqlite_path(self.url)
        if path is not None:
            return str(path.resolve())
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        if self.first_screen is not None:
            self.first_screen.close()
        if self._opened is not None:
            self._opened.services.live.stop()  # a window's live queue ends with its database
            from repdesk.store.engine import dispose

            dispose(self._opened.engine)
