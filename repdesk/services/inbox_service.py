"""The inbox query: leads in urgency order, counted and fetched by window so a million rows stay cheap.

The order is a concatenation of index-ordered segments (see core.inbox for the rule):
uncontacted (longest waiting first), follow-ups before the end of today (overdue first),
later follow-ups, open leads without a step, and on the Leads page closed leads last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.services.lead_rows import LeadSummary
from repdesk.services.lead_service import summary_select, to_summary
from repdesk.store.models import LeadRecord, RepRecord
from repdesk.store.search import search_filter

CLOSED = ("won", "lost")


@dataclass(frozen=True)
class InboxFilter:
    search: str = ""
    status: str = ""
    source: str = ""
    owner: str = ""  # a rep's name, or "-" for unassigned
    product: str = ""
    include_closed: bool = False


@dataclass(frozen=True)
class Segment:
    where: ColumnElement[bool]
    order: tuple[Any, ...]
    count: int = 0


class InboxService:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    @property
    def dialect(self) -> str:
        return str(self._sessions.kw["bind"].dialect.name)

    def snapshot(self, flt: InboxFilter, end_of_today: datetime) -> InboxSnapshot:
        """Count every segment once; the snapshot then serves windows of rows."""
        base = self._filters(flt)
        # Waiting = status new and never answered: an imported lead marked contacted has no
        # first-response time on record but is not waiting, and one we tried to reach is not either.
        open_ = LeadRecord.status.not_in(CLOSED)
        waiting = and_(LeadRecord.status == "new", LeadRecord.first_response_at.is_(None))
        contacted = or_(LeadRecord.status != "new", LeadRecord.first_response_at.is_not(None))
        segments = [
            Segment(waiting, (LeadRecord.received_at, LeadRecord.id)),
            Segment(
                and_(open_, contacted, LeadRecord.next_follow_up_at < end_of_today),
                (LeadRecord.next_follow_up_at, LeadRecord.id),
            ),
            Segment(
                and_(open_, contacted, LeadRecord.next_follow_up_at >= end_of_today),
                (LeadRecord.next_follow_up_at, LeadRecord.id),
            ),
            Segment(
                and_(open_, contacted, LeadRecord.next_follow_up_at.is_(None)),
                (LeadRecord.received_at.desc(), LeadRecord.id.desc()),
            ),
        ]
        if flt.include_closed:
            segments.append(Segment(LeadRecord.status.in_(CLOSED), (LeadRecord.received_at.desc(), LeadRecord.id.desc())))
        # One pass over the filtered leads counts every segment (cheaper than a count per segment).
        sums = [func.coalesce(func.sum(case((seg.where, 1), else_=0)), 0) for seg in segments]
        with self._sessions() as session:
            row = session.execute(select(*sums).select_from(LeadRecord).where(*base)).one()
        counted = [replace(seg, count=int(n)) for seg, n in zip(segments, row, strict=True)]
        return InboxSnapshot(self._sessions, counted, base)

    def _filters(self, flt: InboxFilter) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if flt.status:
            where.append(LeadRecord.status == flt.status)
        if flt.source:
            where.append(LeadRecord.source == flt.source)
        if flt.product:
            where.append(LeadRecord.product == flt.product)
        if flt.owner == "-":
            where.append(LeadRecord.owner_id.is_(None))
        elif flt.owner:
            where.append(LeadRecord.owner_id.in_(select(RepRecord.id).where(RepRecord.name == flt.owner)))
        if flt.search.strip():
            clause = search_filter(self.dialect, flt.search)
            if clause is not None:
                where.append(clause)
        return where


class InboxSnapshot:
    """Rows of one inbox query at one moment, fetched by window."""

    def __init__(self, sessions: sessionmaker[Session], segments: list[Segment], base: list[ColumnElement[bool]]) -> None:
        self._sessions = sessions
        self._segments = segments
        self._base = base
        self.total = sum(s.count for s in segments)

    def fetch(self, offset: int, limit: int) -> list[LeadSummary]:
        """Rows offset .. offset+limit-1 of the whole ordered result."""
        rows: list[LeadSummary] = []
        start = 0
        with self._sessions() as session:
            for seg in self._segments:
                end = start + seg.count
                if offset < end and len(rows) < limit:
                    local = max(0, offset - start)
                    want = limit - len(rows)
                    stmt = summary_select().where(seg.where, *self._base).order_by(*seg.order).offset(local).limit(want)
                    rows.extend(to_summary(lead, owner) for lead, owner in session.execute(stmt))
                start = end
        return rows


def end_of_local_day(now: datetime) -> datetime:
    local = now.astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return midnight
