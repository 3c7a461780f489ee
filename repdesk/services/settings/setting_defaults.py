"""Every workspace setting and its default (the first screen reads them before SQLAlchemy loads)."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "response_target_minutes": 5,
    "default_region": "US",
    "timezone": "",  # empty: the computer's local zone
    "business_start": "09:00",
    "business_end": "17:00",
    "workdays": [0, 1, 2, 3, 4],
    "alarm_minutes": 10,
    "event_minutes": 15,
    "qualification_days": 90,
    # A lead whose form answers qualify it goes straight to a rep by capacity (before any call).
    "route_form_qualified": False,
    "caldav_url": "",
    "caldav_username": "",
}
