"""Undo of one import: what it added goes (its steps cancelled first, so calendars drop them), what
it merged gets back each field the import changed while the field still holds the import's value,
the reps it made go when nothing refers to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from repdesk.core.calendar_uids import follow_up_uid
from repdesk.core.counting import counted
from repdesk.core.domain import FollowUpStatus
from repdesk.services.calendar.reminder_rows import STEP_COLUMNS, StepRow, to_reminder
from repdesk.services.imports.import_rows import from_json_value, restorable
from repdesk.store.models import (
    ActivityRecord,
    CalendarTombstoneRecord,
    FollowUpRecord,
    ImportMergeRecord,
    ImportRecord,
    LeadKeyRecord,
    LeadRecord,
    PossibleDuplicateRecord,
    QualificationRecord,
    RepRecord,
)

_LABELS = {"owner_id": "owner", "first_name": "first name", "last_name": "last name"}


@dataclass
class UndoResult:
    """What an undo did, in words for the user."""

    import_id: int
    files: list[str]
    removed: int = 0
    restored: int = 0
    kept: list[str] = field(default_factory=list)  # "Ana Ruiz: your company kept"
    reps_removed: int = 0
    merged_ids: list[int] = field(default_factory=list)

    @property
    def message(self) -> str:
        text = (
            f"Import undone: removed {counted(self.removed, 'lead')}, "
            f"put back {self.restored} merged."
        )
        if self.kept:
            text += " Kept what you changed since: " + "; ".join(self.kept[:5])
            text += " …" if len(self.kept) > 5 else "."
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "files": self.files,
            "undone": True,
            "removed": self.removed,
            "restored": self.restored,
            "kept": self.kept,
            "reps_removed": self.reps_removed,
        }


def undo_run(
    session: Session, record: ImportRecord, now: datetime, workspace_id: str
) -> UndoResult:
    """Take back `record` in `session`'s transaction (the caller re-plans the merged leads);
    `workspace_id` names the calendar UIDs of its steps (core.calendar_uids)."""
    result = UndoResult(record.id, list(record.files or []))
    import_id = record.id
    for merge in session.scalars(
        select(ImportMergeRecord).where(ImportMergeRecord.import_id == import_id)
    ):
        lead = session.get(LeadRecord, merge.lead_id)
        if lead is None:
            continue
        if merge.changes is None:  # an import made before per-field records: its snapshot
            _restore_snapshot(lead, merge.before or {})
        else:
            _restore_fields(lead, merge.changes, result)
        lead.updated_at = now
        result.restored += 1
        result.merged_ids.append(lead.id)
    added = list(session.scalars(select(LeadRecord.id).where(LeadRecord.import_id == import_id)))
    if added:
        _bury_steps(session, added, now, workspace_id)
    session.execute(delete(ActivityRecord).where(ActivityRecord.import_id == import_id))
    session.execute(delete(LeadKeyRecord).where(LeadKeyRecord.import_id == import_id))
    session.execute(
        delete(PossibleDuplicateRecord).where(PossibleDuplicateRecord.import_id == import_id)
    )
    session.execute(delete(LeadRecord).where(LeadRecord.import_id == import_id))
    result.removed = len(added)
    result.reps_removed = _remove_reps(session, list(record.created_reps or []))
    record.undone_at = now
    return result


def _restore_fields(lead: LeadRecord, changes: dict[str, Any], result: UndoResult) -> None:
    for column, (before, after) in changes.items():
        current = getattr(lead, column)
        if column == "extra":  # the fields the import added go; any other stays as it is now
            added = {k: v for k, v in (after or {}).items() if (before or {}).get(k) != v}
            lead.extra = {
                k: v for k, v in (current or {}).items() if k not in added or added[k] != v
            }
            continue
        if _same(current, from_json_value(after)):
            setattr(lead, column, from_json_value(before))
        else:
            who = f"{lead.first_name} {lead.last_name}".strip() or lead.company or f"lead {lead.id}"
            result.kept.append(f"{who}: your {_LABELS.get(column, column.replace('_', ' '))}")


def _same(current: Any, after: Any) -> bool:
    if isinstance(current, datetime) and isinstance(after, datetime):
        return current == after
    return bool(current == after)


def _restore_snapshot(lead: LeadRecord, before: dict[str, Any]) -> None:
    """Legacy: a field the user edited since (edited_fields) keeps the user's value."""
    edited = set(lead.edited_fields or [])
    for column, value in restorable(before).items():
        if column not in edited or column == "edited_fields":
            setattr(lead, column, value)


def _bury_steps(session: Session, lead_ids: list[int], now: datetime, workspace_id: str) -> None:
    """Cancel the steps of leads about to go and keep a tombstone of each, so the next .ics export
    sends STATUS:CANCELLED and the next CalDAV push deletes the event. A tombstone is keyed by the
    UID exports and pushes gave the step: derived from its id, or its legacy_uid where set."""
    session.execute(
        update(FollowUpRecord)
        .where(
            FollowUpRecord.lead_id.in_(lead_ids),
            FollowUpRecord.status == FollowUpStatus.PENDING.value,
        )
        .values(
            status=FollowUpStatus.CANCELLED.value,
            cancelled_at=now,
            sequence=FollowUpRecord.sequence + 1,
            updated_at=now,
        )
    )
    insert: Any = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(CalendarTombstoneRecord.__table__)
    # One statement a chunk, a tombstone already there (the same UID buried before) updated.
    statement = statement.on_conflict_do_update(
        index_elements=[CalendarTombstoneRecord.uid],
        set_={c: statement.excluded[c] for c in _TOMBSTONE_COLUMNS if c != "uid"},
    )
    for start in range(0, len(lead_ids), 5000):
        chunk = lead_ids[start : start + 5000]
        tombstones = []
        for row in session.execute(
            select(*STEP_COLUMNS, FollowUpRecord.exported_sequence)
            .join(LeadRecord, LeadRecord.id == FollowUpRecord.lead_id)
            .where(FollowUpRecord.lead_id.in_(chunk))
        ):
            step = StepRow._make(row[:-1])
            exported_sequence = row[-1]
            uid = follow_up_uid(step.id, workspace_id, step.legacy_uid)
            reminder = to_reminder(step, uid=uid, minutes=15, alarm=None)
            tombstones.append(
                {
                    "uid": reminder.uid,
                    "sequence": step.sequence,
                    "due_at": step.due_at,
                    "summary": reminder.summary,
                    "created_at": now,
                    "in_ics": exported_sequence is not None,
                    "ics_sent": False,
                }
            )
        if tombstones:
            session.connection().execute(statement, tombstones)


_TOMBSTONE_COLUMNS = ("uid", "sequence", "due_at", "summary", "created_at", "in_ics", "ics_sent")


def _remove_reps(session: Session, rep_ids: list[int]) -> int:
    """Reps the import made, when no lead, activity or qualification refers to them any more."""
    removed = 0
    for rep_id in rep_ids:
        used = session.scalar(
            select(
                or_(
                    exists().where(LeadRecord.owner_id == rep_id),
                    exists().where(ActivityRecord.rep_id == rep_id),
                    exists().where(QualificationRecord.rep_id == rep_id),
                )
            )
        )
        if not used:
            session.execute(delete(RepRecord).where(RepRecord.id == rep_id))
            removed += 1
    return removed
