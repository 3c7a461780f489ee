"""Backup copies of an SQLite workspace file, written whole or not at all (standard library only).

A copy is made with SQLite's online backup (consistent while the app is open) into a `.partial`
file beside the target, flushed to disk and then renamed: a full disk or a kill leaves no
half-written `.bak`. Before a migration the file is copied to `<file>.<stamp>.v<revision>.bak`;
one such copy is kept per revision, so starts that fail again and again do not pile up copies.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from repdesk.store.errors import StoreError
from repdesk.store.sqlite_file import read_only

PARTIAL = ".partial"


def copy_database(source: Path, target: Path) -> Path:
    """Copy the database at `source` to `target` (replaced only once the copy is complete)."""
    partial = target.with_name(target.name + PARTIAL)
    try:
        _remove(partial)
        src = read_only(source)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
        _sync_folder(target.parent)
    except (OSError, sqlite3.Error) as exc:
        _remove(partial)
        raise StoreError(_copy_failure(source, target, exc)) from exc
    return target


def migration_backup(path: Path, revision: str | None, now: datetime | None = None) -> Path:
    """The copy of `path` made before migrating it from `revision`; replaces earlier copies of the
    same revision (a start that failed made those) and any half-written copy a kill left."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept = f"v{revision or 'base'}"
    target = path.with_name(f"{path.name}.{stamp}.{kept}.bak")
    copy_database(path, target)
    pattern = glob.escape(path.name)
    for earlier in path.parent.glob(f"{pattern}.*.{kept}.bak"):
        if earlier != target:
            _remove(earlier)
    for leftover in path.parent.glob(f"{pattern}.*.bak{PARTIAL}"):
        _remove(leftover)
    return target


def _copy_failure(source: Path, target: Path, exc: BaseException) -> str:
    reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    lowered = reason.lower()
    if "full" in lowered or "no space" in lowered or getattr(exc, "errno", None) == 28:
        return (
            f"There is not enough free disk space in {target.parent} for a backup copy of "
            f"{source.name}; nothing was changed, free some space and try again."
        )
    return f"The backup copy {target} could not be written ({reason}); nothing was changed."


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    for suffix in ("-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after it keeps the new name)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
