"""An SQLite database file seen through the standard library alone: its URL, its checks, its
revision.

Start-up reads these before SQLAlchemy is imported (see tests/bench/bench_start.py), so nothing
here may import it; tests keep the URL rules equal to SQLAlchemy's own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote, unquote

from repdesk.store.errors import DamagedFileError, StoreError, looks_damaged

BUSY_TIMEOUT_MS = 5000


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of the file at `path`, rendered as `URL.create("sqlite", database=...)`
    does."""
    return "sqlite:///" + quote(str(path), safe=" +/")


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL; None for other databases and for in-memory SQLite."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.split("+", 1)[0] != "sqlite" or not rest.startswith("/"):
        return None
    database = unquote(rest[1:].split("?", 1)[0])
    if not database or database == ":memory:":
        return None
    return Path(database)


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change a byte of the file (not even switch it to WAL)."""
    return sqlite3.connect(
        f"file:{quote(str(path))}?mode=ro",
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )


def sqlite_tables_and_revision(path: Path) -> tuple[set[str], str | None]:
    """Table names and Alembic revision of an SQLite file, read without changing a byte of it."""
    if not path.exists() or path.stat().st_size == 0:
        return set(), None
    check_sqlite_file(path)
    con = read_only(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version LIMIT 1").fetchone()
            revision = row[0] if row else None
        return tables, revision
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc, "cannot be opened as a database") from exc
    finally:
        con.close()


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLAlchemy or Alembic touch it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a repdesk database.")
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise StoreError(f"{path} is not a repdesk database (it is not an SQLite file).")
    try:
        con = read_only(path)
        try:
            con.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise StoreError(
                f"The database {path} is locked by another program; close it and try again."
            ) from exc
        raise _unreadable(path, exc, "cannot be opened as a database") from exc
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc, "is not a repdesk database") from exc


def _unreadable(path: Path, exc: sqlite3.Error, otherwise: str) -> StoreError:
    """The error for an SQLite file that cannot be read: damaged, or what SQLite said."""
    if looks_damaged(exc):
        return DamagedFileError(path, str(exc))
    if "cannot" in otherwise:
        return StoreError(f"{path} {otherwise}: {exc}.")
    return StoreError(f"{path} {otherwise} ({exc}).")
