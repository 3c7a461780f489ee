"""Engine and session setup: SQLite pragmas, PostgreSQL through the same code (the file checks and
the database's location are in store.sqlite_file and store.locations)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from repdesk.store.errors import StoreError
from repdesk.store.sqlite_file import BUSY_TIMEOUT_MS, check_sqlite_file, sqlite_path


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
        check_sqlite_file(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a missing driver or a malformed URL
        raise StoreError(
            f"The database {make_url(url).render_as_string()} cannot be opened: {exc}."
        ) from exc


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
