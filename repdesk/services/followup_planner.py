"""The follow-up invariant: every open lead has exactly one pending next step; closed leads have none.

`FollowUpPlanner.sync` runs inside the transaction of any action that changes a lead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, time, tzinfo
from typing import Any, cast

from sqlalchemy import TableClause, bindparam, select, update
from sqlalchemy.orm import Session

from repdesk.core.business_hours import BusinessHours
from repdesk.core.cadence import Cadence, cadence_for_status, next_step_after, step
from repdesk.core.domain import FollowUpStatus, LeadStatus
from repdesk.services.import_rows import bulk_insert
from repdesk.store.models import FollowUpRecord, LeadRecord


def new_uid() -> str:
    return f"{uuid.uuid4()}@repdesk"


def business_hours_from(settings: dict[str, Any], zone: tzinfo) -> BusinessHours:
    return BusinessHours(
        start=time.fromisoformat(str(settings["business_start"])),
        end=time.fromisoformat(str(settings["business_end"])),
        workdays=frozenset(int(d) for d in settings["workdays"]),
        tz=zone,
    )


def needs_step(lead: LeadRecord) -> bool:
    return not LeadStatus(lead.status).is_closed and not lead.do_not_contact


class FollowUpPlanner:
    def __init__(self, cadences: Sequence[Cadence], hours: Callable[[], BusinessHours]) -> None:
        self.cadences = tuple(cadences)
        self._hours = hours

    @property
    def hours(self) -> BusinessHours:
        return self._hours()

    def cadence_for(self, status: str) -> Cadence | None:
        return cadence_for_status(self.cadences, LeadStatus(status))

    def sync(self, session: Session, lead: LeadRecord, now: datetime, *, first_due: datetime | None = None,
             note: str | None = None) -> None:
        """Restore the invariant for one lead after a change (status, activity, qualification)."""
        pending = list(session.scalars(
            select(FollowUpRecord).where(FollowUpRecord.lead_id == lead.id,
                                         FollowUpRecord.status == FollowUpStatus.PENDING.value)
            .order_by(FollowUpRecord.due_at, FollowUpRecord.id)
        ))
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

    def make(self, lead_id: int, cadence: Cadence, index: int, started_at: datetime, due: datetime,
             now: datetime, note: str | None = None) -> FollowUpRecord:
        planned = step(cadence, index)
        return FollowUpRecord(
            lead_id=lead_id, due_at=due, kind=planned.kind.value, note=note if note is not None else planned.note,
            status=FollowUpStatus.PENDING.value, cadence=cadence.key, step_index=index,
            cadence_started_at=started_at, uid=new_uid(), sequence=0, updated_at=now,
        )

    def next_after(self, session: Session, done: FollowUpRecord, lead: LeadRecord, now: datetime) -> None:
        """After a step is done: the cadence's next step if the lead is still in it, else re-sync."""
        cadence = self.cadence_for(lead.status) if needs_step(lead) else None
        if cadence is not None and cadence.key == done.cadence:
            started = done.cadence_started_at or done.due_at
            index, due = next_step_after(cadence, done.step_index, started, self.hours, now)
            session.add(self.make(lead.id, cadence, index, started, due, now))
            lead.next_follow_up_at = due
            session.flush()
            return
        self.sync(session, lead, now)

    def plan_bulk(self, session: Session, lead_ids: Sequence[int], now: datetime) -> int:
        """Give every listed open lead without a pending step its cadence's first step (imports)."""
        if not lead_ids:
            return 0
        wanted = set(lead_ids)
        lo, hi = min(wanted), max(wanted)
        if hi - lo < 2 * len(wanted):
            # An import's leads are one run of ids: read the run by range (no long IN lists), keep the listed.
            parts = [(LeadRecord.id.between(lo, hi), FollowUpRecord.lead_id.between(lo, hi))]
        else:
            ordered = sorted(wanted)
            parts = [(LeadRecord.id.in_(ordered[i:i + 5000]), FollowUpRecord.lead_id.in_(ordered[i:i + 5000]))
                     for i in range(0, len(ordered), 5000)]
        has_pending: set[int] = set()
        leads: list[tuple[int, str, bool]] = []
        for lead_clause, step_clause in parts:
            has_pending.update(session.scalars(
                select(FollowUpRecord.lead_id).where(step_clause, FollowUpRecord.status == FollowUpStatus.PENDING.value)))
            leads.extend(row for row in session.execute(
                select(LeadRecord.id, LeadRecord.status, LeadRecord.do_not_contact).where(lead_clause)).all()
                if row[0] in wanted)
        hours = self.hours
        rows: list[dict[str, Any]] = []
        # Each cadence's first step and due time are worked out once: every lead of an import
        # starts at the same `now`, so they are the same for all leads of a status.
        first: dict[str, tuple[Cadence, int, datetime, str, str] | None] = {}
        pending = FollowUpStatus.PENDING.value
        for lead_id, status, dnc in leads:
            if lead_id in has_pending or dnc:
                continue
            if status not in first:
                cadence = None if LeadStatus(status).is_closed else self.cadence_for(status)
                if cadence is None:
                    first[status] = None
                else:
                    index, due = next_step_after(cadence, -1, now, hours, now)
                    planned = step(cadence, index)
                    first[status] = (cadence, index, due, planned.kind.value, planned.note)
            plan = first[status]
            if plan is None:
                continue
            cadence, index, due, kind, note = plan
            rows.append(dict(lead_id=lead_id, due_at=due, kind=kind, note=note, status=pending,
                             cadence=cadence.key, step_index=index, cadence_started_at=now, uid=new_uid(),
                             sequence=0, updated_at=now))
        if rows:
            connection = session.connection()
            bulk_insert(connection, FollowUpRecord.__table__, rows)
            table = LeadRecord.__table__
            if connection.dialect.name == "sqlite":
                # Few distinct due times: each is converted once, the driver runs the executemany.
                process = table.c.next_follow_up_at.type.dialect_impl(connection.dialect).bind_processor(
                    connection.dialect)
                stamps = {due: process(due) if process else due for due in {r["due_at"] for r in rows}}
                connection.exec_driver_sql("UPDATE leads SET next_follow_up_at = ? WHERE id = ?",
                                           [(stamps[r["due_at"]], r["lead_id"]) for r in rows])
            else:
                connection.execute(
                    update(cast(TableClause, table)).where(table.c.id == bindparam("b_id")).values(next_follow_up_at=bindparam("b_due")),
                    [{"b_id": r["lead_id"], "b_due": r["due_at"]} for r in rows],
                )
        return len(rows)


def cancel(record: FollowUpRecord, now: datetime) -> None:
    record.status = FollowUpStatus.CANCELLED.value
    record.cancelled_at = now
    record.sequence += 1
    record.updated_at = now
