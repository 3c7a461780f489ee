"""Turning parsed file rows into lead rows and merges (the dedupe rules of an import)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from repdesk.core.domain import LeadStatus
from repdesk.formats.lead_file import ParsedLead

TEXT_FIELDS = ("first_name", "last_name", "company", "title", "email", "phone", "source", "product",
               "message", "notes", "tags")
COUNT_FIELDS = ("email_opens", "email_clicks", "site_visits")
_STATUSES = {s.value for s in LeadStatus}


def lead_values(row: ParsedLead, zone: tzinfo, now: datetime, import_id: int | None) -> dict[str, Any]:
    """Column values for a new lead from one parsed row."""
    f = row.fields
    values: dict[str, Any] = {key: f.get(key, "").strip() for key in TEXT_FIELDS}
    for key in COUNT_FIELDS:
        values[key] = _count(f.get(key, ""))
    status = f.get("status", "")
    values["status"] = status if status in _STATUSES else LeadStatus.NEW.value
    values["received_at"] = to_utc(row.received_at, zone) or now
    values["extra"] = dict(row.extra)
    values.update(
        edited_fields=[], import_id=import_id, created_at=now, updated_at=now, do_not_contact=False,
        journey_stage="awareness",
    )
    return values


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
