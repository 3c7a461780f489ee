"""The inbox read straight from an SQLite file with the standard library: the app's first screen.

Start-up draws the inbox from here while SQLAlchemy and the services load off the GUI thread
(tests/bench/bench_start.py measures it). It answers the unfiltered inbox only, in exactly the
order of services.inbox.inbox_service: both render core.inbox's table of segments
(tests/services/inbox/test_inbox_sqlite.py compares the two row by row); everything else waits for
the loaded workspace.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from repdesk.core import inbox as order
from repdesk.core.domain import OPEN_STATUSES
from repdesk.services.leads.lead_rows import LeadSummary
from repdesk.store.sqlite_file import read_only
from repdesk.store.times import from_micros, to_micros


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_condition(condition: order.Condition) -> str:
    """One of core.inbox's conditions as SQLite text on `leads AS l` (the parameters are named
    :end_of_today and :late_before)."""
    if isinstance(condition, order.AnyOf):
        return "(" + " OR ".join(sql_condition(check) for check in condition.checks) + ")"
    column, value = f"l.{condition.column}", condition.value
    if condition.op in ("is null", "is not null"):
        return f"{column} {condition.op.upper()}"
    if condition.op in ("is true", "is false"):
        return column if condition.op == "is true" else f"NOT {column}"
    if isinstance(value, tuple):
        return f"{column} {condition.op.upper()} ({', '.join(_literal(v) for v in value)})"
    assert value is not None
    parameter = value in (order.END_OF_TODAY, order.LATE_BEFORE)
    return f"{column} {condition.op} {value if parameter else _literal(value)}"


_RANK_SQL = (
    "CASE l.journey_stage "
    + " ".join(f"WHEN {_literal(text)} THEN {n}" for text, n in order.JOURNEY_RANKS.items())
    + f" ELSE {order.UNKNOWN_JOURNEY_RANK} END"
)


def sql_order(keys: tuple[order.Key, ...]) -> str:
    return ", ".join(
        (_RANK_SQL if key.column == order.JOURNEY else f"l.{key.column}")
        + (" DESC" if key.descending else "")
        for key in keys
    )


_OPEN_SQL = ", ".join(_literal(status) for status in OPEN_STATUSES)
#: The inbox's segments in order: (where, order by), core.inbox.INBOX rendered for sqlite3.
SEGMENTS = tuple(
    (" AND ".join(sql_condition(c) for c in segment.where), sql_order(segment.order))
    for segment in order.INBOX
)
_COLUMNS = ", ".join(
    f"l.{name}" if name != "owner" else "r.name" for name in LeadSummary.__dataclass_fields__
)
_TIMES = {"received_at", "first_response_at", "next_follow_up_at", "replied_at"}
#: A search on SQLite (services.inbox.inbox_service runs these through the engine's driver
#: connection:
#: no statement compilation, no per-value type processing while the rep types).
SEARCH_COUNT_SQL = "SELECT count(*) FROM leads_fts WHERE leads_fts MATCH ?"
SEARCH_WINDOW_SQL = (
    f"SELECT {_COLUMNS} FROM leads AS l LEFT JOIN reps AS r ON l.owner_id = r.id WHERE l.id IN "
    "(SELECT rowid FROM leads_fts WHERE leads_fts MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?) "
    "ORDER BY l.id DESC"
)


_FIELDS = tuple(LeadSummary.__dataclass_fields__)
_TIME_AT = tuple(i for i, name in enumerate(_FIELDS) if name in _TIMES)
_FLAG_AT = _FIELDS.index("do_not_contact")


def sqlite_summary(row: Sequence[Any]) -> LeadSummary:
    """A LeadSummary from a raw SQLite row of the summary columns, in LeadSummary's field order."""
    values = list(row)
    for at in _TIME_AT:
        if values[at] is not None:
            values[at] = from_micros(values[at])
    values[_FLAG_AT] = bool(values[_FLAG_AT])
    return LeadSummary(*values)


class SqliteInbox:
    """A read-only view of one SQLite workspace file (it never writes, nor switches the file to
    WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con: sqlite3.Connection | None = None
        self._settings: dict[str, Any] | None = None
        self._has_counts: bool | None = None  # the schema has migration 0003's counts table

    @property
    def con(self) -> sqlite3.Connection:
        if self._con is None:
            self._con = read_only(self.path)
        return self._con

    def settings(self) -> dict[str, Any]:
        """The settings stored in the file (the defaults are the caller's)."""
        if self._settings is None:
            # The JSON column has numeric affinity: SQLite keeps a number as a number, the rest as
            # JSON text.
            rows = self.con.execute("SELECT key, value FROM settings")
            self._settings = {
                key: json.loads(value) if isinstance(value, str) else value for key, value in rows
            }
        return self._settings

    def has_leads(self) -> bool:
        return self.con.execute("SELECT 1 FROM leads LIMIT 1").fetchone() is not None

    def snapshot(
        self, end_of_today: datetime, late_before: datetime | None = None
    ) -> SqliteInboxSnapshot:
        """Count every segment of the unfiltered inbox; the snapshot then serves windows of rows."""
        params = {
            order.END_OF_TODAY[1:]: to_micros(end_of_today),
            # Before every stored time: without a target nobody comes first.
            order.LATE_BEFORE[1:]: to_micros(late_before) if late_before is not None else -(2**63),
        }
        # Every segment but 'later' is a small index range; 'later' is the rest of the open leads.
        counts = [
            0
            if segment.name == "later"
            else self.con.execute(
                f"SELECT count(*) FROM leads AS l WHERE {where}", params
            ).fetchone()[0]
            for segment, (where, _order) in zip(order.INBOX, SEGMENTS, strict=True)
        ]
        later = [segment.name for segment in order.INBOX].index("later")
        counts[later] = self._open_total() - sum(counts)
        return SqliteInboxSnapshot(self.con, counts, params)

    def _open_total(self) -> int:
        # Kept by triggers where the schema has them (the index holds every open lead otherwise).
        if self._has_counts is None:
            found = self.con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lead_status_counts'"
            )
            self._has_counts = found.fetchone() is not None
        if self._has_counts:
            row = self.con.execute(
                f"SELECT sum(leads) FROM lead_status_counts WHERE status IN ({_OPEN_SQL})"
            ).fetchone()
        else:
            row = self.con.execute(
                f"SELECT count(*) FROM leads WHERE status IN ({_OPEN_SQL})"
            ).fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


class SqliteInboxSnapshot:
    """Rows of the unfiltered inbox at one moment, fetched by window (like InboxSnapshot)."""

    def __init__(self, con: sqlite3.Connection, counts: list[int], params: dict[str, int]) -> None:
        self._con = con
        self._counts = counts
        self._params = params
        self.total = sum(counts)
        names = [segment.name for segment in order.INBOX]
        self.replied = sum(
            n for s, n in zip(names, counts, strict=True) if s in order.REPLIED_SEGMENTS
        )
        self.waiting = sum(
            n for s, n in zip(names, counts, strict=True) if s in order.WAITING_SEGMENTS
        )

    def fetch(self, offset: int, limit: int) -> list[LeadSummary]:
        """Rows offset .. offset+limit-1 of the whole ordered inbox."""
        rows: list[LeadSummary] = []
        start = 0
        for (where, order_by), count in zip(SEGMENTS, self._counts, strict=True):
            end = start + count
            if offset < end and len(rows) < limit:
                sql = (
                    f"SELECT {_COLUMNS} FROM leads AS l LEFT JOIN reps AS r ON l.owner_id = r.id "
                    f"WHERE {where} ORDER BY {order_by} LIMIT :limit OFFSET :offset"
                )
                params = {
                    **self._params,
                    "limit": limit - len(rows),
                    "offset": max(0, offset - start),
                }
                rows.extend(sqlite_summary(row) for row in self._con.execute(sql, params))
            start = end
        return rows
