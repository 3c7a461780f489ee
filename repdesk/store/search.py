"""Full-text lead search: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL (see migration
0001)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, text
from sqlalchemy.sql import Select

from repdesk.store.models import LeadRecord
from repdesk.store.search_rows import BULK_FILL, INSERT_TRIGGER, create_trigger_sql
from repdesk.store.status_counts import pause_count_insert_trigger

# The same expression the PostgreSQL index is built on (migration 0001): keep them identical.
PG_VECTOR = (
    "to_tsvector('simple'::regconfig, coalesce(first_name, '') || ' ' || coalesce(last_name, '') "
    "|| ' ' || coalesce(company, '') || ' ' || replace(replace(coalesce(email, ''), '@', ' '), "
    "'.', ' ') "
    "|| ' ' || replace(coalesce(phone, ''), '+', '') || ' ' || right(replace(coalesce(phone, ''), "
    "'+', ''), 10) "
    "|| ' ' || right(replace(coalesce(phone, ''), '+', ''), 7) || ' ' || coalesce(notes, ''))"
)

_TOKEN = re.compile(r"\w+", re.UNICODE)


def search_tokens(query: str) -> list[str]:
    """Words of a search box text; a phone typed with separators becomes one digit run."""
    stripped = query.strip()
    if stripped and re.fullmatch(r"[\d\s()+.\-]+", stripped):
        digits = re.sub(r"\D", "", stripped)
        return [digits] if digits else []
    return [t.lower() for t in _TOKEN.findall(stripped)]


def fts5_query(tokens: list[str]) -> str:
    """Every token as a quoted prefix term, ANDed (quotes make user text inert)."""
    return " ".join('"' + t.replace('"', '""') + '"*' for t in tokens)


def tsquery(tokens: list[str]) -> str:
    return " & ".join(re.sub(r"[^\w]", "", t) + ":*" for t in tokens if re.sub(r"[^\w]", "", t))


def search_filter(dialect: str, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause matching leads for the search box text, or None when there is nothing to
    match."""
    tokens = search_tokens(query)
    if not tokens:
        return None
    if dialect == "sqlite":
        return LeadRecord.id.in_(
            text("SELECT rowid FROM leads_fts WHERE leads_fts MATCH :fts").bindparams(
                fts=fts5_query(tokens)
            )
        )
    if dialect == "postgresql":
        q = tsquery(tokens)
        if not q:
            return None
        # A subquery over leads alone: the expression names bare columns, which a join would make
        # ambiguous, and it must stay identical to the indexed expression.
        return LeadRecord.id.in_(
            text(
                f"SELECT id FROM leads WHERE {PG_VECTOR} @@ to_tsquery('simple', :tsq)"
            ).bindparams(tsq=q)
        )
    like = f"%{query.strip()}%"
    return (
        LeadRecord.first_name.ilike(like)
        | LeadRecord.last_name.ilike(like)
        | LeadRecord.company.ilike(like)
        | LeadRecord.email.ilike(like)
        | LeadRecord.phone.ilike(like)
    )


def apply_search(stmt: Select, dialect: str, query: str | None) -> Select:  # type: ignore[type-arg]
    if not query:
        return stmt
    clause = search_filter(dialect, query)
    return stmt if clause is None else stmt.where(clause)


@dataclass(frozen=True)
class FtsBulkFill:
    """SQLite: the per-row insert triggers on leads (search rows, and the status counts of
    migration 0003) are dropped for the rest of this transaction.

    A statement over a chunk's rows does their work several times faster than a trigger firing per
    row (FTS5 indexes a batch at once; the counts take one GROUP BY). The caller inserts leads,
    calls fill() for their id range before anything else touches them, and restore() before the
    commit; a rollback (cancel, crash) brings the triggers back by itself, since SQLite's DDL is
    transactional.
    """

    connection: Connection
    paused: tuple[tuple[str, str], ...]
    """(the trigger's CREATE statement, its work as one statement over an id range) per trigger."""

    def fill(self, first_id: int, last_id: int) -> None:
        for _trigger_sql, fill_sql in self.paused:
            self.connection.exec_driver_sql(fill_sql, (first_id, last_id))

    def restore(self) -> None:
        for trigger_sql, _fill_sql in self.paused:
            self.connection.exec_driver_sql(trigger_sql)


def pause_fts_insert_trigger(connection: Connection) -> FtsBulkFill | None:
    """Drop the insert triggers inside the open transaction, or None (not SQLite, or a schema
    without the search trigger). The trigger and the fill are the one definition in
    store.search_rows."""
    if connection.dialect.name != "sqlite":
        return None
    row = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (INSERT_TRIGGER,)
    ).first()
    if row is None:
        return None
    connection.exec_driver_sql(f"DROP TRIGGER {INSERT_TRIGGER}")
    counts = pause_count_insert_trigger(connection)
    search = (create_trigger_sql(INSERT_TRIGGER), BULK_FILL)
    return FtsBulkFill(connection, (search,) + ((counts,) if counts else ()))
