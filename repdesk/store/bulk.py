"""Writing and matching many rows at once: one executemany without RETURNING, id lists as one
parameter."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Dialect,
    FromClause,
    TableClause,
    bindparam,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import Select

from repdesk.store.times import to_micros
from repdesk.store.types import UTCTime

_UNSET = object()
#: SQLite's page cache during a bulk write. The default 2 MiB holds a fraction of the lead indexes
#: an import inserts into in random key order (e-mail, phone, received time), so pages are evicted
#: and read back over and over; 64 MiB holds them for an import of 100,000 leads.
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def bulk_page_cache(connection: Connection) -> Iterator[None]:
    """A larger SQLite page cache on this connection while the block runs (a no-op elsewhere).

    The setting belongs to the connection, not the transaction: it is put back on the way out,
    which also hands the extra memory back (SQLite frees pages beyond the restored size).
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    except BaseException:
        with suppress(Exception):  # a broken connection must not hide why the block failed
            connection.exec_driver_sql(f"PRAGMA cache_size = {before}")
        raise
    connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


#: From this many rows into an empty table, its secondary indexes are built after the rows
#: (tests/bench/bench_inbox.py: 0.82x of filling them row by row on 100,000 leads).
INDEXES_AFTER_ROWS = 5000


@contextmanager
def indexes_built_after(connection: Connection, table: str, rows: int) -> Iterator[None]:
    """On SQLite, when `rows` (at least INDEXES_AFTER_ROWS) go into the empty `table`, its
    secondary indexes are dropped for the block and built again from their own definitions after
    it, in the same transaction (a failure rolls the drop back with everything else); elsewhere a
    no-op."""
    if connection.dialect.name != "sqlite" or rows < INDEXES_AFTER_ROWS:
        yield
        return
    if connection.exec_driver_sql(f'SELECT 1 FROM "{table}" LIMIT 1').first() is not None:
        yield
        return
    indexes = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).all()
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        connection.exec_driver_sql(sql)


def bulk_insert(
    connection: Connection,
    table: FromClause,
    rows: Sequence[dict[str, Any]],
    stamps: dict[datetime, int] | None = None,
) -> None:
    """INSERT many rows (all with the keys of the first) in one executemany, no RETURNING."""
    if rows:
        keys = tuple(rows[0])
        insert_rows(
            connection,
            table,
            keys,
            list(map(itemgetter(*keys), rows))
            if len(keys) > 1
            else [(row[keys[0]],) for row in rows],
            stamps,
        )


def insert_rows(
    connection: Connection,
    table: FromClause,
    keys: Sequence[str],
    rows: Sequence[Sequence[Any]],
    stamps: dict[datetime, int] | None = None,
) -> None:
    """INSERT many rows given as value tuples in the order of `keys`, in one executemany, no
    RETURNING.

    Like any Core insert, the models' Python-side defaults are not applied: give every column that
    needs one.

    On SQLite the values go through each column type's bind processor here and the statement
    through the driver's executemany: SQLAlchemy's per-row parameter handling costs more than
    SQLite's insert itself on a large import. Values are converted a column at a time, and a
    converted value is reused while the same value repeats (an import's one `now`, one due time).
    Times are converted once per distinct time: `stamps` holds those integers, and passing the
    same dict to several inserts (a lead's received time is also its inquiry's time) shares them.
    """
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(
            insert(cast(TableClause, table)), [dict(zip(keys, row, strict=True)) for row in rows]
        )
        return
    converters = [
        (i, c) for i, key in enumerate(keys) if (c := _sqlite_converter(table.c[key].type, dialect))
    ]
    params: Sequence[Sequence[Any]] = rows
    if converters:
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        memo: dict[datetime, int] = {} if stamps is None else stamps
        for i, convert in converters:
            columns[i] = (
                _stamp_column(columns[i], memo)
                if convert is to_micros
                else _convert_column(columns[i], convert)
            )
        params = list(zip(*columns, strict=True))
    names = ", ".join(f'"{key}"' for key in keys)
    connection.exec_driver_sql(
        f'INSERT INTO "{table.description}" ({names}) VALUES ({", ".join("?" * len(keys))})', params
    )


def _stamp_column(values: Sequence[datetime | None], memo: dict[datetime, int]) -> list[int | None]:
    """to_micros of each value, each distinct time converted once."""
    out: list[int | None] = []
    append = out.append
    get = memo.get
    for value in values:
        if value is None:
            append(None)
            continue
        micros = get(value)
        if micros is None:
            micros = memo[value] = to_micros(value)
        append(micros)
    return out


def _convert_column(values: Sequence[Any], convert: Callable[[Any], Any]) -> list[Any]:
    out: list[Any] = []
    append = out.append
    last_in: Any = _UNSET
    last_out: Any = None
    for value in values:
        if value is None:
            append(None)
        elif value is last_in or (value == last_in and type(value) is type(last_in)):
            append(last_out)
        else:
            last_in, last_out = value, convert(value)
            append(last_out)
    return out


def _json_text() -> Callable[[Any], str]:
    """json.dumps with its default settings, the C encoder built once: json.dumps builds it again
    for every value, which costs more than encoding a lead's few extra fields or phones."""
    make: Any = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C accelerator
        return json.dumps
    # No circular-reference markers (kept between calls, a failed value would leave its own
    # behind); what json cannot encode is refused with json's own TypeError.
    refuse = json.JSONEncoder().default
    encode = make(
        None, refuse, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True
    )

    def text(value: Any) -> str:
        return "".join(encode(value, 0))

    return text


_JSON_TEXT = _json_text()


def _sqlite_converter(column_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The bind processing of a column on SQLite as one function (None: values go in as they
    are)."""
    if isinstance(column_type, UTCTime):
        return to_micros  # what UTCTime's processor does, without its layers
    impl = getattr(column_type, "impl_instance", column_type)
    if isinstance(impl, JSON) and getattr(dialect, "_json_serializer", None) is None:
        return _JSON_TEXT  # what JSON's processor does on SQLite (json.dumps), without its layers
    return cast(
        Callable[[Any], Any] | None, column_type.dialect_impl(dialect).bind_processor(dialect)
    )


def in_values(
    column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[Any], dialect: str
) -> ColumnElement[bool]:
    """`column IN (values)`; on SQLite the values travel as one JSON array (json_each), so a list of
    thousands is one parameter instead of thousands to render, and the column's index is still
    used."""
    if dialect == "sqlite":
        each: Select[Any] = select(literal_column("value")).select_from(
            func.json_each(bindparam(None, json.dumps(list(values))))
        )
        return column.in_(each.scalar_subquery())
    return column.in_(values)
