"""How a moment is stored: an integer of UTC microseconds since 1970-01-01 (the one formatter).

Every time column holds such an integer (store.types.UTCTime, migration 0009). Stdlib only: the
first screen (services.inbox.inbox_sqlite) reads times with it before SQLAlchemy is imported.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """An aware moment as UTC epoch microseconds; a naive one is refused (no local time sneaks
    in)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given to a UTC column")
    return (moment - EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    """The aware UTC moment of a stored integer."""
    return EPOCH + timedelta(microseconds=micros)
