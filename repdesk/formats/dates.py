"""Dates as lead files write them, read one way per column: ISO 8601, epoch times, and day/month
orders decided from all of a column's values (the workspace's region breaking a tie)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_UTC_SUFFIXES = (" utc", " gmt", " z")
_TEXT_FORMATS = (
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d %b %Y %H:%M",
)
# A zone after a time: "10:31:07 AM GMT", "14:05 UTC+1", "09:00 GMT-05:00" (Google Forms and mail).
_ZONE = re.compile(r"\s*(?:GMT|UTC|Z)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4}),?(?:[ T](.*))?")
#: Regions whose people write the month first (03/04/2026 is March 4).
MONTH_FIRST_REGIONS = frozenset({"US", "CA", "PH", "FM", "MH", "PW", "GU", "PR", "VI", "AS", "MP"})


def day_first_for(region: str) -> bool:
    """How a workspace in this region reads 03/04/2026 when nothing in the column decides."""
    return region.upper() not in MONTH_FIRST_REGIONS


def order_evidence(text: str) -> bool | None:
    """True when a value can only be day-first (13/04/2026), False when only month-first
    (04/13/2026), None when it decides nothing (03/04/2026, ISO dates, words)."""
    if text[:4].isdigit():  # a year first (ISO 8601) or an epoch time: no day/month question
        return None
    match = _NUMERIC_DATE.fullmatch(text.strip())
    if match is None or len(match.group(1)) > 2 or match.group(2) == ".":
        return None
    first, second = int(match.group(1)), int(match.group(3))
    if first > 12 >= second:
        return True
    if second > 12 >= first:
        return False
    return None


def parse_datetime(text: str, day_first: bool | None = None) -> datetime | None:
    """ISO 8601, "YYYY-MM-DD HH:MM[:SS]", "D/M/YYYY" or "M/D/YYYY" with an optional time (and
    AM/PM), "D.M.YYYY", epoch seconds or milliseconds, "Oct 12, 2026"; else None.

    `day_first` says how the column writes day and month; None reads month first unless the first
    number cannot be a month. Naive results are local wall time; an offset or Z in the text gives an
    aware datetime.
    """
    value = text.strip()
    if not value:
        return None
    try:
        if value.isdigit() and value.isascii():
            if len(value) in (12, 13):
                return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
            if len(value) == 10:
                return datetime.fromtimestamp(int(value), tz=UTC)
            if len(value) != 8:
                return None
        match = _NUMERIC_DATE.fullmatch(value)
        if match is not None and (match.group(2) != "-" or len(match.group(1)) <= 2):
            return _numeric(match, day_first)
        lowered = value.lower()
        if lowered.endswith(_UTC_SUFFIXES):
            value = value[: value.rfind(" ")] + "+00:00"
        return datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        pass
    for pattern in _TEXT_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def _numeric(match: re.Match[str], day_first: bool | None) -> datetime | None:
    first_text, separator, second_text, third_text, clock = match.groups()
    first, second, third = int(first_text), int(second_text), int(third_text)
    if len(first_text) == 4:
        year, month, day = first, second, third
    else:
        if separator == ".":
            day_first = True
        if day_first is None:
            day_first = first > 12 >= second  # 25/12/2026 can only be day-first
        day, month = (first, second) if day_first else (second, first)
        year = third + 2000 if len(third_text) == 2 else third
    hour = minute = seconds = 0
    text = (clock or "").strip().upper()
    zone: timezone | None = None
    found = _ZONE.search(text) if text else None
    if found is not None:
        sign, hours, minutes = found.groups()
        offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
        zone = timezone(-offset if sign == "-" else offset)
        text = text[: found.start()].strip()
    if text:
        meridiem = ""
        if text.endswith(("AM", "PM")):
            meridiem, text = text[-2:], text[:-2].strip()
        pieces = text.split(":")
        if not 2 <= len(pieces) <= 3 or not all(p.replace(".", "").isdigit() for p in pieces):
            return None
        hour, minute = int(pieces[0]), int(pieces[1])
        if len(pieces) == 3:
            seconds = int(float(pieces[2]))
        if meridiem:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem == "PM" else 0)
    return datetime(year, month, day, hour, minute, seconds, tzinfo=zone)


class ColumnOrder:
    """The day/month order of one column, decided by the first value that can be read only one way
    (every value of a column is written the same way); until then, `default`."""

    def __init__(self, default_day_first: bool) -> None:
        self.default = default_day_first
        self.decided: bool | None = None

    def see(self, text: str) -> bool:
        """Learn from a value; True once the order is decided."""
        if self.decided is None:
            self.decided = order_evidence(text)
        return self.decided is not None

    @property
    def day_first(self) -> bool:
        return self.default if self.decided is None else self.decided


def ambiguous(text: str) -> bool:
    """Whether a value's meaning waits for its column's order (03/04/2026)."""
    if text[:4].isdigit():
        return False
    match = _NUMERIC_DATE.fullmatch(text.strip())
    return (
        match is not None
        and len(match.group(1)) <= 2
        and match.group(2) != "."
        and order_evidence(text) is None
        and int(match.group(1)) != int(match.group(3))
    )
