"""Guarded writes: a change is made only while the row still holds what the use case read.

Together with store.engine.Sessions (BEGIN IMMEDIATE for writing use cases on SQLite) this is the
one locking mechanism: a state change is a conditional UPDATE whose row count says whether it
happened (two completions of one step: one wins, the other is told), so it also holds on
PostgreSQL, where two transactions can read the same row at once. A version column can join
`expected` later without changing the callers' shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, column, text, update
from sqlalchemy.orm import InstrumentedAttribute, Session


def change_if(
    session: Session,
    model: Any,
    row_id: int,
    expected: Mapping[str, Any],
    values: Mapping[str, Any],
) -> bool:
    """UPDATE the row `row_id` of `model` with `values` if each column in `expected` still holds
    its value (NULL included); True when it did. Objects of the session are refreshed to match."""
    conditions = [
        getattr(model, key).is_not_distinct_from(value) for key, value in expected.items()
    ]
    result = session.execute(
        update(model).where(model.id == row_id, *conditions).values(**values),
        execution_options={"synchronize_session": "fetch"},
    )
    return int(getattr(result, "rowcount", 0)) == 1


def json_set_with(
    attribute: InstrumentedAttribute[Any], names: Iterable[str], dialect: str
) -> ColumnElement[Any]:
    """SQL for "the JSON array in this column plus `names`, sorted, without repeats", computed by
    the database from the row as it is when the UPDATE runs (no read-modify-write: two edits
    adding different names at once both stay)."""
    table = attribute.class_.__tablename__
    name = attribute.key
    added = json.dumps(sorted(set(names)))
    if dialect == "sqlite":
        sql = (
            "SELECT json_group_array(value) FROM (SELECT value FROM json_each("
            f"CASE WHEN json_type({table}.{name}) = 'array' THEN {table}.{name} ELSE '[]' END) "
            "UNION SELECT value FROM json_each(:added) ORDER BY value)"
        )
    else:
        sql = (
            "SELECT coalesce(json_agg(v ORDER BY v), '[]'::json) FROM ("
            "SELECT json_array_elements_text(CASE WHEN json_typeof("
            f"{table}.{name}) = 'array' THEN {table}.{name} ELSE '[]'::json END) AS v "
            "UNION SELECT json_array_elements_text(CAST(:added AS json))) AS merged"
        )
    return text(sql).bindparams(added=added).columns(column("v")).scalar_subquery()
