"""One import run's transaction: the rows are matched before the write transaction begins, and
the transaction writes the plan, after looking the people up again when anyone committed meanwhile
(SQLite holds its write lock only for that); then the new leads' first steps and the run's hooks,
in the same transaction."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any, cast

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from repdesk.services.followups.followup_planner import FollowUpPlanner
from repdesk.services.imports.import_loading import fingerprint, load_people
from repdesk.services.imports.import_people import Arrival, People
from repdesk.services.imports.import_reading import ImportCancelled, Reading, arrivals_of
from repdesk.services.imports.import_rows import NewRep
from repdesk.services.imports.import_run import (
    CHUNK,
    ArrivalHook,
    ImportSummary,
    ImportWriter,
    Rejection,
)
from repdesk.store.bulk import bulk_page_cache
from repdesk.store.engine import Sessions
from repdesk.store.models import ImportRecord, RepRecord
from repdesk.store.read_then_write import read_then_write

#: Concurrent imports of one PostgreSQL database take turns (their lookups inside the turn), so
#: two imports of the same people never both add them.
_PG_IMPORT_LOCK = 7_283_461

Progress = Callable[[float], None]
#: Called in the import's transaction with the ids of the leads it added or merged.
ImportHook = Callable[[Session, list[int], datetime], object]


class ImportTransaction:
    """Runs one import's rows in one transaction, and knows whether one of this program's imports
    (or undos of one) is writing."""

    def __init__(
        self,
        sessions: Sessions,
        clock: Callable[[], datetime],
        zone: Callable[[], tzinfo],
        planner: FollowUpPlanner,
        hooks: Sequence[ImportHook],
        arrivals: Sequence[ArrivalHook],
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._zone = zone
        self._planner = planner
        self._hooks = tuple(hooks)
        self._arrivals = tuple(arrivals)
        self._writing = 0
        """How many of this program's imports (or undos of one) are in their write transaction."""
        self._writing_guard = threading.Lock()

    @property
    def writing(self) -> bool:
        return self._writing > 0

    def count_writing(self, step: int) -> None:
        with self._writing_guard:
            self._writing += step

    def run(
        self,
        readings: list[Reading],
        summary: ImportSummary,
        origin: str,
        dry_run: bool,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
        also: Callable[[Session], None] | None = None,
    ) -> None:
        now = self._clock()
        zone = self._zone()
        is_cancelled = cancelled or (lambda: False)

        def check() -> None:
            if is_cancelled():
                raise ImportCancelled("Import cancelled; nothing was imported.")

        # Before the write transaction: the rows become arrivals and are matched against a read of
        # the database (on SQLite the write lock is held only while the plan is checked and
        # written). One connection reads and writes, so SQLite can say whether anyone committed
        # in between.
        with read_then_write(self._sessions) as plan_and_write:
            with plan_and_write.reading() as session:
                reps = {n: i for i, n in session.execute(select(RepRecord.id, RepRecord.name))}

                def owner(name: str) -> int | NewRep:
                    return reps.get(name.strip()) or NewRep(name.strip())

                def made() -> list[Arrival]:
                    """The rows as arrivals again, for a plan made again (a plan's new people
                    take their rows' values as their own and change them)."""
                    return arrivals_of(readings, zone, now, owner)[0]

                arrivals, rejected = arrivals_of(readings, zone, now, owner)
                summary.rejected = [Rejection(*r) for r in rejected]
                planned = plan_rows(session, arrivals, now, check)
            if progress is not None:
                progress(0.8)
            session = plan_and_write.writing()  # BEGIN IMMEDIATE; refused on a read-only file
            self.count_writing(1)
            try:
                transaction = session.begin()
                started = time.perf_counter()
                try:
                    with bulk_page_cache(session.connection()):
                        held = plan_and_write.unchanged()
                        self._write(
                            session, readings, (arrivals, made), planned, held, summary, origin,
                            now, check,
                        )  # fmt: skip
                        if also is not None:
                            also(session)
                except BaseException:
                    transaction.rollback()
                    raise
                if dry_run:
                    transaction.rollback()
                else:
                    transaction.commit()
                summary.lock_seconds = time.perf_counter() - started
            finally:
                self.count_writing(-1)
                session.close()
        if dry_run:
            summary.import_id = None
            summary.added_ids = []

    def _write(
        self,
        session: Session,
        readings: list[Reading],
        rows: tuple[list[Arrival], Callable[[], list[Arrival]]],
        planned: tuple[People, list[Any]],
        held: bool,
        summary: ImportSummary,
        origin: str,
        now: datetime,
        check: Callable[[], None],
    ) -> None:
        """Write the plan; `held`: nobody committed since it was read (SQLite says so), else the
        people are read again under the lock and, when they changed, the rows matched again
        (`rows`: the arrivals the plan matched, and how to make them again for another)."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_IMPORT_LOCK})
        kinds = sorted({r.kind for r in readings})
        record = ImportRecord(
            started_at=now,
            files=[r.name for r in readings],
            origin=origin,
            kind=kinds[0] if len(kinds) == 1 else "mixed",
            refused=[{"file": r.file, "reason": r.reason} for r in summary.refused],
        )
        session.add(record)
        session.flush()
        people, seen = planned
        # Under the lock: the people of the plan as the database holds them now. When anything
        # changed since the plan was made (another import, an edit), the rows are matched again.
        arrivals, made = rows
        if not held and fingerprint(load_people(session, arrivals, now)) != seen:
            people, _ = plan_rows(session, made(), now, check)
        writer = ImportWriter(session, record.id, now, self._planner.first_due, check)
        for person in people.everyone:
            owner = person.values.get("owner_id")
            if isinstance(owner, NewRep):
                person.values["owner_id"] = writer.rep_id(owner.name)
            if isinstance(person.before.get("owner_id"), NewRep):
                person.before["owner_id"] = None
            if person.new:
                person.values["import_id"] = record.id
        writer.write(people, summary, check)
        summary.merged = people.merged_rows
        arrived = [(cast(int, p.lead_id), row) for p, row in people.arrived]
        for start in range(0, len(arrived), CHUNK):
            for hook in self._arrivals:
                hook(session, arrived[start : start + CHUNK], record.id, now)
        record.added, record.merged = summary.added, summary.merged
        record.created_reps = writer.created_reps
        if not summary.changed:
            session.delete(record)  # nothing happened: no import to offer for undo
            session.flush()
            summary.import_id = None
            return
        session.flush()
        summary.import_id = record.id
        self._after_import(session, writer.touched, summary.added_ids, now)

    def _after_import(
        self, session: Session, touched: list[int], added: list[int], now: datetime
    ) -> None:
        # Each new lead's row already holds its first step's time (planner.first_due, written by
        # the run), so the planning has no UPDATE of the leads to make. New leads with ids of one
        # run (always on SQLite) get their steps by one INSERT … SELECT, nothing read back; the
        # leads merged into come first, as their steps did when all were planned together.
        new = sorted(added)
        if new and new[-1] - new[0] + 1 == len(new):
            fresh = set(new)
            self._planner.plan_bulk(session, [i for i in touched if i not in fresh], now)
            self._planner.plan_new(session, new[0], new[-1], now)
        else:
            self._planner.plan_bulk(session, touched, now)
        for hook in self._hooks:
            hook(session, touched, now)


def plan_rows(
    session: Session,
    arrivals: list[Arrival],
    now: datetime,
    check: Callable[[], None],
) -> tuple[People, list[Any]]:
    people = load_people(session, arrivals, now)
    seen = fingerprint(people)
    for number, row in enumerate(arrivals, start=1):
        if number % CHUNK == 0:
            check()
        people.arrive(row)
    return people, seen
