"""Backup copies of the workspace database: one to a file of the user's choosing, the rolling
daily ones beside the file, and bringing one back (SQLite's online backup: safe while open)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from repdesk.services.common.errors import UserError
from repdesk.store import backups
from repdesk.store.engine import Sessions
from repdesk.store.errors import StoreError
from repdesk.store.sqlite_file import sqlite_path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "made_at": self.made_at.isoformat(), "size": self.size}


def _file(url: str) -> Path:
    source = sqlite_path(url)
    if source is None:
        raise UserError(
            "Backups of a shared PostgreSQL database are made on the server (pg_dump), not here."
        )
    return source


def backup_database(url: str, target: Path) -> Path:
    source = _file(url)
    if target.resolve() == source.resolve():
        raise UserError("Choose a backup file other than the open database.")
    try:
        return backups.copy_database(source, target)
    except StoreError as exc:
        raise UserError(str(exc)) from exc


def daily_backup(url: str, now: datetime | None = None) -> Path | None:
    """Today's rolling backup beside an SQLite workspace that holds leads (None: made already
    today, an empty or server workspace); StoreError when it cannot be made."""
    source = sqlite_path(url)
    if source is None or not source.is_file() or not _has_leads(source):
        return None
    return backups.daily_backup(source, now)


def daily_backup_quietly(url: str) -> None:
    """daily_backup for a command-line run: a backup that cannot be made is logged, and the
    command goes on (the GUI shows it instead)."""
    try:
        daily_backup(url)
    except StoreError as exc:
        log.info("No daily backup today: %s", exc)


def list_backups(url: str) -> list[BackupInfo]:
    return [
        BackupInfo(p, datetime.fromtimestamp(p.stat().st_mtime).astimezone(), p.stat().st_size)
        for p in backups.list_backups(_file(url))
    ]


def restore_backup(url: str, backup: Path | None = None) -> tuple[Path, Path]:
    """Bring back `backup` (by default the newest sound one): (restored from, replaced file)."""
    try:
        return backups.restore(_file(url), backup.expanduser().resolve() if backup else None)
    except StoreError as exc:
        raise UserError(str(exc)) from exc


def _has_leads(path: Path) -> bool:
    from repdesk.store.sqlite_file import read_only

    try:
        con = read_only(path)
        try:
            return con.execute("SELECT 1 FROM leads LIMIT 1").fetchone() is not None
        finally:
            con.close()
    except Exception:  # noqa: BLE001  (not a workspace yet, or damaged: the copy would refuse)
        return True


class BackupService:
    """File → Back up, the file's health, and the rolling backups beside this workspace's file."""

    def __init__(self, url: str, sessions: Sessions | None = None) -> None:
        self._url = url
        self._sessions = sessions

    def check_file(self) -> str | None:
        """Check the workspace file now (once; SQLite's quick_check): the sentence saying it is
        damaged and open read-only, or None when it is sound (or not a file)."""
        return self._sessions.check_now() if self._sessions is not None else None

    def backup(self, target: Path) -> Path:
        return backup_database(self._url, target)

    def daily(self) -> Path | None:
        return daily_backup(self._url)

    def list(self) -> list[BackupInfo]:
        return list_backups(self._url)
