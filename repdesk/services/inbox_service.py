"""The inbox query: leads in urgency order, counted and fetched by window so a million rows stay cheap.

The order is a concatenation of index-ordered segments (see core.inbox for the rule):
uncontacted (longest waiting first), follow-ups before the end of today (overdue first),
later follow-ups, open leads without a step, and on the Leads page closed leads last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy import text as text_sql
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.domain import JourneyStage, LeadStatus
from repdesk.core.inbox import InboxFilter
from repdesk.core.journey import rank
from repdesk.services.lead_rows import LeadSummary
from repdesk.services.lead_service import row_summary, summary_rows_select
from repdesk.store.models import LeadRecord, RepRecord
from repdesk.store.search import fts5_query, search_filter, search_tokens

CLOSED = ("won", "lost")
OPEN = tuple(status.value for status in LeadStatus if not status.is_closed)
#: Among leads due at the same moment, those closer to a decision come first (core.journey.rank).
JOURNEY_RANK = case({stage.value: rank(stage) for stage in JourneyStage}, value=LeadRecord.journey_stage, else_=9)


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
            Segment(waiting, (LeadRecord.received_at, JOURNEY_RANK, LeadRecord.id)),
            Segment(
                and_(open_, contacted, LeadRecord.next_follow_up_at < end_of_today),
                (LeadRecord.next_follow_up_at, JOURNEY_RANK, LeadRecord.id),
            ),
            Segment(
                and_(open_, contacted, LeadRecord.next_follow_up_at >= end_of_today),
                (LeadRecord.next_follow_up_at, JOURNEY_RANK, LeadRecord.id),
            ),
            Segment(
                and_(open_, contacted, LeadRecord.next_follow_up_at.is_(None)),
                (LeadRecord.received_at.desc(), LeadRecord.id.desc()),
            ),
        ]
        if flt.include_closed:
            segments.append(Segment(LeadRecord.status.in_(CLOSED), (LeadRecord.received_at.desc(), LeadRecord.id.desc())))
        with self._sessions() as session:
            if base:
                # Filtered: one pass over the matching leads counts every segment.
                sums = [func.coalesce(func.sum(case((seg.where, 1), else_=0)), 0) for seg in segments]
                counts = [int(n) for n in session.execute(select(*sums).select_from(LeadRecord).where(*base)).one()]
            else:
                counts = _unfiltered_counts(session, segments)
        counted = [replace(seg, count=n) for seg, n in zip(segments, counts, strict=True)]
        return InboxSnapshot(self._sessions, counted, base)

    def search_snapshot(self, text: str) -> SearchSnapshot | None:
        """A search with no other filter: every matching lead, open or closed, newest first, counted
        and paged from the search index alone (it keeps up with typing on a million leads)."""
        clause = search_filter(self.dialect, text)
        if clause is None:
            return None
        with self._sessions() as session:
            if self.dialect == "sqlite":
                total = session.scalar(
                    text_sql("SELECT count(*) FROM leads_fts WHERE leads_fts MATCH :fts"),
                    {"fts": fts5_query(search_tokens(text))},
                )
            else:
                total = session.scalar(select(func.count()).select_from(LeadRecord).where(clause))
        fts = fts5_query(search_tokens(text)) if self.dialect == "sqlite" else None
        return SearchSnapshot(self._sessions, clause, int(total or 0), fts)

    def any_snapshot(self, flt: InboxFilter, end_of_today: datetime) -> InboxSnapshot | SearchSnapshot:
        """What the inbox shows for `flt`: a plain search uses the index, anything else the segments."""
        only_search = flt.search.strip() and not (flt.status or flt.source or flt.owner or flt.product)
        if only_search:
            found = self.search_snapshot(flt.search)
            if found is not None:
                return found
        return self.snapshot(flt, end_of_today)

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


def _unfiltered_counts(session: Session, segments: list[Segment]) -> list[int]:
    """Segment sizes from index ranges alone (migration 0002): the waiting, due-today and
    no-step segments are small ranges; the large 'later' one is what remains of the open leads."""
    waiting, due, later, no_step, *closed = segments

    def count(where: ColumnElement[bool]) -> int:
        return int(session.scalar(select(func.count()).select_from(LeadRecord).where(where)) or 0)

    open_total = count(LeadRecord.status.in_(OPEN))
    small = [count(waiting.where), count(due.where), count(no_step.where)]
    counts = [small[0], small[1], open_total - sum(small), small[2]]
    if closed:
        counts.append(count(closed[0].where))
    return counts


class InboxSnapshot:
    """Rows of one inbox query at one moment, fetched by window."""

    def __init__(self, sessions: sessionmaker[Session], segments: list[Segment], base: list[ColumnElement[bool]]) -> None:
        self._sessions = sessions
        self._segments = segments
        self._base = base
        self.total = sum(s.count for s in segments)
        self.waiting = segments[0].count
        """Leads still waiting for a first answer (the first segment)."""

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
                    stmt = (summary_rows_select().where(seg.where, *self._base).order_by(*seg.order)
                            .offset(local).limit(want))
                    rows.extend(row_summary(row) for row in session.execute(stmt))
                start = end
        return rows


class SearchSnapshot:
    """Search results, newest first, fetched by window through the search index."""

    waiting = 0

    def __init__(self, sessions: sessionmaker[Session], clause: ColumnElement[bool], total: int,
                 fts: str | None = None) -> None:
        self._sessions = sessions
        self._clause = clause
        self._fts = fts  # the FTS5 query on SQLite (windows come straight from the index)
        self.total = total

    def fetch(self, offset: int, limit: int) -> list[LeadSummary]:
        if self._fts is not None:
            # Only the window's ids come out of the search index, newest first.
            ids = text_sql("SELECT rowid FROM leads_fts WHERE leads_fts MATCH :fts ORDER BY rowid DESC "
                           "LIMIT :limit OFFSET :offset").bindparams(fts=self._fts, limit=limit, offset=offset)
            stmt = summary_rows_select().where(LeadRecord.id.in_(ids)).order_by(LeadRecord.id.desc())
        else:
            stmt = summary_rows_select().where(self._clause).order_by(LeadRecord.id.desc()).offset(offset).limit(limit)
        with self._sessions() as session:
            return [row_summary(row) for row in session.execute(stmt)]
