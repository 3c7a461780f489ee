"""One import run's transaction: the database's people its rows may be are read before the write
transaction begins (and again under the lock when anyone committed meanwhile); the transaction
matches and writes the rows a chunk at a time (import_stream), then the new leads' first steps and
the run's hooks. plan_rows matches rows in memory, for an estimate."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, tzinfo
from typing import Any, cast

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from repdesk.services.followups.followup_planner import FollowUpPlanner
from repdesk.services.imports.import_loading import fingerprint, load_people
from repdesk.services.imports.import_people import Arrival, People, Person
from repdesk.services.imports.import_reading import (
    ImportCancelled,
    Reading,
    close_readings,
    count_keys,
    identities,
    key_counts,
)
from repdesk.services.imports.import_run import CHUNK, ArrivalHook, ImportSummary
from repdesk.services.imports.import_spool import Scratch
from repdesk.services.imports.import_stream import StreamedWrite, batched
from repdesk.store.bulk import bulk_page_cache
from repdesk.store.engine import Sessions
from repdesk.store.models import LeadRecord, RepRecord
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

    @property
    def first_due(self) -> Callable[[str, datetime], datetime | None]:
        return self._planner.first_due

    def arrived(
        self, session: Session, rows: list[tuple[int, Any]], import_id: int, now: datetime
    ) -> None:
        """The arrival hooks, with (lead id, row) of rows with extra fields."""
        for hook in self._arrivals:
            hook(session, rows, import_id, now)

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
        scratch: Scratch | None = None,
    ) -> None:
        """Pass 2 of an import whose rows `read_files` spooled (and, with `scratch`, counted):
        the people in the database its rows may be are read first; then, in the write
        transaction, the rows are matched and written a chunk at a time."""
        now = self._clock()
        zone = self._zone()
        is_cancelled = cancelled or (lambda: False)

        def check() -> None:
            if is_cancelled():
                raise ImportCancelled("Import cancelled; nothing was imported.")

        if scratch is None:
            scratch = Scratch()
            for reading in readings:
                for row in reading.rows:
                    count_keys(scratch, row)
        try:
            # Before the write transaction, the database's people the rows may be (on SQLite the
            # write lock is held only while the rows are matched and written). One connection
            # reads and writes, so SQLite can say whether anyone committed in between.
            with read_then_write(self._sessions) as plan_and_write:
                with plan_and_write.reading() as session:
                    reps = {n: i for i, n in session.execute(select(RepRecord.id, RepRecord.name))}
                    known = database_people(session, readings, now, check)
                    seen = fingerprint(known)
                    scratch.count(_counts_of(known), db=True)
                if progress is not None:
                    progress(0.75)
                session = plan_and_write.writing()  # BEGIN IMMEDIATE; refused on a read-only file
                self.count_writing(1)
                try:
                    transaction = session.begin()
                    started = time.perf_counter()
                    try:
                        with bulk_page_cache(session.connection()):
                            if session.get_bind().dialect.name == "postgresql":
                                session.execute(
                                    text("SELECT pg_advisory_xact_lock(:key)"),
                                    {"key": _PG_IMPORT_LOCK},
                                )
                            if not plan_and_write.unchanged():
                                # Someone committed since: the people as the database holds
                                # them now, under the lock.
                                again = database_people(session, readings, now, check)
                                if fingerprint(again) != seen:
                                    known = again
                                    scratch.forget_database()
                                    scratch.count(_counts_of(known), db=True)
                            pass2 = StreamedWrite(
                                self, session, readings, summary, origin, now, check
                            )
                            pass2.write(known, reps, zone, scratch, progress)
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
        finally:
            scratch.close()
            close_readings(readings)
        if dry_run:
            summary.import_id = None
            summary.added_ids = []

    def after_import(
        self, session: Session, touched: list[int], added: list[int], now: datetime
    ) -> None:
        # Each new lead's row already holds its first step's time (planner.first_due, written by
        # the run), so the planning has no UPDATE of the leads to make. New leads with ids of one
        # run (always on SQLite) get their steps by one INSERT … SELECT, nothing read back; the
        # leads merged into come first, as their steps did when all were planned together.
        new = sorted(added)
        if new and new[-1] - new[0] + 1 == len(new):
            low, high = new[0], new[-1]
            self._planner.plan_bulk(session, [i for i in touched if not low <= i <= high], now)
            self._planner.plan_new(session, low, high, now)
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
    people = load_people(session, [a.identity for a in arrivals], now)
    seen = fingerprint(people.everyone)
    for number, row in enumerate(arrivals, start=1):
        if number % CHUNK == 0:
            check()
        people.arrive(row)
    return people, seen


def database_people(
    session: Session, readings: list[Reading], now: datetime, check: Callable[[], None]
) -> list[Person]:
    """Everyone in the database a row of these files may be (read a chunk of rows at a time), in
    the order of their ids."""
    found: dict[int, Person] = {}
    for chunk in batched(identities(readings), CHUNK):
        check()
        people = load_people(session, chunk, now)
        if not people.everyone and not found and _no_leads(session):
            return []
        for person in people.everyone:
            found.setdefault(cast(int, person.lead_id), person)
    persons = [found[i] for i in sorted(found)]
    for order, person in enumerate(persons, start=-len(persons)):
        person.order = order
    return persons


def _no_leads(session: Session) -> bool:
    return session.execute(select(LeadRecord.id).limit(1)).first() is None


def _counts_of(persons: list[Person]) -> Iterator[tuple[int, int, str | None]]:
    for person in persons:
        yield from key_counts(person.identity)
