"""Reading pending steps at any scale: plain rows, windows counted and fetched by index (Today, the
agenda), counts per local day and per quarter hour (the month and week views), and streams."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Literal, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.contact import display_name
from repdesk.services.common.keyset import keyset_rows
from repdesk.store.models import PENDING_STEP, FollowUpRecord, LeadRecord, RepRecord
from repdesk.store.times import to_micros

DAY_MICROS = 86_400_000_000
SLOT_MINUTES = 15
#: The due time as the integer it is stored as (store.times), for arithmetic in SQL.
DUE_MICROS = type_coerce(FollowUpRecord.due_at, BigInteger)


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    lead_id: int
    due_at: datetime
    kind: str
    note: str
    status: str
    lead_name: str
    company: str
    phone: str
    email: str
    owner: str | None
    version: int = 0
    """Bumped by the database at every change of the step: a move from a view that shows an older
    version is refused (FollowUpService.move)."""

    def to_json(self) -> dict[str, Any]:
        return step_json(self.id, self.lead_id, self.due_at, self.kind, self.note, self.status)


def step_json(
    fid: int, lead_id: int, due_at: datetime, kind: str, note: str, status: str
) -> dict[str, Any]:
    """The `followups --json` object of a step."""
    return {
        "id": fid,
        "lead_id": lead_id,
        "due_at": due_at.isoformat(),
        "kind": kind,
        "note": note,
        "status": status,
    }


#: The columns of step_json: the step alone (no lead to join).
JSON_COLUMNS = (
    FollowUpRecord.id,
    FollowUpRecord.lead_id,
    FollowUpRecord.due_at,
    FollowUpRecord.kind,
    FollowUpRecord.note,
    FollowUpRecord.status,
)


_COLUMNS = (
    FollowUpRecord.id,
    FollowUpRecord.lead_id,
    FollowUpRecord.due_at,
    FollowUpRecord.kind,
    FollowUpRecord.note,
    FollowUpRecord.status,
    LeadRecord.first_name,
    LeadRecord.last_name,
    LeadRecord.company,
    LeadRecord.phone,
    LeadRecord.email,
    RepRecord.name,
    FollowUpRecord.version,
)
ORDER = (FollowUpRecord.due_at, FollowUpRecord.id)


def step_rows(*where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The columns of a FollowUpRow: the step, its lead, the lead's owner."""
    return (
        select(*_COLUMNS)
        .join(LeadRecord, LeadRecord.id == FollowUpRecord.lead_id)
        .outerjoin(RepRecord, RepRecord.id == LeadRecord.owner_id)
        .where(*where)
    )


class LeadName(NamedTuple):
    """What core.contact.display_name reads of a lead, from a row's columns."""

    id: int
    first_name: str
    last_name: str
    company: str
    email: str
    phone: str


def to_row(r: Any) -> FollowUpRow:
    fid, lead_id, due, kind, note, status, first, last, company, phone, email, owner, version = r
    name = display_name(LeadName(lead_id, first, last, company, email, phone))
    return FollowUpRow(
        fid, lead_id, due, kind, note, status, name, company, phone, email, owner, version
    )


def owned_by(leads: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    """Steps of the leads of `leads` (a condition on LeadRecord, services/team/owner_scope;
    None: every lead's). A correlated EXISTS: each step of the due-time range looks its lead up by
    primary key, so no scope (not even "nobody's leads", most of an imported workspace) reads the
    whole leads table."""
    if leads is None:
        return []
    # Its own leads (correlated to the step only): Today's rows also join the step's lead.
    lead = exists().where(LeadRecord.id == FollowUpRecord.lead_id, leads)
    return [lead.correlate_except(LeadRecord)]


def pending_due(
    start: datetime | None = None,
    end: datetime | None = None,
    leads: ColumnElement[bool] | None = None,
) -> list[ColumnElement[bool]]:
    """Pending steps due in [start, end) (either open), of the leads of `leads` (None: all)."""
    where = [PENDING_STEP]
    if start is not None:
        where.append(FollowUpRecord.due_at >= start)
    if end is not None:
        where.append(FollowUpRecord.due_at < end)
    return where + owned_by(leads)


def count(session: Session, where: Sequence[ColumnElement[bool]]) -> int:
    stmt = select(func.count()).select_from(FollowUpRecord).where(*where)
    return int(session.scalar(stmt) or 0)


def stream(
    sessions: sessionmaker[Session],
    where: Sequence[ColumnElement[bool]],
    *,
    offset: int = 0,
    limit: int | None = None,
) -> Iterator[FollowUpRow]:
    """The steps of `where` by due time then id, read a page at a time (flat memory)."""
    with sessions() as session:
        rows = keyset_rows(
            session,
            step_rows(*where),
            ORDER,
            key=lambda r: (r[2], r[0]),
            offset=offset,
            limit=limit,
        )
        for r in rows:
            yield to_row(r)


def stream_json(
    sessions: sessionmaker[Session],
    where: Sequence[ColumnElement[bool]],
    *,
    offset: int = 0,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """step_json of the steps of `where`, like stream() but reading the steps alone."""
    with sessions() as session:
        rows = keyset_rows(
            session,
            select(*JSON_COLUMNS).where(*where),
            ORDER,
            key=lambda r: (r[2], r[0]),
            offset=offset,
            limit=limit,
        )
        for r in rows:
            yield step_json(*r)


class StepWindow:
    """The steps of one query at one moment, by due time then id, counted from the index and
    fetched by window (what a lazy table model asks for): nothing grows with the list."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        where: list[ColumnElement[bool]],
        now: datetime,
        *,
        overdue: Literal["all", "none"] | None = None,
    ) -> None:
        """`overdue`: "all" when every step of `where` is due before `now`, "none" when none is
        (known from the range): then they are not counted again."""
        self._sessions = sessions
        self._where = where
        with sessions() as session:
            self.total = count(session, where)
            """Every step the query holds."""
            self.overdue = (
                self.total
                if overdue == "all"
                else 0
                if overdue == "none"
                else count(session, [*where, FollowUpRecord.due_at < now])
            )
            """Those due before `now` (they come first)."""

    def fetch(self, offset: int, limit: int) -> list[FollowUpRow]:
        """Rows offset .. offset+limit-1."""
        stmt = step_rows(*self._where).order_by(*ORDER).offset(offset).limit(limit)
        with self._sessions() as session:
            return [to_row(r) for r in session.execute(stmt)]

    def position(self, followup_id: int) -> int:
        """Where a step is in the list, or -1 (two index counts, no rows read)."""
        with self._sessions() as session:
            due = session.scalar(
                select(FollowUpRecord.due_at).where(FollowUpRecord.id == followup_id, *self._where)
            )
            if due is None:
                return -1
            before = or_(
                FollowUpRecord.due_at < due,
                and_(FollowUpRecord.due_at == due, FollowUpRecord.id < followup_id),
            )
            return count(session, [*self._where, before])


class ListWindow:
    """A short list already read, with the StepWindow interface (tests, small views)."""

    def __init__(self, rows: Sequence[FollowUpRow], now: datetime) -> None:
        self._rows = list(rows)
        self.total = len(self._rows)
        self.overdue = sum(1 for r in self._rows if r.due_at < now)

    def fetch(self, offset: int, limit: int) -> list[FollowUpRow]:
        return self._rows[offset : offset + limit]

    def position(self, followup_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == followup_id), -1)


# -- per local day and quarter hour ---------------------------------------------------------------
def local_offset(start: datetime, end: datetime, zone: tzinfo) -> ColumnElement[int]:
    """A step's UTC offset in `zone` (micros) as SQL, exact across the daylight-saving changes
    between `start` and `end`: a CASE over the instants the offset changes (found by bisection)."""
    changes: list[tuple[int, int]] = []  # (UTC micros from which, offset micros)
    probe = start.astimezone(UTC)
    offset = _offset(probe, zone)
    while probe < end:
        following = min(probe + timedelta(days=1), end.astimezone(UTC))
        if _offset(following, zone) != offset:
            low, high = probe, following  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset(middle, zone) == offset:
                    low = middle
                else:
                    high = middle
            offset = _offset(high, zone)
            changes.append((to_micros(high.replace(microsecond=0)), offset))
        probe = following
    first = _offset(start.astimezone(UTC), zone)
    if not changes:
        return big(first)
    whens = []
    before = first
    for at, after in changes:
        whens.append((big(at) > DUE_MICROS, big(before)))
        before = after
    return case(*whens, else_=big(before))


def big(value: int) -> ColumnElement[int]:
    """An integer literal as BIGINT (micros overflow PostgreSQL's INTEGER parameters)."""
    return literal(value, BigInteger)


def _offset(moment: datetime, zone: tzinfo) -> int:
    delta = moment.astimezone(zone).utcoffset() or timedelta(0)
    return delta // timedelta(microseconds=1)


def day_counts(
    session: Session,
    first: date,
    last: date,
    zone: tzinfo,
    now: datetime,
    leads: ColumnElement[bool] | None = None,
) -> dict[date, tuple[int, int]]:
    """(pending, overdue) per local day from `first` to `last` (both included), in one GROUP BY
    over the pending index: times are integers, so the local day is arithmetic."""
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(last + timedelta(days=1), time.min, zone)
    local = DUE_MICROS + local_offset(start, end, zone)
    day = (local // big(DAY_MICROS)).label("day")  # epoch days, local
    stmt = (
        select(day, func.count(), func.sum(case((FollowUpRecord.due_at < now, 1), else_=0)))
        .select_from(FollowUpRecord)
        .where(*pending_due(start, end, leads))
        .group_by(day)
    )
    epoch = date(1970, 1, 1)
    return {
        epoch + timedelta(days=int(n)): (int(total), int(overdue or 0))
        for n, total, overdue in session.execute(stmt)
    }


def week_rows(
    session: Session,
    monday: date,
    zone: tzinfo,
    per_slot: int,
    leads: ColumnElement[bool] | None = None,
) -> tuple[list[FollowUpRow], dict[tuple[date, int], int]]:
    """The week's steps for the week view: at most `per_slot` per quarter hour (by due time), and
    how many each quarter hour holds, so a day of a million steps draws a few hundred blocks and
    "+N" chips. Slots are numbered from local midnight."""
    start = datetime.combine(monday, time.min, zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, zone)
    local = DUE_MICROS + local_offset(start, end, zone)
    slot = (local // big(SLOT_MINUTES * 60_000_000)).label("slot")
    where = pending_due(start, end, leads)
    numbered = (
        select(
            FollowUpRecord.id.label("id"),
            slot,
            func.row_number().over(partition_by=slot, order_by=ORDER).label("n"),
            func.count().over(partition_by=slot).label("of"),
        )
        .where(*where)
        .subquery()
    )
    per_day = 24 * 60 // SLOT_MINUTES
    epoch = date(1970, 1, 1)
    counts: dict[tuple[date, int], int] = {}
    ids: list[int] = []
    for fid, n_slot, of in session.execute(
        select(numbered.c.id, numbered.c.slot, numbered.c.of).where(numbered.c.n <= per_slot)
    ):
        counts[(epoch + timedelta(days=int(n_slot) // per_day), int(n_slot) % per_day)] = int(of)
        ids.append(int(fid))
    rows = (
        [to_row(r) for r in session.execute(step_rows(FollowUpRecord.id.in_(ids)).order_by(*ORDER))]
        if ids
        else []
    )
    return rows, counts
