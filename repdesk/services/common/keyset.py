"""Reading a long ordered list a page at a time by keyset: each page starts after the last row read.

OFFSET walks every row it skips, again for every page; a keyset page is one index seek. Lists are
ordered by (time, id): a page first reads the rest of the last time's rows by id, then later
times, so a million rows sharing one time (an import's) cost no more than any others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

PAGE = 2000


def keyset_rows(
    session: Session,
    stmt: Select[*tuple[Any, ...]],
    order: tuple[InstrumentedAttribute[Any], InstrumentedAttribute[Any]],
    key: Callable[[Any], tuple[Any, Any]],
    *,
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
    page: int | None = None,
) -> Iterator[Any]:
    """The rows of `stmt` (no ORDER BY, LIMIT or OFFSET of its own) ordered by the two `order`
    columns (a time, then a unique id), from `offset` on, at most `limit`; `key` gives a row's
    values of those columns. Rows are read `page` at a time, as they are needed."""
    page = page or PAGE
    # Core execution on the session's connection: the rows are plain columns, and the ORM's
    # result layer costs more per row than SQLite does on a long list.
    execute = session.connection().execute
    time, ident = order
    by_time = (time.desc(), ident.desc()) if descending else (time, ident)
    left = limit
    last: tuple[Any, Any] | None = None
    while left is None or left > 0:
        want = page if left is None else min(page, left)
        rows: list[Any] = []
        if last is None:
            first = stmt.order_by(*by_time).limit(want)
            rows = list(execute(first.offset(offset) if offset else first))
        else:
            tie = ident < last[1] if descending else ident > last[1]
            rows = list(
                execute(
                    stmt.where(time == last[0], tie)
                    .order_by(ident.desc() if descending else ident)
                    .limit(want)
                )
            )
            if len(rows) < want:
                later = time < last[0] if descending else time > last[0]
                rows += execute(stmt.where(later).order_by(*by_time).limit(want - len(rows)))
        yield from rows
        if len(rows) < want:
            return
        if left is not None:
            left -= len(rows)
        last = key(rows[-1])
