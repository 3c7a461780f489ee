"""Turning parsed file rows into lead rows and merges (the dedupe rules of an import)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any, cast

from sqlalchemy import Connection, FromClause, TableClause, insert

from repdesk.core.domain import LeadStatus
from repdesk.formats.lead_file import ParsedLead

TEXT_FIELDS = ("first_name", "last_name", "company", "title", "email", "phone", "source", "product",
               "message", "notes", "tags")
COUNT_FIELDS = ("email_opens", "email_clicks", "site_visits")
_STATUSES = {s.value for s in LeadStatus}


def lead_values(row: ParsedLead, zone: tzinfo, now: datetime, import_id: int | None) -> dict[str, Any]:
    """Column values for a new lead from one parsed row."""
    f = row.fields
    get = f.get
    values: dict[str, Any] = {key: get(key, "").strip() for key in TEXT_FIELDS}
    for key in COUNT_FIELDS:
        text = get(key)
        values[key] = _count(text) if text else 0
    status = get("status", "")
    values["status"] = status if status in _STATUSES else LeadStatus.NEW.value
    values["received_at"] = to_utc(row.received_at, zone) or now
    values["extra"] = dict(row.extra)
    values["edited_fields"] = []
    values["import_id"] = import_id
    values["created_at"] = values["updated_at"] = now
    values["do_not_contact"] = False
    values["journey_stage"] = "awareness"
    return values


def bulk_insert(connection: Connection, table: FromClause, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT many rows (all with the keys of the first) in one executemany, no RETURNING.

    On SQLite the values go through each column type's bind processor here and the statement
    through the driver's executemany: SQLAlchemy's per-row parameter handling costs more than
    SQLite's insert itself on a large import. A processed value is reused while the same object
    repeats (an import's one `now`, one due time), so most rows cost a tuple and nothing more.
    """
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(cast(TableClause, table)), list(rows))
        return
    keys = list(rows[0])
    processors = [(i, p) for i, key in enumerate(keys)
                  if (p := table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    last_in: list[Any] = [_UNSET] * len(keys)
    last_out: list[Any] = [None] * len(keys)
    params = []
    for row in rows:
        values = [row[key] for key in keys]
        for i, process in processors:
            value = values[i]
            if value is None:
                continue
            if value is last_in[i] or (value == last_in[i] and type(value) is type(last_in[i])):
                values[i] = last_out[i]
            else:
                last_in[i] = value
                values[i] = last_out[i] = process(value)
        params.append(tuple(values))
    columns = ", ".join(f'"{key}"' for key in keys)
    connection.exec_driver_sql(
        f'INSERT INTO "{table.description}" ({columns}) VALUES ({", ".join("?" * len(keys))})', params
    )


_UNSET = object()


def to_utc(moment: datetime | None, zone: tzinfo) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _count(text: str) -> int:
    try:
        return max(0, int(float(text.replace(",", "")))) if text.strip() else 0
    except ValueError:
        return 0


def fill_empty(current: dict[str, Any], incoming: dict[str, Any], protected: set[str]) -> dict[str, Any]:
    """Values to write into an existing lead: only fields it lacks, never a field the user edited.

    Engagement counts take the larger value; extra fields are added, never overwritten.
    """
    changes: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        if key in protected or key in ("message",):
            continue
        new = incoming.get(key) or ""
        if new and not (current.get(key) or ""):
            changes[key] = new
    for key in COUNT_FIELDS:
        if key not in protected and (incoming.get(key) or 0) > (current.get(key) or 0):
            changes[key] = incoming[key]
    extra = dict(current.get("extra") or {})
    added = {k: v for k, v in (incoming.get("extra") or {}).items() if k not in extra and v}
    if added:
        changes["extra"] = {**extra, **added}
    return changes
