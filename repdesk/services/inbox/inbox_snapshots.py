"""What an inbox query gives back: its segments, and the rows of one query at one moment fetched
by window (the ordered inbox, counted segment by segment as windows reach them; search results
through the search index)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core import inbox as order
from repdesk.services.inbox.inbox_sqlite import SEARCH_WINDOW_SQL, sqlite_summary
from repdesk.services.leads.lead_queries import row_summary, summary_rows_select
from repdesk.services.leads.lead_rows import LeadSummary
from repdesk.store.models import LeadRecord


@dataclass(frozen=True)
class Segment:
    name: str
    """core.inbox's name of the segment."""
    where: ColumnElement[bool]
    order: tuple[Any, ...]
    count: int | None = None
    """None until needed: the snapshot counts it when a window reaches past its start."""


@dataclass(frozen=True)
class OrderAt:
    """The moment an urgency-ordered snapshot sorts by (core.inbox.inbox_key's parameters)."""

    end_of_today: datetime
    late_before: datetime | None
    include_closed: bool

    def key(self, lead: LeadSummary) -> tuple[float, ...]:
        return order.inbox_key(lead, self.end_of_today, self.include_closed, self.late_before)


class InboxSnapshot:
    """Rows of one inbox query at one moment, fetched by window."""

    order: OrderAt | None = None
    """Urgency order (InboxService.snapshot): where a re-read lead sorts; None for a column's."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        segments: list[Segment],
        base: list[ColumnElement[bool]],
        total: int,
    ) -> None:
        self._sessions = sessions
        self._segments = segments
        self._base = base
        self.total = total
        """Every row of the result; the segments' counts add up to it once they are all known."""
        self.replied = sum(s.count or 0 for s in segments if s.name in order.REPLIED_SEGMENTS)
        """Leads whose reply waits for our answer."""
        self.waiting = sum(s.count or 0 for s in segments if s.name in order.WAITING_SEGMENTS)
        """Leads still waiting for a first answer."""

    def fetch(self, offset: int, limit: int) -> list[LeadSummary]:
        """Rows offset .. offset+limit-1 of the whole ordered result."""
        rows: list[LeadSummary] = []
        i = start = 0
        with self._sessions() as session:
            while i < len(self._segments) and len(rows) < limit:
                seg = self._segments[i]
                if (
                    seg.count is None and offset > start
                ):  # the window starts inside or past this segment
                    tail, tail_start = self._counted_tail()
                    if (
                        offset >= tail_start
                    ):  # ... in the segments counted from the end (the bottom)
                        i, start = tail, tail_start
                        continue
                    self._count_unknown(session)
                    seg = self._segments[i]
                if seg.count is not None and offset >= start + seg.count:
                    i, start = i + 1, start + seg.count
                    continue
                local = max(0, offset - start)
                want = limit - len(rows)
                stmt = (
                    summary_rows_select()
                    .where(seg.where, *self._base)
                    .order_by(*seg.order)
                    .offset(local)
                    .limit(want)
                )
                got = [row_summary(row) for row in session.execute(stmt)]
                rows.extend(got)
                if seg.count is None and len(got) < want:
                    # Read from its first row (local is 0 here) to its last: now it is counted.
                    self._learn(i, len(got))
                    seg = self._segments[i]
                i, start = i + 1, start + (seg.count or 0)
        return rows

    def reread(self, lead_ids: Collection[int]) -> dict[int, LeadSummary | None]:
        """These leads as the snapshot's query would list them now (None: not listed), in one
        query: the rows another client changed, without reading the others again."""
        listed = or_(*(seg.where for seg in self._segments))
        stmt = summary_rows_select().where(LeadRecord.id.in_(sorted(lead_ids)), listed, *self._base)
        with self._sessions() as session:
            found = {lead.id: lead for lead in map(row_summary, session.execute(stmt))}
        return {lead_id: found.get(lead_id) for lead_id in lead_ids}

    def _counted_tail(self) -> tuple[int, int]:
        """The first of the trailing segments whose counts are known, and where it starts."""
        first = len(self._segments)
        while first > 0 and self._segments[first - 1].count is not None:
            first -= 1
        return first, self.total - sum(seg.count or 0 for seg in self._segments[first:])

    def _count_unknown(self, session: Session) -> None:
        """Count the segments not counted yet; the last of them is what the total leaves over."""
        unknown = [i for i, seg in enumerate(self._segments) if seg.count is None]
        for i in unknown[:-1]:
            stmt = (
                select(func.count())
                .select_from(LeadRecord)
                .where(self._segments[i].where, *self._base)
            )
            self._segments[i] = replace(self._segments[i], count=int(session.scalar(stmt) or 0))
        self._learn(unknown[-1], None)

    def _learn(self, index: int, count: int | None) -> None:
        """Record a segment's size; when one unknown segment is left, the total gives its size."""
        if count is not None:
            self._segments[index] = replace(self._segments[index], count=count)
        unknown = [i for i, seg in enumerate(self._segments) if seg.count is None]
        if len(unknown) == 1:
            # Never below zero: leads deleted since the snapshot was counted must not break the
            # windows.
            rest = max(0, self.total - sum(seg.count or 0 for seg in self._segments))
            self._segments[unknown[0]] = replace(self._segments[unknown[0]], count=rest)


class SearchSnapshot:
    """Search results, newest first, fetched by window through the search index."""

    waiting = 0
    replied = 0

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clause: ColumnElement[bool],
        total: int,
        fts: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._clause = clause
        self._fts = fts  # the FTS5 query on SQLite (windows come straight from the index)
        self.total = total

    def fetch(self, offset: int, limit: int) -> list[LeadSummary]:
        with self._sessions() as session:
            if self._fts is not None:
                # Only the window's ids come out of the search index, newest first.
                driver = session.connection().connection.driver_connection  # sqlite3: plain tuples
                rows = driver.execute(SEARCH_WINDOW_SQL, (self._fts, limit, offset)).fetchall()  # type: ignore[union-attr]
                return [sqlite_summary(row) for row in rows]
            stmt = (
                summary_rows_select()
                .where(self._clause)
                .order_by(LeadRecord.id.desc())
                .offset(offset)
                .limit(limit)
            )
            return [row_summary(row) for row in session.execute(stmt)]
