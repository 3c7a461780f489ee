"""Bulk writes store exactly what the ORM would store, and id lists match the same rows on every
backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.dialects import sqlite

from repdesk.store.bulk import in_values, insert_rows
from repdesk.store.engine import make_engine
from repdesk.store.migrate import ensure_schema
from repdesk.store.models import ImportRecord, LeadRecord
from repdesk.store.times import from_micros, to_micros

MOMENTS = [
    datetime(2026, 1, 1, tzinfo=UTC),
    datetime(999, 3, 4, 5, 6, 7, 8, tzinfo=UTC),
    datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin")),
    datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),
    datetime(2020, 5, 5, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-3))),
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_bulk_inserts_convert_times_as_the_column_type_does(moment: datetime) -> None:
    dialect = sqlite.dialect()
    processor = LeadRecord.__table__.c.received_at.type.dialect_impl(dialect).bind_processor(
        dialect
    )
    assert to_micros(moment) == processor(moment)
    assert from_micros(to_micros(moment)) == moment.astimezone(UTC)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_bulk_inserts_write_json_as_the_column_type_does(value: object) -> None:
    """A JSON column's values are written as SQLAlchemy's JSON type writes them on SQLite (the
    text of json.dumps), only without building the encoder for each value."""
    from repdesk.store.bulk import _sqlite_converter

    dialect = sqlite.dialect()
    column_type = LeadRecord.__table__.c.extra.type
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    convert = _sqlite_converter(column_type, dialect)
    assert convert is not None
    assert convert(value) == processor(value)


def test_a_naive_time_is_refused_like_the_orm_refuses_it() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_micros(datetime(2026, 1, 1))


def test_insert_rows_round_trips_and_in_values_matches(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    ensure_schema(engine)
    moment = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    blank = (
        "last_name",
        "company",
        "title",
        "phone",
        "source",
        "product",
        "message",
        "notes",
        "tags",
    )
    keys = (
        "id",
        "first_name",
        "email",
        "received_at",
        "created_at",
        "updated_at",
        "extra",
        "do_not_contact",
        "status",
        "journey_stage",
        "email_opens",
        "email_clicks",
        "site_visits",
        "edited_fields",
        *blank,
    )
    rows = [
        (
            i,
            f"P{i}",
            f"p{i}@x.example",
            moment + timedelta(minutes=i),
            moment,
            moment,
            {"n": i} if i % 2 else {},
            i % 3 == 0,
            "new",
            "awareness",
            0,
            i,
            0,
            [],
            *([""] * len(blank)),
        )
        for i in range(1, 8)
    ]
    with engine.begin() as conn:
        conn.execute(insert(ImportRecord).values(id=1, started_at=moment, files=[]))
        insert_rows(conn, LeadRecord.__table__, keys, rows)
        back = conn.execute(
            select(*(LeadRecord.__table__.c[k] for k in keys)).order_by(LeadRecord.id)
        ).all()
        assert [tuple(r) for r in back] == rows
        emails = ["p2@x.example", "p5@x.example", "nobody@x.example", "p7@x.example"]
        found = conn.scalars(
            select(LeadRecord.id)
            .where(in_values(LeadRecord.email, emails, conn.dialect.name))
            .order_by(LeadRecord.id)
        ).all()
        assert found == [2, 5, 7]
        assert (
            conn.scalars(
                select(LeadRecord.id).where(in_values(LeadRecord.id, [], conn.dialect.name))
            ).all()
            == []
        )
    engine.dispose()
