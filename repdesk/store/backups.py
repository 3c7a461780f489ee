"""Backup copies of an SQLite workspace file, written whole or not at all (standard library only).

A copy is made of a sound file only (SQLite's full integrity_check first), with SQLite's online
backup (consistent while the app is open) into a `.partial` file beside the target, flushed to
disk and then renamed: a full disk or a kill leaves no half-written `.bak`. Beside the workspace
file live:

- `<file>.<stamp>.v<revision>.bak`, made before a migration; one is kept per revision, so starts
  that fail again and again do not pile up copies;
- `<file>.<day>.daily.bak`, the rolling daily backup; the newest DAILY_KEPT are kept.

`restore` brings one back (the newest sound one by default), keeping the file it replaces.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from repdesk.core.quoting import clip
from repdesk.store.checked_file import forget, identity, remember, unchanged_since_checked
from repdesk.store.errors import StoreError
from repdesk.store.integrity import file_problem
from repdesk.store.sqlite_file import read_only

PARTIAL = ".partial"
DAILY_KEPT = 7


def copy_database(source: Path, target: Path, *, check: bool = True) -> Path:
    """Copy the database at `source` to `target` (replaced only once the copy is complete); a
    damaged source is refused (StoreError) unless `check` is False."""
    problem = file_problem(source, full=True) if check else None
    if problem is not None:
        raise StoreError(damaged_sentence(source, problem))
    partial = target.with_name(target.name + PARTIAL)
    try:
        _remove(partial)
        src = read_only(source)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")  # one file, however it is opened
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


def daily_backup(path: Path, now: datetime | None = None) -> Path | None:
    """Today's rolling backup of `path` unless one exists; the oldest beyond DAILY_KEPT go.

    Returns the new backup, or None when today's exists already. StoreError when the file is
    damaged (no copy of it is made, so the older backups stay good) or the copy fails.
    """
    day = (now or datetime.now()).strftime("%Y%m%d")
    target = path.with_name(f"{path.name}.{day}.daily.bak")
    if target.exists():
        return None
    copy_database(path, target)
    dailies = sorted(path.parent.glob(f"{glob.escape(path.name)}.*.daily.bak"), reverse=True)
    for old in dailies[DAILY_KEPT:]:
        _remove(old)
    return target


def list_backups(path: Path) -> list[Path]:
    """The backups beside `path` (before migrations, daily, and older repdesks'), newest first."""
    found = [p for p in path.parent.glob(f"{glob.escape(path.name)}.*.bak") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def latest_good_backup(path: Path) -> Path | None:
    """The newest backup beside `path` that SQLite finds sound (None: there is none)."""
    for backup in list_backups(path):
        if file_problem(backup, full=True, backup=True) is None:
            return backup
    return None


def restore(
    path: Path, backup: Path | None = None, now: datetime | None = None
) -> tuple[Path, Path]:
    """Put `backup` (by default the newest sound one) in place of the workspace file `path`; the
    file it replaces is kept beside it as `<file>.<stamp>.replaced` (with its -wal and -shm), so
    nothing is lost. Returns (the backup restored, where the replaced file is kept)."""
    if backup is None:
        backup = latest_good_backup(path)
        if backup is None:
            raise StoreError(f"There is no sound backup of {path} to restore.")
    elif not backup.is_file():
        raise StoreError(f"There is no backup file {backup}.")
    else:
        problem = file_problem(backup, full=True, backup=True)
        if problem is not None:
            raise StoreError(f"The backup {backup} is damaged too ({problem}); choose another.")
    _refuse_if_in_use(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.{stamp}.replaced")
    restoring = path.with_name(path.name + ".restoring")
    copy_database(backup, restoring, check=False)  # checked above; the copy is made first
    try:
        if path.exists():
            path.replace(kept)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.replace(kept.with_name(kept.name + suffix))
        restoring.replace(path)
        _sync_folder(path.parent)
    except OSError as exc:
        raise StoreError(f"{path} could not be replaced by its backup ({exc.strerror}).") from exc
    return backup, kept


def damaged_sentence(path: Path, problem: str, *, read_only_now: bool = False) -> str:
    """One sentence: the file is damaged, what SQLite found, and where the latest good backup is."""
    opened = (
        "repdesk opened it read-only, so nothing can be changed"
        if read_only_now
        else "nothing was changed"
    )
    backup = latest_good_backup(path)
    if backup is None:
        advice = "there is no good backup of it, so copy the file somewhere safe before anything"
    else:
        made = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        advice = (
            f"the latest good backup is {backup} ({made}): close repdesk and run "
            "`repdesk backup restore` to bring it back"
        )
    return f"The workspace file {path} is damaged ({clip(problem, 80)}); {opened}; {advice}."


def read_only_reason(path: Path) -> str | None:
    """The sentence to open the workspace file read-only with, when its quick check fails.

    The check is skipped while the file is exactly as the last passed check or this program's own
    last write left it (store.checked_file); a file found sound is remembered so."""
    if not path.exists() or unchanged_since_checked(path):
        return None
    before = identity(path)
    problem = file_problem(path)
    if problem is None:
        if identity(path) == before:  # nobody wrote it while it was read
            remember(path, before, settle=True)
        return None
    forget(path)
    return damaged_sentence(path, problem, read_only_now=True)


def _refuse_if_in_use(path: Path) -> None:
    """Another program writing the file (repdesk itself, say) must close it first."""
    if not path.exists():
        return
    try:
        con = sqlite3.connect(path, timeout=0.5, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"{path} is in use by another program (repdesk?); close it and try again."
            ) from exc
    except sqlite3.DatabaseError:
        pass  # a damaged file cannot be locked: nothing writes to it either


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
