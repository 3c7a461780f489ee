"""Engine and session setup: where the database lives, SQLite pragmas, PostgreSQL through the same code."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from repdesk.store.errors import StoreError

ENV_URL = "REPDESK_DATABASE_URL"
BUSY_TIMEOUT_MS = 5000


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("repdesk", appauthor=False))


def resolve_url(db: str | None, *, demo: bool = False) -> str:
    """Turn `--db PATH_OR_URL`, REPDESK_DATABASE_URL or the default into a SQLAlchemy URL."""
    value = db or os.environ.get(ENV_URL)
    if demo and not db:
        value = str(default_data_dir() / "demo.sqlite3")
    if not value:
        value = str(default_data_dir() / "repdesk.sqlite3")
    if "://" in value:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        try:
            make_url(value)
        except ArgumentError as exc:
            raise StoreError(f"The database address {value!r} is not a valid URL.") from exc
        return value
    path = Path(value).expanduser().resolve()
    return str(URL.create("sqlite", database=str(path)))


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    path = sqlite_path(url)
    if path is not None:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        _check_sqlite_file(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a missing driver or a malformed URL
        raise StoreError(f"The database {make_url(url).render_as_string()} cannot be opened: {exc}.") from exc


def sqlite_tables_and_revision(path: Path) -> tuple[set[str], str | None]:
    """Table names and Alembic revision of an SQLite file, read without changing a byte of it."""
    if not path.exists() or path.stat().st_size == 0:
        return set(), None
    _check_sqlite_file(path)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version LIMIT 1").fetchone()
            revision = row[0] if row else None
        return tables, revision
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} cannot be opened as a database: {exc}.") from exc
    finally:
        con.close()


def _check_sqlite_file(path: Path) -> None:
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
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            con.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise StoreError(f"The database {path} is locked by another program; close it and try again.") from exc
        raise StoreError(f"{path} cannot be opened as a database: {exc}.") from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a repdesk database ({exc}).") from exc


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
