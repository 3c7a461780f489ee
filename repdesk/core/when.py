"""The one way repdesk writes a moment: a short relative form for recent times, one absolute form
elsewhere ("12 min ago", "today 14:05", "tomorrow 09:00", "Thu 03 Dec 10:00")."""

from __future__ import annotations

from datetime import datetime, tzinfo

ABSOLUTE = "%a %d %b %H:%M"
"""The absolute form; a moment in another year adds it: "Thu 03 Dec 2025 10:00"."""


def format_moment(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """`moment` as the rep reads it at `now` (both aware), on the workspace's clock `zone`."""
    seconds = (moment - now).total_seconds()
    if abs(seconds) < 60:
        return "just now"
    if -3600 < seconds < 0:
        return f"{int(-seconds // 60)} min ago"
    if 0 < seconds < 3600:
        return f"in {int(seconds // 60) + (1 if seconds % 60 else 0)} min"
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    day = (local.date() - today).days
    relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get(day)
    if relative is not None:
        return f"{relative} {local:%H:%M}"
    return format_absolute(moment, now, zone)


def format_absolute(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """The absolute form (for tooltips, exports and anything not recent)."""
    local = moment.astimezone(zone)
    if local.year != now.astimezone(zone).year:
        return local.strftime("%a %d %b %Y %H:%M")
    return local.strftime(ABSOLUTE)
