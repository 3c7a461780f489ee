"""Read a plan, then write it, on one connection: on SQLite, `PRAGMA data_version` read before the
plan and again under the write lock says whether anyone else committed in between (so what the plan
read still holds and need not be read again)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from repdesk.store.engine import WRITES, Sessions
from repdesk.store.errors import ReadOnlyError


class ReadThenWrite:
    """One connection held from the plan's reads to the write's commit.

    `reading()` is a session whose transaction is deferred (it blocks nobody); `writing()` a
    session on the same connection whose transaction begins with BEGIN IMMEDIATE (the caller
    begins and closes it, as with Sessions.writing()); `unchanged()`, called in the writing
    transaction, is True only when nobody committed to the database since `reading()` began.
    Holding the connection matters: SQLite's counter does not count the connection's own commits,
    and no other thread of this program can commit through a connection this one holds.
    """

    def __init__(self, sessions: Sessions, connection: Connection) -> None:
        self._sessions = sessions
        self._connection = connection
        self._version: int | None = None

    def _data_version(self) -> int | None:
        if self._connection.dialect.name != "sqlite":
            return None
        driver: Any = self._connection.connection.driver_connection
        return int(driver.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def reading(self) -> Iterator[Session]:
        self._connection.execution_options(**{WRITES: False})
        # Before the plan's first read: a commit after this changes the counter, and whatever was
        # committed before it is in what the plan reads.
        self._version = self._data_version()
        with self._sessions(bind=self._connection) as session:
            yield session

    def writing(self) -> Session:
        """ReadOnlyError when the database is read-only (a damaged file)."""
        self._sessions.check_now()
        if self._sessions.read_only is not None:
            raise ReadOnlyError(self._sessions.read_only)
        self._connection.execution_options(**{WRITES: True})
        return self._sessions(bind=self._connection)

    def unchanged(self) -> bool:
        """Nobody committed since the plan began reading (False where that cannot be told: on
        PostgreSQL the plan is read again)."""
        return self._version is not None and self._data_version() == self._version


@contextmanager
def read_then_write(sessions: Sessions) -> Iterator[ReadThenWrite]:
    """A ReadThenWrite on a connection of `sessions`' engine, given back at the end."""
    bind = sessions.kw["bind"]
    with bind.connect() as connection:
        yield ReadThenWrite(sessions, connection)
