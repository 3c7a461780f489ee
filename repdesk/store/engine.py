"""Engine and session setup: SQLite pragmas, PostgreSQL through the same code (the file checks and
the database's location are in store.sqlite_file and store.locations)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from repdesk.store.backups import damaged_sentence
from repdesk.store.checked_file import WriteChain
from repdesk.store.errors import DamagedFileError, ReadOnlyError, StoreError
from repdesk.store.sqlite_file import BUSY_TIMEOUT_MS, check_sqlite_file, sqlite_path

#: Execution option of an engine (or connection) whose transactions write: on SQLite they begin
#: with BEGIN IMMEDIATE, so that what they read before writing is still true when they write.
WRITES = "repdesk_writes"


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is taken over (SQLAlchemy's "Serializable isolation /
    # Savepoints / Transactional DDL" recipe for pysqlite): left to itself, sqlite3 begins a
    # transaction only before an INSERT/UPDATE/DELETE, so DDL (a migration's CREATE TABLE) runs
    # outside any transaction and the reads before a write are outside it too. _beginner starts
    # every transaction instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


#: Marks a pooled connection whose writing transaction began while the file was as last checked
#: or written by this program (store.checked_file): what it leaves is recorded at its checkin.
_CHAINED = "repdesk_chained"

#: Each SQLite engine's record of its file (see dispose).
_CHAINS: WeakKeyDictionary[Engine, WriteChain] = WeakKeyDictionary()


def _beginner(chain: WriteChain) -> Callable[[Any], None]:
    def begin(conn: Any) -> None:
        writes = conn.get_execution_options().get(WRITES, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
        if writes:  # the write lock is ours: nobody writes the file through SQLite until commit
            conn.info[_CHAINED] = chain.intact()

    return begin


def _recorder(chain: WriteChain) -> Callable[[Any, Any], None]:
    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_CHAINED, False):
            chain.carry()

    return checked_in


def dispose(engine: Engine) -> None:
    """Close the engine's connections. On SQLite the last one to close folds the -wal into the
    file: when nobody else had touched the file, the file as that leaves it is recorded as this
    program's own write, so the next command need not check it again."""
    chain = _CHAINS.get(engine)
    intact = chain is not None and chain.intact()
    engine.dispose()
    if chain is not None and intact:
        chain.carry(settle=True)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    path = sqlite_path(url)
    if path is not None:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            check_sqlite_file(path)
        except DamagedFileError as exc:
            raise StoreError(damaged_sentence(path, exc.problem)) from exc
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        chain = WriteChain(Path(path))
        _CHAINS[engine] = chain
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _beginner(chain))
        event.listen(engine.pool, "checkin", _recorder(chain))
        return engine
    try:
        engine = create_engine(url)
    except Exception as exc:  # a missing driver or a malformed URL
        raise StoreError(
            f"The database {make_url(url).render_as_string()} cannot be opened: {exc}."
        ) from exc
    dialect = engine.dialect

    def ping_after_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - whatever failed, the pool connects again
            raise DisconnectionError(str(exc)) from exc

    event.listen(engine.pool, "checkin", _idle_from)
    event.listen(engine.pool, "checkout", ping_after_idle)
    return engine


#: A server's connection that waited in the pool longer than this is pinged before it is used
#: (a server restarted meanwhile: a fresh connection instead of a failed action). A connection
#: used again within it is not: under a team's load, a round trip per action that mostly
#: confirms what the last one showed is a tenth of the action's time.
PING_AFTER_IDLE_S = 10.0


def _idle_from(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


class Sessions(sessionmaker[Session]):
    """The unit of work of every use case: `sessions()` to read, `sessions.begin()` to read and
    write in one transaction.

    On SQLite a writing transaction begins with BEGIN IMMEDIATE: it takes the write lock (waiting
    for it up to the busy timeout) before its first read, so what it checks ("the step is still
    pending") is still true when it writes, and two writers queue instead of both reading the old
    state. A reading session's transaction is deferred and never blocks anyone. A read-only
    session must not write: its transaction cannot take the write lock while another program
    holds it (SQLite does not wait then) and fails as "locked". On PostgreSQL the same code gets
    ordinary transactions; state changes there are guarded by conditional updates (see
    store.guarded).
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self.writer = engine.execution_options(**{WRITES: True})
        # A server's reads need no transaction of their own (READ COMMITTED: each statement sees
        # what is committed anyway), so a reading session sends no BEGIN and no ROLLBACK: two
        # round trips fewer for each read of a list or a lead.
        self._reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else None
        )
        self.read_only: str | None = None
        """Set (to the sentence saying why) when the database must not be written: every
        writing session is refused with it, and reads go on."""
        self.first_write_check: Callable[[], str | None] | None = None
        """Run once before the first write (unless `check_now` ran it first); a sentence it
        returns makes the sessions read-only (a damaged SQLite file)."""
        self._checked = threading.Lock()

    def __call__(self, **local_kw: Any) -> Session:
        if self._reader is not None and "bind" not in local_kw:
            local_kw["bind"] = self._reader
        return super().__call__(**local_kw)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self.writing() as session, session.begin():
            yield session

    def writing(self) -> Session:
        """A session whose transactions write (BEGIN IMMEDIATE on SQLite); the caller begins and
        closes it. ReadOnlyError when the database is read-only."""
        self.check_now()
        if self.read_only is not None:
            raise ReadOnlyError(self.read_only)
        return self(bind=self.writer)

    def write_lock_held(self, wait_ms: int = 0) -> bool:
        """True while another connection holds SQLite's write lock (an import of this program or
        of another): a write begun now would wait until that one commits. Asks waiting at most
        `wait_ms` (a moment's write of a background task is over by then, an import is not);
        always False on PostgreSQL, whose writers lock rows, not the database."""
        engine = self.writer.engine
        if engine.dialect.name != "sqlite":
            return False
        with engine.connect() as conn:
            # On the driver's connection: SQLAlchemy's own begin would start a deferred
            # transaction first (store.engine takes the driver's transactions over).
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute(f"PRAGMA busy_timeout = {max(0, int(wait_ms))}")
            try:
                driver.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    return True
                raise
            finally:
                driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            driver.execute("ROLLBACK")
            return False

    def check_now(self) -> str | None:
        """Run the first-write check now (once; the GUI runs it in the background after its first
        paint); returns why the database is read-only, if it is."""
        with self._checked:
            check, self.first_write_check = self.first_write_check, None
            if check is not None:
                problem = check()
                if problem is not None:
                    self.read_only = problem
        return self.read_only


def make_session_factory(engine: Engine) -> Sessions:
    return Sessions(engine)


def refuse_writes_if_read_only(sessions: object) -> None:
    """ReadOnlyError at once, before any slow reading whose result could not be kept, when these
    sessions refuse writes (a damaged file)."""
    if isinstance(sessions, Sessions):
        problem = sessions.check_now()
        if problem is not None:
            raise ReadOnlyError(problem)
