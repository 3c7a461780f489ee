"""Helpers shared by CLI commands: JSON output and date parsing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from repdesk.services.common.errors import UserError


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_json_array(items: Iterable[Any]) -> None:
    """One JSON array on stdout, written element by element as `items` yields them (an element
    per line, compact): a list of a million leads streams in flat memory."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    write = sys.stdout.write
    separator = "[\n"
    for item in items:
        write(separator)
        write(encode(item))
        separator = ",\n"
    write("[]\n" if separator == "[\n" else "\n]\n")


def add_paging(parser: Any) -> None:
    """--limit and --offset for a command that lists rows."""
    parser.add_argument("--limit", type=_count, metavar="N", help="at most N rows")
    parser.add_argument("--offset", type=_count, default=0, metavar="N", help="skip the first N")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return value


def parse_when(text: str, *, end_of_day: bool = False, tz: Any = None) -> datetime:
    """A DATE or DATETIME from the command line (ISO 8601); naive times are local wall time."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError as exc:
        raise UserError(
            f"{text!r} is not a date or time (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)."
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
    return moment.astimezone(UTC)
