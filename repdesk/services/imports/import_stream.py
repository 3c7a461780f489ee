"""Pass 2 of an import, in its write transaction: the spooled rows matched and written a chunk at a
time, so memory stays flat however long the file is.

A row whose match keys no other record holds (pass 1 counted them) can be merged into by nobody:
its new lead is written with its chunk and forgotten, except, when its name and company are shared
by records that are never one person by name alone, as someone later rows are paired with (kept in
the scratch file). Every other row is matched in memory, as every row was before; the leads it
adds are written after the chunks. The possible duplicates are written last, by lead id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

from repdesk.core.dedupe import Identity
from repdesk.services.imports.import_people import People, Person, index_keys
from repdesk.services.imports.import_reading import Reading, iter_arrivals
from repdesk.services.imports.import_rows import NewRep
from repdesk.services.imports.import_run import CHUNK, ImportSummary, ImportWriter, Rejection
from repdesk.services.imports.import_spool import Scratch, key_hash
from repdesk.store.bulk import indexes_built_after
from repdesk.store.models import ImportRecord

_T = TypeVar("_T")


def batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    chunk: list[_T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _name_hash(identity: Identity) -> int | None:
    return key_hash(f"n:{identity.name_key}") if identity.name_key else None


def _remember(identity: Identity, repeated: dict[int, bool]) -> bool:
    """Whether a later row may be merged into this row's person: another record holds one of its
    keys (for its name key: unless those records are never one person by name alone)."""
    for key in index_keys(identity):
        h = key_hash(key)
        if h in repeated and (repeated[h] or not key.startswith("n:")):
            return True
    return False


class _Written:
    """New leads already written that the rows of the chunk at hand may be paired with."""

    def __init__(self, scratch: Scratch, repeated: dict[int, bool]) -> None:
        self._scratch = scratch
        self._repeated = repeated
        self._near: dict[int, list[Person]] = {}

    def prepare(self, identities: Iterable[Identity]) -> None:
        near: dict[int, list[Person]] = defaultdict(list)
        wanted = {h for i in identities if (h := _name_hash(i)) in self._repeated}
        for h, order, lead_id, identity in self._scratch.light(wanted):
            near[h].append(Person({}, identity, order, lead_id=lead_id, streamed=True))
        self._near = near

    def find(self, identity: Identity) -> list[Person]:
        h = _name_hash(identity)
        return self._near.get(h, []) if h is not None else []

    def meet(self, person: Person) -> None:
        """A new lead of this chunk the chunk's later rows may pair with."""
        h = _name_hash(person.identity)
        if h is not None and h in self._repeated:
            self._near.setdefault(h, []).append(person)

    def keep(self, persons: list[Person]) -> None:
        self._scratch.keep_light(
            (h, p.order, cast(int, p.lead_id), p.identity)
            for p in persons
            if (h := _name_hash(p.identity)) is not None and h in self._repeated
        )


class StreamedWrite:
    """One import's pass 2 (see the module's docstring)."""

    def __init__(
        self,
        run: Any,  # the ImportTransaction (first_due, arrived, after_import)
        session: Session,
        readings: list[Reading],
        summary: ImportSummary,
        origin: str,
        now: datetime,
        check: Callable[[], None],
    ) -> None:
        self._run = run
        self._session = session
        self._readings = readings
        self._summary = summary
        self._origin = origin
        self._now = now
        self._check = check

    def write(
        self,
        known: list[Person],
        reps: dict[str, int],
        zone: tzinfo,
        scratch: Scratch,
        progress: Callable[[float], None] | None,
    ) -> None:
        session, summary, now, check = self._session, self._summary, self._now, self._check
        record = self._record()
        repeated = scratch.repeated()
        written = _Written(scratch, repeated)

        def pair_found(pair: Any) -> None:
            scratch.pair(pair.first.order, pair.second.order, pair.reason)

        people = People(now, elsewhere=written.find, pair_sink=pair_found)
        for person in known:
            people.add(person)
        writer = ImportWriter(session, record.id, now, self._run.first_due, check)

        def ready(person: Person) -> None:
            owner = person.values.get("owner_id")
            if isinstance(owner, NewRep):
                person.values["owner_id"] = writer.rep_id(owner.name)
            if isinstance(person.before.get("owner_id"), NewRep):
                person.before["owner_id"] = None
            if person.new:
                person.values["import_id"] = record.id

        def owner(name: str) -> int | NewRep:
            return reps.get(name.strip()) or NewRep(name.strip())

        rejected: list[tuple[str, int, str]] = []
        total = sum(r.size for r in self._readings)
        done = 0
        arrivals = iter_arrivals(self._readings, zone, now, owner, rejected)
        with indexes_built_after(session.connection(), "leads", total):
            for chunk in batched(arrivals, CHUNK):
                check()
                written.prepare(a.identity for a in chunk)
                fresh: list[Person] = []
                mark = len(people.arrived)
                for row in chunk:
                    person, merged = people.arrive(row, _remember(row.identity, repeated))
                    if person.streamed and not merged:
                        fresh.append(person)
                        written.meet(person)
                for person in fresh:
                    ready(person)
                writer.insert(fresh, summary)
                scratch.ids((p.order, cast(int, p.lead_id)) for p in fresh)
                written.keep(fresh)
                arrived = people.arrived[mark:]
                people.arrived[mark:] = [(p, r) for p, r in arrived if not p.streamed]
                self._arrive([(cast(int, p.lead_id), r) for p, r in arrived if p.streamed], record)
                done += len(chunk)
                if progress is not None:
                    progress(0.75 + 0.2 * done / max(total, 1))
            for person in people.everyone:
                ready(person)
            writer.write(people, summary, check)
        summary.rejected = [Rejection(*r) for r in rejected]
        scratch.ids((p.order, cast(int, p.lead_id)) for p in people.everyone)
        for batch in scratch.pairs(CHUNK):
            check()
            writer.pairs(batch)
        summary.possible_duplicates = people.pair_count
        summary.merged = people.merged_rows
        held = [(cast(int, p.lead_id), row) for p, row in people.arrived]
        for start in range(0, len(held), CHUNK):
            self._arrive(held[start : start + CHUNK], record)
        record.added, record.merged = summary.added, summary.merged
        record.created_reps = writer.created_reps
        if not summary.changed:
            session.delete(record)  # nothing happened: no import to offer for undo
            session.flush()
            summary.import_id = None
            return
        session.flush()
        summary.import_id = record.id
        self._run.after_import(session, writer.touched, summary.added_ids, now)

    def _record(self) -> ImportRecord:
        kinds = sorted({r.kind for r in self._readings})
        record = ImportRecord(
            started_at=self._now,
            files=[r.name for r in self._readings],
            origin=self._origin,
            kind=kinds[0] if len(kinds) == 1 else "mixed",
            refused=[{"file": r.file, "reason": r.reason} for r in self._summary.refused],
        )
        self._session.add(record)
        self._session.flush()
        return record

    def _arrive(self, rows: list[tuple[int, Any]], record: ImportRecord) -> None:
        if rows:
            self._run.arrived(self._session, rows, record.id, self._now)
