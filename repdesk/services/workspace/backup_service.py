"""Backup copies of the workspace database (SQLite's online backup: safe while the app is open)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from repdesk.services.common.errors import UserError
from repdesk.store.sqlite_file import sqlite_path


def backup_database(url: str, target: Path) -> Path:
    source = sqlite_path(url)
    if source is None:
        raise UserError(
            "Backups of a shared PostgreSQL database are made on the server (pg_dump), not here."
        )
    if target.resolve() == source.resolve():
        raise UserError("Choose a backup file other than the open database.")
    partial = target.with_name(target.name + ".partial")
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
            src.backup(dst)
        partial.replace(target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"The backup could not be written to {target}: {exc}.") from exc
    return target


class BackupService:
    """File → Back up: copies of this workspace's database file."""

    def __init__(self, url: str) -> None:
        self._url = url

    def backup(self, target: Path) -> Path:
        return backup_database(self._url, target)
