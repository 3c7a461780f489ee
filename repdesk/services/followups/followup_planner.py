"""The follow-up invariant: every open lead has exactly one pending next step; closed leads have
none.

`FollowUpPlanner.sync` runs inside the transaction of any action that changes a lead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, time, tzinfo
from typing import Any, cast

from sqlalchemy import (
    Connection,
    TableClause,
    bindparam,
    case,
    false,
    insert,
    literal,
    null,
    select,
    update,
)
from sqlalchemy.orm import Session

from repdesk.core.business_hours import BusinessHours
from repdesk.core.cadence import Cadence, cadence_for_status, next_step_after, step
from repdesk.core.domain import FollowUpStatus, LeadStatus
from repdesk.store.bulk import in_values, insert_rows
from repdesk.store.models import FollowUpRecord, LeadRecord


def business_hours_from(settings: dict[str, Any], zone: tzinfo) -> BusinessHours:
    return BusinessHours(
        start=time.fromisoformat(str(settings["business_start"])),
        end=time.fromisoformat(str(settings["business_end"])),
        workdays=frozenset(int(d) for d in settings["workdays"]),
        tz=zone,
    )


# A cadence's first step for leads that start it now: cadence key, step index, due time, kind, note.
_FirstStep = tuple[str, int, datetime, str, str]


def needs_step(lead: LeadRecord) -> bool:
    return not LeadStatus(lead.status).is_closed and not lead.do_not_contact


# The columns a first step is written with, in the order both bulk writes give them.
_FIRST_STEP_COLUMNS = (
    "lead_id",
    "due_at",
    "kind",
    "note",
    "status",
    "cadence",
    "step_index",
    "cadence_started_at",
    "sequence",
    "updated_at",
)


class FollowUpPlanner:
    def __init__(self, cadences: Sequence[Cadence], hours: Callable[[], BusinessHours]) -> None:
        self.cadences = tuple(cadences)
        self._hours = hours

    @property
    def hours(self) -> BusinessHours:
        return self._hours()

    def step_template(self, cadence_key: str, index: int) -> str:
        """The email template step `index` of a cadence names ("" for none, services/email)."""
        for cadence in self.cadences:
            if cadence.key == cadence_key:
                return step(cadence, index).template
        return ""

    def cadence_for(self, status: str) -> Cadence | None:
        return cadence_for_status(self.cadences, LeadStatus(status))

    def sync(
        self,
        session: Session,
        lead: LeadRecord,
        now: datetime,
        *,
        first_due: datetime | None = None,
        note: str | None = None,
    ) -> None:
        """Restore the invariant for one lead after a change (status, activity, qualification)."""
        pending = list(
            session.scalars(
                select(FollowUpRecord)
                .where(
                    FollowUpRecord.lead_id == lead.id,
                    FollowUpRecord.status == FollowUpStatus.PENDING.value,
                )
                .order_by(FollowUpRecord.due_at, FollowUpRecord.id)
            )
        )
        if not needs_step(lead):
            for record in pending:
                cancel(record, now)
            lead.next_follow_up_at = None
            return
        cadence = self.cadence_for(lead.status)
        assert cadence is not None, f"no cadence for open status {lead.status}"
        keep = pending[0] if pending else None
        for extra in pending[1:]:
            cancel(extra, now)
        if keep is not None and keep.cadence == cadence.key and first_due is None:
            lead.next_follow_up_at = keep.due_at
            return
        if keep is not None:
            cancel(keep, now)
        index, due = next_step_after(cadence, -1, now, self.hours, now)
        if first_due is not None:
            due = first_due
        record = self.make(lead.id, cadence, index, now, due, now, note=note)
        session.add(record)
        lead.next_follow_up_at = record.due_at

    def make(
        self,
        lead_id: int,
        cadence: Cadence,
        index: int,
        started_at: datetime,
        due: datetime,
        now: datetime,
        note: str | None = None,
    ) -> FollowUpRecord:
        planned = step(cadence, index)
        return FollowUpRecord(
            lead_id=lead_id,
            due_at=due,
            kind=planned.kind.value,
            note=note if note is not None else planned.note,
            status=FollowUpStatus.PENDING.value,
            cadence=cadence.key,
            step_index=index,
            cadence_started_at=started_at,
            sequence=0,
            updated_at=now,
        )

    def next_after(
        self, session: Session, done: FollowUpRecord, lead: LeadRecord, now: datetime
    ) -> None:
        """After a step is done: the cadence's next step if the lead is still in it, else
        re-sync."""
        cadence = self.cadence_for(lead.status) if needs_step(lead) else None
        if cadence is not None and cadence.key == done.cadence:
            started = done.cadence_started_at or done.due_at
            index, due = next_step_after(cadence, done.step_index, started, self.hours, now)
            session.add(self.make(lead.id, cadence, index, started, due, now))
            lead.next_follow_up_at = due
            session.flush()
            return
        self.sync(session, lead, now)

    def first_step(
        self, status: str, now: datetime, hours: BusinessHours | None = None
    ) -> _FirstStep | None:
        """The first step of the cadence a lead of `status` starts at `now` (None: a closed
        status)."""
        cadence = None if LeadStatus(status).is_closed else self.cadence_for(status)
        if cadence is None:
            return None
        index, due = next_step_after(cadence, -1, now, hours or self.hours, now)
        planned = step(cadence, index)
        return cadence.key, index, due, planned.kind.value, planned.note

    def first_due(self, status: str, now: datetime) -> datetime | None:
        """When plan_bulk will schedule the first step of a new lead of `status` imported at `now`:
        an import writes it into the lead's row, and plan_bulk then has no UPDATE to make."""
        plan = self.first_step(status, now)
        return None if plan is None else plan[2]

    def plan_bulk(self, session: Session, lead_ids: Sequence[int], now: datetime) -> int:
        """Give every listed open lead without a pending step its cadence's first step (imports)."""
        if not lead_ids:
            return 0
        wanted = set(lead_ids)
        lo, hi = min(wanted), max(wanted)
        if hi - lo < 2 * len(wanted):
            # An import's leads are one run of ids: read the run by range (no long IN lists), keep
            # the listed.
            parts = [(LeadRecord.id.between(lo, hi), FollowUpRecord.lead_id.between(lo, hi))]
        else:
            ordered = sorted(wanted)
            parts = [
                (
                    LeadRecord.id.in_(ordered[i : i + 5000]),
                    FollowUpRecord.lead_id.in_(ordered[i : i + 5000]),
                )
                for i in range(0, len(ordered), 5000)
            ]
        hours = self.hours
        # Each cadence's first step and due time are worked out once: every lead of an import
        # starts at the same `now`, so they are the same for all leads of a status.
        first = {status.value: self.first_step(status.value, now, hours) for status in LeadStatus}
        # Whether a lead's next_follow_up_at is already its first step's due time (an import writes
        # it with the row, see first_due): compared in SQL, so no stored time is read back.
        due_column = cast(TableClause, LeadRecord.__table__).c.next_follow_up_at
        whens = [
            (LeadRecord.status == status, bindparam(None, plan[2], type_=due_column.type))
            for status, plan in first.items()
            if plan is not None
        ]
        carries = LeadRecord.next_follow_up_at == case(*whens, else_=null()) if whens else false()
        has_pending: set[int] = set()
        leads: list[tuple[int, str, bool, bool | None]] = []
        for lead_clause, step_clause in parts:
            has_pending.update(
                session.scalars(
                    select(FollowUpRecord.lead_id).where(
                        step_clause, FollowUpRecord.status == FollowUpStatus.PENDING.value
                    )
                )
            )
            leads.extend(
                row
                for row in session.execute(
                    select(
                        LeadRecord.id, LeadRecord.status, LeadRecord.do_not_contact, carries
                    ).where(lead_clause)
                ).all()
                if row[0] in wanted
            )
        chosen: list[tuple[int, _FirstStep]] = []
        by_due: dict[datetime, list[int]] = defaultdict(list)
        for lead_id, status, dnc, has_due in leads:
            if lead_id in has_pending or dnc:
                continue
            plan = first[status]
            if plan is not None:
                chosen.append((lead_id, plan))
                if not has_due:
                    by_due[plan[2]].append(lead_id)
        if not chosen:
            return 0
        pending = FollowUpStatus.PENDING.value
        rows = [
            (lead_id, due, kind, note, pending, key, index, now, 0, now)
            for lead_id, (key, index, due, kind, note) in chosen
        ]
        connection = session.connection()
        insert_rows(
            connection,
            FollowUpRecord.__table__,
            _FIRST_STEP_COLUMNS,
            rows,
        )
        for due, ids in by_due.items():
            _set_next_follow_up(connection, ids, due)
        return len(rows)

    def plan_new(self, session: Session, first_id: int, last_id: int, now: datetime) -> None:
        """plan_bulk for the leads an import just added (ids first_id to last_id, each row
        written with its first step's due time, planner.first_due): one INSERT … SELECT of every
        open one's first step, nothing read back. A lead without a due time (closed) or on
        do-not-contact, or one that has a pending step already, gets none, as in plan_bulk."""
        hours = self.hours
        first = {status.value: self.first_step(status.value, now, hours) for status in LeadStatus}
        plans = {status: plan for status, plan in first.items() if plan is not None}
        if not plans or last_id < first_id:
            return
        leads = cast(TableClause, LeadRecord.__table__)
        steps = cast(TableClause, FollowUpRecord.__table__)
        stamp = steps.c.updated_at.type

        def by_status(part: int, column: Any) -> Any:
            return case(
                *(
                    (leads.c.status == status, bindparam(None, plan[part], type_=column.type))
                    for status, plan in plans.items()
                ),
                else_=null(),
            )

        pending = (
            select(steps.c.id)
            .where(steps.c.lead_id == leads.c.id, steps.c.status == FollowUpStatus.PENDING.value)
            .exists()
        )
        rows = select(
            leads.c.id,
            leads.c.next_follow_up_at,
            by_status(3, steps.c.kind),
            by_status(4, steps.c.note),
            literal(FollowUpStatus.PENDING.value, steps.c.status.type),
            by_status(0, steps.c.cadence),
            by_status(1, steps.c.step_index),
            bindparam(None, now, type_=stamp),
            literal(0, steps.c.sequence.type),
            bindparam(None, now, type_=stamp),
        ).where(
            leads.c.id.between(first_id, last_id),
            leads.c.next_follow_up_at.is_not(None),
            leads.c.status.in_(list(plans)),
            leads.c.do_not_contact.is_(False),
            ~pending,
        )
        session.connection().execute(
            insert(steps).from_select(
                list(_FIRST_STEP_COLUMNS),
                rows.order_by(leads.c.id),
            )
        )


def _set_next_follow_up(connection: Connection, lead_ids: list[int], due: datetime) -> None:
    """leads.next_follow_up_at = due for these leads: one set-based UPDATE, not one per lead."""
    table = cast(TableClause, LeadRecord.__table__)
    dialect = connection.dialect.name
    size = len(lead_ids) if dialect == "sqlite" else 5000
    for start in range(0, len(lead_ids), size):
        connection.execute(
            update(table)
            .where(in_values(table.c.id, lead_ids[start : start + size], dialect))
            .values(next_follow_up_at=due)
        )


def cancel(record: FollowUpRecord, now: datetime) -> None:
    record.status = FollowUpStatus.CANCELLED.value
    record.cancelled_at = now
    record.sequence += 1
    record.updated_at = now
