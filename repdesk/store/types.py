"""Portable column types: aware UTC times as integers, and JSON, alike on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from repdesk.store.times import from_micros, to_micros


class UTCTime(TypeDecorator[datetime]):
    """An aware moment stored as an integer of UTC epoch microseconds (store.times): compact,
    exact, ordered like the moments, and the same on SQLite and PostgreSQL. Naive input is
    refused."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> int | None:
        return None if value is None else to_micros(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> datetime | None:
        return None if value is None else from_micros(value)


class UTCDateTime(TypeDecorator[datetime]):
    """The time columns of migrations 0001–0008 (naive UTC in a DATETIME column). Released
    migrations name it, so it stays; the models use UTCTime since migration 0009."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class JSONValue(TypeDecorator[Any]):
    """JSON on every backend (JSONB is not needed: we never query inside it)."""

    impl = JSON
    cache_ok = True
