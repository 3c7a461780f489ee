"""`repdesk workspace copy SOURCE DEST`: a whole workspace from SQLite to PostgreSQL (a solo
owner's file becomes the team's database) or back (a backup), with ids and calendar UIDs kept,
in one transaction, verified table by table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from repdesk.services.common.errors import UserError
from repdesk.store.engine import make_engine
from repdesk.store.errors import StoreError, describe_database_error
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import ensure_schema
from repdesk.store.models import Base

#: Not copied: who is on a call right now means nothing in another database.
SKIPPED = {"call_markers"}
BATCH = 2_000


@dataclass(frozen=True)
class CopyReport:
    source: str
    dest: str
    tables: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "dest": self.dest, "tables": dict(self.tables)}


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED]


def copy_workspace(
    source: str, dest: str, progress: Callable[[str, int], None] = lambda _t, _n: None
) -> CopyReport:
    """Copy every row of `source` into `dest` (migrated first). Refuses a destination that holds
    leads; anything else there (defaults a first start wrote) is replaced. All or nothing."""
    src_url, dst_url = resolve_url(source), resolve_url(dest)
    if src_url == dst_url:
        raise UserError("The source and the destination are the same database.")
    src, dst = make_engine(src_url), make_engine(dst_url)
    try:
        ensure_schema(src)
        ensure_schema(dst)
        with src.connect() as reader, dst.begin() as writer:
            if writer.scalar(select(func.count()).select_from(Base.metadata.tables["leads"])):
                raise UserError(
                    f"{_name(dst_url)} already holds leads; copy into an empty workspace."
                )
            # The reader's first statement begins its one transaction (store.engine begins every
            # SQLite transaction itself): one snapshot of the file for the whole copy.
            tables = _tables()
            for table in reversed(tables):
                writer.execute(table.delete())
            counts: dict[str, int] = {}
            for table in tables:
                counts[table.name] = _copy_table(reader, writer, table, progress)
            for table in tables:
                found = writer.scalar(select(func.count()).select_from(table)) or 0
                if found != counts[table.name]:
                    raise StoreError(
                        f"The copy of {table.name} has {found} rows instead of "
                        f"{counts[table.name]}; nothing was copied."
                    )
            if writer.dialect.name == "postgresql":
                _reset_sequences(writer, tables)
        return CopyReport(_name(src_url), _name(dst_url), counts)
    except SQLAlchemyError as exc:
        raise StoreError(describe_database_error(exc)) from exc
    finally:
        src.dispose()
        dst.dispose()


def _copy_table(
    reader: Connection, writer: Connection, table: Table, progress: Callable[[str, int], None]
) -> int:
    copied = 0
    result = reader.execution_options(yield_per=BATCH).execute(select(table))
    for rows in result.partitions(BATCH):
        writer.execute(table.insert(), [dict(r._mapping) for r in rows])
        copied += len(rows)
        progress(table.name, copied)
    return copied


def _reset_sequences(writer: Connection, tables: list[Table]) -> None:
    """Ids were copied as they were: each serial counter continues after the highest."""
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or str(pk[0].type) != "INTEGER":
            continue
        sequence = writer.scalar(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
        )
        if sequence:
            writer.execute(
                text(
                    f"SELECT setval('{sequence}', COALESCE((SELECT max({pk[0].name}) FROM "
                    f"{table.name}), 0) + 1, false)"
                )
            )


def _name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
