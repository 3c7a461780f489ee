"""Possible duplicates: pairs of leads an import could not tell apart (a shared phone, the same name
and company) for the rep to merge into one or keep apart; either can be undone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from repdesk.core.dedupe import name_key
from repdesk.core.domain import FollowUpStatus
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.followups.followup_planner import FollowUpPlanner, cancel
from repdesk.services.imports.import_people import MERGED_COLUMNS
from repdesk.services.imports.import_rows import fill_empty, from_json_value, json_value
from repdesk.store.models import (
    ActivityRecord,
    FollowUpRecord,
    ImportMergeRecord,
    LeadKeyRecord,
    LeadMergeRecord,
    LeadRecord,
    PossibleDuplicateRecord,
    QualificationRecord,
)

#: Rows of a lead that move with it when it is merged into another.
_CHILDREN: dict[str, Any] = {
    "activities": ActivityRecord,
    "follow_ups": FollowUpRecord,
    "qualifications": QualificationRecord,
    "import_merges": ImportMergeRecord,
    "lead_keys": LeadKeyRecord,
}


@dataclass(frozen=True)
class PairSide:
    id: int
    name: str
    company: str
    email: str
    phone: str
    source: str
    status: str
    received_at: datetime


@dataclass(frozen=True)
class DuplicatePair:
    id: int
    reason: str
    first: PairSide
    second: PairSide


@dataclass(frozen=True)
class Decision:
    """What merge or keep apart did, in words, and what undo needs."""

    message: str
    changes: Changes
    pair_id: int
    merge_id: int | None = None


class DuplicateService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        planner: FollowUpPlanner,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._planner = planner

    # -- reading ---------------------------------------------------------------------------------
    def count_open(self) -> int:
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count(PossibleDuplicateRecord.id)).where(
                        PossibleDuplicateRecord.resolved_at.is_(None)
                    )
                )
                or 0
            )

    def open_pairs(self, limit: int = 500) -> list[DuplicatePair]:
        first, second = aliased(LeadRecord), aliased(LeadRecord)
        query = (
            select(PossibleDuplicateRecord.id, PossibleDuplicateRecord.reason, first, second)
            .join(first, first.id == PossibleDuplicateRecord.lead_id)
            .join(second, second.id == PossibleDuplicateRecord.other_id)
            .where(PossibleDuplicateRecord.resolved_at.is_(None))
            .order_by(PossibleDuplicateRecord.id)
            .limit(limit)
        )
        with self._sessions() as session:
            return [
                DuplicatePair(pair_id, reason, _side(a), _side(b))
                for pair_id, reason, a, b in session.execute(query)
            ]

    # -- deciding --------------------------------------------------------------------------------
    def keep_apart(self, pair_id: int) -> Decision:
        now = self._clock()
        with self._sessions.begin() as session:
            pair = self._open_pair(session, pair_id)
            pair.resolved_at, pair.resolution = now, "apart"
            names = self._names(session, pair)
        return Decision(
            f"Kept apart: {names[0]} and {names[1]} are two people.",
            Changes(leads=True),
            pair_id,
        )

    def merge(self, pair_id: int, keep: int | None = None) -> Decision:
        """Merge the pair into one lead (`keep`, by default the older): its gaps filled from the
        other, the other's timeline, steps, answers and keys moved to it, the other removed."""
        now = self._clock()
        with self._sessions.begin() as session:
            pair = self._open_pair(session, pair_id)
            ids = (pair.lead_id, pair.other_id)
            kept_id = keep if keep in ids else min(ids)
            gone_id = ids[1] if kept_id == ids[0] else ids[0]
            kept = session.get(LeadRecord, kept_id)
            gone = session.get(LeadRecord, gone_id)
            assert kept is not None and gone is not None
            snapshot = {c.name: json_value(getattr(gone, c.key)) for c in _columns()}
            changes = _fill(kept, gone)
            for step in session.scalars(
                select(FollowUpRecord).where(
                    FollowUpRecord.lead_id == gone_id,
                    FollowUpRecord.status == FollowUpStatus.PENDING.value,
                )
            ):
                cancel(step, now)  # the kept lead's own next step stays its one step
            session.flush()
            moved: dict[str, list[int]] = {}
            for name, model in _CHILDREN.items():
                moved[name] = list(
                    session.scalars(select(model.id).where(model.lead_id == gone_id))
                )
                session.execute(
                    update(model).where(model.lead_id == gone_id).values(lead_id=kept_id)
                )
            added_keys = []
            for key in _keys_of(gone, kept):
                result = session.execute(
                    insert(LeadKeyRecord).values(lead_id=kept_id, key=key, import_id=None)
                )
                added_keys.append(int(cast(Any, result).inserted_primary_key[0]))
            moved["added_keys"] = added_keys
            pair_info = {
                "reason": pair.reason,
                "import_id": pair.import_id,
                "created_at": json_value(pair.created_at),
                "lead_id": pair.lead_id,
                "other_id": pair.other_id,
            }
            moved["pair"] = [pair_info]  # type: ignore[list-item]
            names = (_name(kept), _name(gone))
            session.execute(delete(LeadRecord).where(LeadRecord.id == gone_id))
            record = LeadMergeRecord(
                kept_id=kept_id,
                pair_id=None,
                absorbed=snapshot,
                moved=moved,
                changes=changes,
                merged_at=now,
            )
            session.add(record)
            kept.updated_at = now
            session.flush()
            self._planner.sync(session, kept, now)
            merge_id = record.id
        return Decision(
            f"Merged {names[1]} into {names[0]}.",
            Changes(leads=True, activities=True, follow_ups=True),
            pair_id,
            merge_id,
        )

    def undo(self, decision: Decision) -> Changes:
        """Take back a merge or a keep-apart."""
        now = self._clock()
        with self._sessions.begin() as session:
            if decision.merge_id is None:
                pair = session.get(PossibleDuplicateRecord, decision.pair_id)
                if pair is None or pair.resolution != "apart":
                    raise UserError("That decision cannot be undone any more.")
                pair.resolved_at, pair.resolution = None, None
                return Changes(leads=True)
            record = session.get(LeadMergeRecord, decision.merge_id)
            if record is None or record.undone_at is not None:
                raise UserError("That merge cannot be undone any more.")
            self._unmerge(session, record, now)
        return Changes(leads=True, activities=True, follow_ups=True)

    def _unmerge(self, session: Session, record: LeadMergeRecord, now: datetime) -> None:
        kept = session.get(LeadRecord, record.kept_id)
        if kept is None:
            raise UserError("The merged lead is gone; the merge cannot be undone.")
        absorbed = dict(record.absorbed)
        gone_id = int(absorbed["id"])
        if session.get(LeadRecord, gone_id) is not None:
            raise UserError("The merge cannot be undone: its lead id is taken.")
        values = {
            c.key: from_json_value(absorbed[c.name]) for c in _columns() if c.name in absorbed
        }
        session.execute(insert(LeadRecord).values(**values))
        moved = dict(record.moved)
        for name, model in _CHILDREN.items():
            ids = moved.get(name) or []
            if ids:
                session.execute(update(model).where(model.id.in_(ids)).values(lead_id=gone_id))
        added = moved.get("added_keys") or []
        if added:
            session.execute(delete(LeadKeyRecord).where(LeadKeyRecord.id.in_(added)))
        for column, (before, after) in (record.changes or {}).items():
            if getattr(kept, column) == from_json_value(after):
                setattr(kept, column, from_json_value(before))
        for info in moved.get("pair") or []:
            session.add(
                PossibleDuplicateRecord(
                    lead_id=info["lead_id"],
                    other_id=info["other_id"],
                    reason=info["reason"],
                    import_id=info["import_id"],
                    created_at=from_json_value(info["created_at"]),
                )
            )
        record.undone_at = now
        kept.updated_at = now
        session.flush()
        gone = session.get(LeadRecord, gone_id)
        assert gone is not None
        self._planner.sync(session, kept, now)
        self._planner.sync(session, gone, now)

    def _open_pair(self, session: Session, pair_id: int) -> PossibleDuplicateRecord:
        pair = session.get(PossibleDuplicateRecord, pair_id)
        if pair is None:
            raise NotFoundError(f"There is no possible duplicate {pair_id}.")
        if pair.resolved_at is not None:
            raise UserError("These two were already decided on.")
        return pair

    @staticmethod
    def _names(session: Session, pair: PossibleDuplicateRecord) -> tuple[str, str]:
        a = session.get(LeadRecord, pair.lead_id)
        b = session.get(LeadRecord, pair.other_id)
        return (_name(a) if a else "?", _name(b) if b else "?")


def _columns() -> list[Any]:
    return list(LeadRecord.__table__.columns)


def _name(lead: LeadRecord) -> str:
    return (
        f"{lead.first_name} {lead.last_name}".strip()
        or lead.company
        or lead.email
        or f"Lead {lead.id}"
    )


def _side(lead: LeadRecord) -> PairSide:
    return PairSide(
        lead.id,
        _name(lead),
        lead.company,
        lead.email,
        lead.phone,
        lead.source,
        lead.status,
        lead.received_at,
    )


def _fill(kept: LeadRecord, gone: LeadRecord) -> dict[str, list[Any]]:
    """Fill the kept lead's gaps from the other; (before, after) of each field it changed."""
    current = {c: getattr(kept, c) for c in MERGED_COLUMNS}
    incoming = {c: getattr(gone, c) for c in MERGED_COLUMNS}
    changes = fill_empty(current, incoming, set(kept.edited_fields or []))
    phones = list(kept.phones or [])
    known = {(p.get("number"), p.get("ext", "")) for p in phones}
    extra_phones = [
        p for p in gone.phones or [] if (p.get("number"), p.get("ext", "")) not in known
    ]
    if extra_phones:
        changes["phones"] = phones + extra_phones
    if kept.owner_id is None and gone.owner_id is not None:
        changes["owner_id"] = gone.owner_id
    out: dict[str, list[Any]] = {}
    for column, value in changes.items():
        out[column] = [json_value(getattr(kept, column)), json_value(value)]
        setattr(kept, column, value)
    key = name_key(kept.first_name, kept.last_name, kept.company)
    if key != kept.name_key:
        out["name_key"] = [kept.name_key, key]
        kept.name_key = key
    return out


def _keys_of(gone: LeadRecord, kept: LeadRecord) -> list[str]:
    """The other lead's e-mail and phone as keys of the kept one (so imports still find it)."""
    keys = []
    if gone.email and gone.email != kept.email:
        keys.append(f"email:{gone.email}")
    if gone.phone and gone.phone != kept.phone:
        keys.append(
            f"phone:{gone.phone};{gone.phone_ext}" if gone.phone_ext else f"phone:{gone.phone}"
        )
    return keys
