"""Recording every statement the app runs, and reading the database's plan for each (the query-plan
test's tools): EXPLAIN QUERY PLAN on SQLite, EXPLAIN with sequential scans priced out on
PostgreSQL (so a Seq Scan in the plan means no index could serve the query)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: Tables that grow with the workspace: a whole-table scan of one is what the test looks for.
BIG_TABLES = ("leads", "activities", "follow_ups", "qualifications", "import_merges")
_READS = re.compile(r"^\s*(SELECT|WITH|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass
class Recorder:
    """Distinct (statement, parameters) pairs seen, with the use case that ran them."""

    seen: dict[tuple[str, str], tuple[str, Any]] = field(default_factory=dict)
    label: str = ""

    def add(self, sql: str, params: Any) -> None:
        if not _READS.match(sql) or sql.lstrip().upper().startswith(("SELECT 1 FROM SQLITE_",)):
            return
        key = (sql, repr(params))
        self.seen.setdefault(key, (self.label, params))

    def statements(self) -> list[tuple[str, str, Any]]:
        """(use case, statement, parameters) in the order first seen."""
        return [(label, sql, params) for (sql, _), (label, params) in self.seen.items()]


class _Cursor(sqlite3.Cursor):
    recorder: Recorder

    def execute(self, sql: str, params: Any = ()) -> Any:  # type: ignore[override]
        _Connection.recorder.add(sql, params)
        return super().execute(sql, params)


class _Connection(sqlite3.Connection):
    recorder: Recorder

    def cursor(self, factory: Any = _Cursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)

    def execute(self, sql: str, params: Any = ()) -> Any:  # type: ignore[override]
        _Connection.recorder.add(sql, params)
        return super().execute(sql, params)


@contextmanager
def recording(monkeypatch: Any, workspace: Path | None) -> Iterator[Recorder]:
    """Every statement the app's connections to the workspace run while the block runs: to the
    SQLite file `workspace` (SQLAlchemy's and the first screen's raw sqlite3 ones), or through its
    PostgreSQL engines. A scratch file of the app's own (an import's spool) is not the workspace."""
    recorder = Recorder()
    _Connection.recorder = recorder
    connect = sqlite3.connect

    def recording_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        database = str(args[0] if args else kwargs.get("database", ""))
        if workspace is not None and str(workspace) in database:
            kwargs.setdefault("factory", _Connection)
        return connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", recording_connect)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", recording_connect)  # what SQLAlchemy calls

    def before(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if not many and conn.dialect.name != "sqlite":
            recorder.add(statement, params)

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield recorder
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        monkeypatch.setattr(sqlite3, "connect", connect)
        monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)


def _aliases(sql: str) -> dict[str, str]:
    found = {name: name for name in BIG_TABLES}
    for table, alias in re.findall(r"\b(\w+)\s+AS\s+(\w+)", sql, re.IGNORECASE):
        found[alias] = table
    return found


def sqlite_plan(con: sqlite3.Connection, sql: str, params: Any) -> list[str]:
    return [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params)]


def sqlite_scans(plan: list[str], sql: str, partial: set[str]) -> list[str]:
    """Big tables read whole in an SQLite plan: 'SCAN leads', or a full index walked from end to
    end ('SCAN leads USING INDEX ...') unless a LIMIT stops the walk. A partial index holds only
    the rows its condition names (the pending steps, say): walking it reads just those."""
    aliases = _aliases(sql)
    limited = re.search(r"\bLIMIT\b", sql, re.IGNORECASE) is not None
    scans = []
    for line in plan:
        match = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?$", line)
        if match is None or aliases.get(match.group(1)) not in BIG_TABLES:
            continue
        index = match.group(2)
        if index is None or not (limited or index in partial):
            scans.append(aliases[match.group(1)])
    return scans


def sqlite_indexes(plan: list[str]) -> set[str]:
    return set(re.findall(r"USING (?:COVERING )?INDEX (\w+)", " ".join(plan)))


def postgresql_plan(connection: Any, sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def postgresql_scans(plan: list[str]) -> list[str]:
    """Big tables read by a Seq Scan although sequential scans are priced out: no index can serve
    the query. (Which index PostgreSQL walks, and how far, it decides by the table's size, which a
    test cannot give it; SQLite, planning without statistics, is held to the stricter rule.)"""
    return [m for line in plan for m in re.findall(r"Seq Scan on (\w+)", line) if m in BIG_TABLES]


def postgresql_indexes(plan: list[str]) -> set[str]:
    return set(
        re.findall(
            r"(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)",
            " ".join(plan),
        )
    )
