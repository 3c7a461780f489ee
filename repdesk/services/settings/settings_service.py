"""Workspace settings stored in the database, with defaults and validation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.services.common.errors import UserError
from repdesk.services.settings.setting_defaults import DEFAULTS
from repdesk.store.models import SettingRecord

__all__ = ["DEFAULTS", "SettingsService"]


class SettingsService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._cache: dict[str, Any] | None = None

    def all(self) -> dict[str, Any]:
        if self._cache is None:
            with self._sessions() as session:
                stored = {r.key: r.value for r in session.scalars(select(SettingRecord))}
            self._cache = {**DEFAULTS, **stored}
        return dict(self._cache)

    def get(self, key: str) -> Any:
        return self.all()[key] if key in DEFAULTS else self.all().get(key)

    def set(self, key: str, value: Any) -> None:
        if key in DEFAULTS and not isinstance(value, type(DEFAULTS[key])):
            raise UserError(f"The setting {key} needs a {type(DEFAULTS[key]).__name__}.")
        with self._sessions.begin() as session:
            session.merge(SettingRecord(key=key, value=value))
        self._cache = None
