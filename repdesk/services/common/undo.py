"""Undo of quick actions: capture a lead's rows inside the action's transaction, and put them back
exactly — only while nothing else has changed them since (newest first, never underneath a later
edit)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, String, Table, column, delete, insert, select, table, text, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.common.undo_step import Rows, UndoStep
from repdesk.store.models import Base
from repdesk.store.status_counts import has_status_counts

_COUNTS = table("lead_status_counts", column("status", String), column("leads", Integer))
#: The tables that hold a lead's state, parents first (children are deleted first, added last).
LEAD_TABLES = ("leads", "activities", "follow_ups", "qualifications")


def capture(session: Session, lead_ids: Sequence[int]) -> Rows:
    """Every row of these leads in LEAD_TABLES, as plain values (flushes pending ORM changes)."""
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        return _capture_in_one(session, [int(i) for i in lead_ids])
    return _capture_by_table(session, lead_ids)


def _capture_by_table(session: Session, lead_ids: Sequence[int]) -> Rows:
    """capture: one SELECT per table."""
    rows: Rows = {}
    for name in LEAD_TABLES:
        table = _table(name)
        key = table.c.id if name == "leads" else table.c.lead_id
        result = session.execute(select(table).where(key.in_(list(lead_ids))))
        rows[name] = {int(r["id"]): dict(r) for r in result.mappings()}
    return rows


def _capture_in_one(session: Session, lead_ids: list[int]) -> Rows:
    """capture in one round trip to a server: each table's rows as JSON, in one UNION ALL, turned
    into the values a SELECT of the table gives (each column's own result processing; the same
    rows as _capture_by_table, tests/services/test_undo_capture)."""
    rows: Rows = {name: {} for name in LEAD_TABLES}
    if not lead_ids:
        return rows
    dialect = session.get_bind().dialect
    columns = {
        name: [
            (c.name, c.type.dialect_impl(dialect).result_processor(dialect, None))
            for c in _table(name).c
        ]
        for name in LEAD_TABLES
    }
    sql = " UNION ALL ".join(
        f"SELECT '{name}' AS t, row_to_json(x) AS r FROM {name} x "
        f"WHERE x.{'id' if name == 'leads' else 'lead_id'} = ANY(:ids)"
        for name in LEAD_TABLES
    )
    for name, raw in session.execute(text(sql), {"ids": lead_ids}):
        values = {
            key: process(raw[key]) if process is not None else raw[key]
            for key, process in columns[name]
        }
        rows[name][int(raw["id"])] = values
    return rows


class UndoRecorder:
    """Opened at the start of an action's transaction; `step()` at its end says what it did."""

    def __init__(self, session: Session, lead_ids: Sequence[int]) -> None:
        self._session = session
        self.lead_ids = tuple(lead_ids)
        self.before = capture(session, self.lead_ids)
        self.counted = (
            frozenset(session.execute(text("SELECT status FROM lead_status_counts")).scalars())
            if has_status_counts(session)
            else frozenset()
        )

    @classmethod
    def for_new_lead(cls, session: Session) -> UndoRecorder:
        """For an action that creates the lead: before it, the lead had no rows at all."""
        recorder = cls(session, [])
        recorder.before = {name: {} for name in LEAD_TABLES}
        return recorder

    def step(self, label: str, lead_ids: Sequence[int] | None = None) -> UndoStep:
        ids = self.lead_ids if lead_ids is None else tuple(lead_ids)
        after = capture(self._session, ids)
        return UndoStep(label, ids, self.before, after, self.counted)


class UndoService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def undo(self, step: UndoStep) -> Changes:
        """Put the leads' rows back as they were before `step`, in one transaction; refused with
        one sentence when something changed them after it."""
        with self._sessions.begin() as session:
            now = capture(session, step.lead_ids)
            if now != step.after:
                raise UserError(
                    f"“{step.label}” cannot be undone: the lead has changed since (undo the later "
                    "change first, or edit the lead)."
                )
            _restore(session, now, step.before)
            if has_status_counts(session):
                # The triggers kept the counts; a status row the action made (now 0) goes too.
                session.execute(
                    delete(_COUNTS).where(
                        _COUNTS.c.leads == 0, _COUNTS.c.status.not_in(sorted(step.counted_statuses))
                    )
                )
        return Changes(leads=True, activities=True, follow_ups=True)


def _restore(session: Session, now: Rows, before: Rows) -> None:
    for name in reversed(LEAD_TABLES):  # rows the action added go first, children before parents
        gone = set(now.get(name, {})) - set(before.get(name, {}))
        if gone:
            table = _table(name)
            session.execute(delete(table).where(table.c.id.in_(sorted(gone))))
    for name in LEAD_TABLES:  # then parents before children: changed rows back, removed rows again
        table = _table(name)
        old, current = before.get(name, {}), now.get(name, {})
        for row_id in sorted(set(old) & set(current)):
            if old[row_id] != current[row_id]:
                values = {k: v for k, v in old[row_id].items() if k != "id"}
                session.execute(update(table).where(table.c.id == row_id).values(**values))
        missing = [old[i] for i in sorted(set(old) - set(current))]
        if missing:
            session.execute(insert(table), missing)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]
