"""The inbox query: leads in urgency order, counted and fetched by window so a million rows stay
cheap (the snapshots that fetch them are services.inbox.inbox_snapshots).

The order is core.inbox's table of index-ordered segments, rendered here with SQLAlchemy:
leads whose reply waits for us, uncontacted (longest waiting first; among those past the response
target, the ones whose form answers qualify them first), follow-ups before the end of today
(overdue first), later follow-ups, open leads without a step, and on the Leads page closed leads
last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from repdesk.core import inbox as order
from repdesk.core.domain import CLOSED_STATUSES, OPEN_STATUSES
from repdesk.core.inbox import InboxFilter
from repdesk.services.inbox.inbox_snapshots import InboxSnapshot, OrderAt, SearchSnapshot, Segment
from repdesk.services.inbox.inbox_sqlite import SEARCH_COUNT_SQL
from repdesk.services.team.owner_scope import CHOICES, MINE, MINE_AND_UNASSIGNED, leads_of
from repdesk.store.models import LeadRecord, RepRecord
from repdesk.store.search import fts5_query, search_filter, search_tokens
from repdesk.store.status_counts import has_status_counts, status_counts

#: Among leads due at the same moment, those closer to a decision come first (core.journey.rank).
JOURNEY_RANK = case(
    order.JOURNEY_RANKS, value=LeadRecord.journey_stage, else_=order.UNKNOWN_JOURNEY_RANK
)


#: What All leads can be sorted by (its column headers).
SORT_COLUMNS: dict[str, Any] = {
    "received_at": LeadRecord.received_at,
    "name": func.lower(LeadRecord.first_name + " " + LeadRecord.last_name),
    "company": func.lower(LeadRecord.company),
    "status": LeadRecord.status,
    "next_follow_up_at": LeadRecord.next_follow_up_at,
    "source": func.lower(LeadRecord.source),
    "owner": select(RepRecord.name)
    .where(RepRecord.id == LeadRecord.owner_id)
    .correlate(LeadRecord)
    .scalar_subquery(),
    "product": func.lower(LeadRecord.product),
    "phone": LeadRecord.phone,
    "email": LeadRecord.email,
}


def sql_condition(
    condition: order.Condition, end_of_today: datetime, late_before: datetime | None = None
) -> ColumnElement[bool]:
    """One of core.inbox's conditions as a SQLAlchemy expression on LeadRecord."""
    if isinstance(condition, order.AnyOf):
        return or_(*(sql_condition(c, end_of_today, late_before) for c in condition.checks))
    column: InstrumentedAttribute[Any] = getattr(LeadRecord, condition.column)
    if condition.value == order.LATE_BEFORE and late_before is None:
        return true() if condition.op == ">=" else false()  # nobody waits past the target
    params = {order.END_OF_TODAY: end_of_today, order.LATE_BEFORE: late_before}
    value = params.get(str(condition.value), condition.value)
    match condition.op:
        case "is null":
            return column.is_(None)
        case "is not null":
            return column.is_not(None)
        case "is true":
            return column.is_(True)
        case "is false":
            return column.is_(False)
        case "=":
            return column == value
        case "!=":
            return column != value
        case "in":
            return column.in_(value if isinstance(value, tuple) else (value,))
        case "not in":
            return column.not_in(value if isinstance(value, tuple) else (value,))
        case "<":
            return column < value
        case ">=":
            return column >= value
    raise ValueError(f"unknown operator {condition.op!r}")


def sql_order(keys: tuple[order.Key, ...]) -> tuple[Any, ...]:
    columns = [
        JOURNEY_RANK if key.column == order.JOURNEY else getattr(LeadRecord, key.column)
        for key in keys
    ]
    return tuple(
        column.desc() if key.descending else column
        for column, key in zip(columns, keys, strict=True)
    )


class InboxService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        my_rep: Callable[[], int | None] = lambda: None,
    ) -> None:
        """`my_rep`: the signed-in rep on a team database (None: a solo file, or no rep)."""
        self._sessions = sessions
        self._clock = clock
        self._my_rep = my_rep

    def owner_scopes(self) -> list[tuple[str, str]]:
        """The "whose leads" choices before the reps' names, the default first: on a team
        "Mine + Unassigned" and "Mine"; nothing on a solo file (every lead is mine)."""
        if self._my_rep() is None:
            return []
        return [choice for choice in CHOICES if choice[1] in (MINE_AND_UNASSIGNED, MINE)]

    @property
    def dialect(self) -> str:
        return str(self._sessions.kw["bind"].dialect.name)

    def waiting_count(self) -> int:
        """Inquiries nobody has answered yet (core.inbox.WAITING): the sidebar's Inbox count."""
        now = self._clock()
        waiting = [sql_condition(check, now) for check in order.WAITING]
        with self._sessions() as session:
            stmt = select(func.count()).select_from(LeadRecord).where(*waiting)
            return int(session.scalar(stmt) or 0)

    def snapshot(
        self, flt: InboxFilter, end_of_today: datetime, late_before: datetime | None = None
    ) -> InboxSnapshot:
        """Count the segments (the large ones only when a window needs them, see
        _unfiltered_counts); the snapshot then serves windows of rows. `late_before`: leads
        received before it wait past the response target (form-qualified ones come first)."""
        base = self._filters(flt)
        segments = [
            Segment(
                segment.name,
                and_(*(sql_condition(c, end_of_today, late_before) for c in segment.where)),
                sql_order(segment.order),
            )
            for segment in order.segments(flt.include_closed)
        ]
        with self._sessions() as session:
            if base:
                # Filtered: one pass over the matching leads puts each in its segment and counts
                # them by segment. The segments do not overlap (core.inbox: each lead is in exactly
                # one), so the first condition that holds is the lead's: most leads are decided by
                # the first few, not all (a team's Mine + Unassigned can be every lead).
                which = case(*((seg.where, i) for i, seg in enumerate(segments)), else_=None)
                found: dict[int | None, int] = dict(
                    session.execute(
                        select(which, func.count())
                        .select_from(LeadRecord)
                        .where(*base)
                        .group_by(which)
                    ).all()
                )
                counts: list[int | None] = [int(found.get(i, 0)) for i in range(len(segments))]
                total = sum(n or 0 for n in counts)
            else:
                counts, total = _unfiltered_counts(session, segments)
        counted = [replace(seg, count=n) for seg, n in zip(segments, counts, strict=True)]
        snapshot = InboxSnapshot(self._sessions, counted, base, total)
        snapshot.order = OrderAt(end_of_today, late_before, flt.include_closed)
        return snapshot

    def sorted_snapshot(self, flt: InboxFilter, sort: str, descending: bool) -> InboxSnapshot:
        """All leads ordered by one column (a click on its header) instead of by urgency."""
        if sort not in SORT_COLUMNS:
            raise ValueError(f"Leads cannot be sorted by {sort!r}.")
        base = self._filters(flt)
        if not flt.include_closed:
            base.append(LeadRecord.status.not_in(CLOSED_STATUSES))
        key = SORT_COLUMNS[sort]
        keys = (
            (key.desc().nulls_last(), LeadRecord.id.desc())
            if descending
            else (key.asc().nulls_last(), LeadRecord.id.asc())
        )
        # Who still waits for a first answer: core.inbox's rule, counted over the listed leads.
        now = self._clock()
        waiting = and_(*(sql_condition(check, now) for check in order.WAITING))
        with self._sessions() as session:
            total, waiting_n = session.execute(
                select(func.count(), func.coalesce(func.sum(case((waiting, 1), else_=0)), 0))
                .select_from(LeadRecord)
                .where(*base)
            ).one()
        segment = Segment("sorted", true(), keys, int(total))  # one segment: every listed lead
        snapshot = InboxSnapshot(self._sessions, [segment], base, total)
        snapshot.waiting = int(waiting_n)
        return snapshot

    def search_snapshot(self, text: str) -> SearchSnapshot | None:
        """A search with no other filter: every matching lead, open or closed, newest first, counted
        and paged from the search index alone (it keeps up with typing on a million leads)."""
        clause = search_filter(self.dialect, text)
        if clause is None:
            return None
        with self._sessions() as session:
            if self.dialect == "sqlite":
                total = (
                    session.connection()
                    .exec_driver_sql(SEARCH_COUNT_SQL, (fts5_query(search_tokens(text)),))
                    .scalar()
                )
            else:
                total = session.scalar(select(func.count()).select_from(LeadRecord).where(clause))
        fts = fts5_query(search_tokens(text)) if self.dialect == "sqlite" else None
        return SearchSnapshot(self._sessions, clause, int(total or 0), fts)

    def any_snapshot(
        self, flt: InboxFilter, end_of_today: datetime, late_before: datetime | None = None
    ) -> InboxSnapshot | SearchSnapshot:
        """What the inbox shows for `flt`: a plain search uses the index, anything else the
        segments."""
        only_search = flt.search.strip() and not (
            flt.status or flt.source or flt.owner or flt.product
        )
        if only_search:
            found = self.search_snapshot(flt.search)
            if found is not None:
                return found
        return self.snapshot(flt, end_of_today, late_before)

    def _filters(self, flt: InboxFilter) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if flt.status:
            where.append(LeadRecord.status == flt.status)
        if flt.source:
            where.append(LeadRecord.source == flt.source)
        if flt.product:
            where.append(LeadRecord.product == flt.product)
        whose = leads_of(flt.owner, self._my_rep())  # the values of services/team/owner_scope
        if whose is not None:
            where.append(whose)
        if flt.search.strip():
            clause = search_filter(self.dialect, flt.search)
            if clause is not None:
                where.append(clause)
        return where


def _unfiltered_counts(session: Session, segments: list[Segment]) -> tuple[list[int | None], int]:
    """Segment sizes without walking a large index range, and the total.

    The total comes from the trigger-kept status counts (migration 0003; PostgreSQL counts the
    open leads instead). The replied, waiting and no-step segments are small index ranges, and the
    waiting one on SQLite is "new" less the few new leads somebody already answered. Due today
    and later split the leads with a step at the end of today, a large range to count: they are
    left to the snapshot, which counts the split only when a window needs it.
    """
    named = {segment.name: segment for segment in segments}
    form_first, waiting = named["waiting_form_qualified"], named["waiting"]

    def count(where: ColumnElement[bool]) -> int:
        return int(session.scalar(select(func.count()).select_from(LeadRecord).where(where)) or 0)

    # The waiting leads that the form qualified and that wait past the target: a few of the few.
    first_n = count(form_first.where)
    if has_status_counts(session):
        by_status = status_counts(session)
        open_total = sum(by_status.get(status, 0) for status in OPEN_STATUSES)
        answered_new = count(  # answered, or a known contact (no waiting clock)
            and_(
                LeadRecord.status == "new",
                or_(LeadRecord.first_response_at.is_not(None), LeadRecord.is_contact.is_(True)),
            )
        )
        rest_n = by_status.get("new", 0) - answered_new - first_n
        closed_n = sum(by_status.get(status, 0) for status in CLOSED_STATUSES)
    else:
        open_total = count(LeadRecord.status.in_(OPEN_STATUSES))
        rest_n = count(waiting.where)
        closed_n = count(named["closed"].where) if "closed" in named else 0
    known = {"waiting_form_qualified": first_n, "waiting": rest_n, "closed": closed_n}
    # Due today and later are left to the snapshot; the rest are small ranges, counted here.
    counts: list[int | None] = [
        None if s.name in ("due", "later") else known[s.name] if s.name in known else count(s.where)
        for s in segments
    ]
    return counts, open_total + (closed_n if "closed" in named else 0)
