"""Helpers shared by CLI commands: JSON output and date parsing."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, time
from typing import Any

from repdesk.services.common.errors import UserError


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


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
