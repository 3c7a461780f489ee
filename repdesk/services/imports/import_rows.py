"""Turning parsed file rows into lead rows and merges (the dedupe rules of an import)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from repdesk.core.domain import LeadStatus
from repdesk.formats.lead_file import ParsedLead

TEXT_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "title",
    "email",
    "phone",
    "phone_ext",  # the reader's extension of the main number ("x12"), kept beside it
    "source",
    "product",
    "message",
    "notes",
    "tags",
)
COUNT_FIELDS = ("email_opens", "email_clicks", "site_visits")
_TEXT = frozenset(TEXT_FIELDS)
_STATUSES = {s.value for s in LeadStatus}
# Every new lead starts from these (copied per row: one C-level dict copy instead of a key at a
# time).
_BLANK_LEAD: dict[str, Any] = {**dict.fromkeys(TEXT_FIELDS, ""), **dict.fromkeys(COUNT_FIELDS, 0)}
#: The columns of an import_merges snapshot (imports made before 0006) that an undo puts back.
_SNAPSHOT_COLUMNS = (*TEXT_FIELDS, *COUNT_FIELDS, "extra", "edited_fields")


@dataclass(frozen=True)
class NewRep:
    """An owner a file names who is no rep yet: made when the import writes (and undo removes it
    when nothing refers to it)."""

    name: str


def json_value(value: Any) -> Any:
    """A column value as JSON (times as {"utc": ISO 8601}) for an undo record."""
    if isinstance(value, datetime):
        return {"utc": value.astimezone(UTC).isoformat()}
    return value


def from_json_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"utc"}:
        return datetime.fromisoformat(value["utc"])
    return value


def restorable(before: dict[str, Any]) -> dict[str, Any]:
    """The columns an undo puts back from an old import's snapshot."""
    return {k: v for k, v in before.items() if k in _SNAPSHOT_COLUMNS}


class LeadValues:
    """Column values for a new lead from one parsed row; what every lead of one import shares is set
    up once."""

    def __init__(self, zone: tzinfo, now: datetime, import_id: int | None) -> None:
        self.zone = zone
        self.now = now
        self.blank: dict[str, Any] = {
            **_BLANK_LEAD,
            "status": LeadStatus.NEW.value,
            "import_id": import_id,
            "created_at": now,
            "updated_at": now,
            "do_not_contact": False,
            "journey_stage": "awareness",
        }

    def __call__(self, row: ParsedLead) -> dict[str, Any]:
        values = self.blank.copy()
        counts = False
        fields = row.fields
        for key, text in fields.items():
            if key in _TEXT:
                values[key] = text.strip()
            elif key in COUNT_FIELDS:
                counts = True
            elif key == "status" and text in _STATUSES:
                values["status"] = text
        if counts:
            get = fields.get
            for key in COUNT_FIELDS:
                count = get(key)
                values[key] = _count(count) if count else 0
        moment = row.received_at
        if moment is None:
            values["received_at"] = self.now
        else:
            values["received_at"] = (
                moment.replace(tzinfo=self.zone) if moment.tzinfo is None else moment
            ).astimezone(UTC)
        values["extra"] = dict(row.extra)
        values["edited_fields"] = []
        return values


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a bulk import runs.

    An import allocates hundreds of thousands of short-lived dicts and tuples; each allocation burst
    would start a collection that walks every live object, which costs about as much as building
    the rows. Reference counting still frees them at once; cycles wait until the import ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


def fill_empty(
    current: dict[str, Any], incoming: dict[str, Any], protected: set[str]
) -> dict[str, Any]:
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
