"""The workspace's time zone: the setting when given, else the computer's local zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from repdesk.services.common.errors import UserError


def workspace_zone(name: str) -> tzinfo:
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise UserError(
                f"The time zone {name!r} is not known; use a name like Europe/Berlin."
            ) from exc
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local
