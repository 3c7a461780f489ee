"""Backup copies of the workspace database (SQLite's online backup: safe while the app is open)."""

from __future__ import annotations

from pathlib import Path

from repdesk.services.common.errors import UserError
from repdesk.store.backups import copy_database
from repdesk.store.errors import StoreError
from repdesk.store.sqlite_file import sqlite_path


def backup_database(url: str, target: Path) -> Path:
    source = sqlite_path(url)
    if source is None:
        raise UserError(
            "Backups of a shared PostgreSQL database are made on the server (pg_dump), not here."
        )
    if target.resolve() == source.resolve():
        raise UserError("Choose a backup file other than the open database.")
    try:
        return copy_database(source, target)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
