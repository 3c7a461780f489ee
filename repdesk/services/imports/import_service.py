"""Import leads from CSV and vCard files: preview, dedupe and merge, one transaction, undo.

Files are read and their rows matched before the write transaction begins; the transaction writes
the plan, after looking the people up again when anyone committed meanwhile (SQLite holds its
write lock only for that). The matching is services.imports.import_people, what it reads
import_loading, the writes import_run, the undo import_undo, the values given back
import_values.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from repdesk.formats.lead_file import (
    LeadFile,
    LeadFileError,
    ParsedLead,
    UnmappedColumnsError,
    open_lead_file,
)
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.common.zones import workspace_zone
from repdesk.services.followups.followup_planner import FollowUpPlanner
from repdesk.services.imports.import_loading import fingerprint, load_people
from repdesk.services.imports.import_people import Arrival, People
from repdesk.services.imports.import_reading import (
    KINDS,
    ImportCancelled,
    Reading,
    arrivals_of,
    files_of,
    read_files,
)
from repdesk.services.imports.import_rows import NewRep, paused_gc
from repdesk.services.imports.import_run import (
    CHUNK,
    ArrivalHook,
    ImportSummary,
    ImportWriter,
    Refusal,
    Rejection,
)
from repdesk.services.imports.import_undo import undo_run
from repdesk.services.imports.import_values import (
    MAPPABLE_FIELDS,
    Estimate,
    ImportInfo,
    NeedsMapping,
    Preview,
    UndoImport,
    undoable_record,
)
from repdesk.services.settings.settings_service import SettingsService
from repdesk.store.bulk import bulk_page_cache
from repdesk.store.engine import Sessions
from repdesk.store.models import ImportRecord, LeadRecord, RepRecord
from repdesk.store.read_then_write import read_then_write

#: Concurrent imports of one PostgreSQL database take turns (their lookups inside the turn), so
#: two imports of the same people never both add them.
_PG_IMPORT_LOCK = 7_283_461


Progress = Callable[[float], None]
#: Called in the import's transaction with the ids of the leads it added or merged.
ImportHook = Callable[[Session, list[int], datetime], object]
#: Called in an undo's transaction with the import's id, before its leads are removed.
UndoHook = Callable[[Session, int], object]


class ImportService:
    def __init__(
        self,
        sessions: Sessions,
        clock: Callable[[], datetime],
        settings: SettingsService,
        planner: FollowUpPlanner,
        *,
        hooks: Sequence[ImportHook] = (),
        arrivals: Sequence[ArrivalHook] = (),
        undo_hooks: Sequence[UndoHook] = (),
    ) -> None:
        """`planner` gives every lead an import adds or merges its next step, in the import's
        transaction; `hooks` run after it there (the journey stage). `arrivals` get each chunk's
        rows with extra fields and their leads (form answers); `undo_hooks` the id of an import
        being undone, before its leads are removed."""
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._planner = planner
        self._hooks = tuple(hooks)
        self._arrivals = tuple(arrivals)
        self._undo_hooks = tuple(undo_hooks)
        self._writing = 0
        """How many of this program's imports (or undos of one) are in their write transaction."""
        self._writing_guard = threading.Lock()

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

    def _region(self) -> str:
        return str(self._settings.get("default_region"))

    def open(self, path: Path, mapping: dict[str, str] | None = None) -> LeadFile:
        try:
            return open_lead_file(path, mapping=mapping, default_region=self._region())
        except UnmappedColumnsError as exc:
            raise NeedsMapping(str(exc), exc.headers) from exc
        except LeadFileError as exc:
            raise UserError(str(exc)) from exc
        except OSError as exc:
            raise UserError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc

    def preview(
        self, path: Path, mapping: dict[str, str] | None = None, limit: int = 20
    ) -> Preview:
        lead_file = self.open(path, mapping)
        rows = []
        try:
            for row in lead_file.rows():
                rows.append(row)
                if len(rows) >= limit:
                    break
        except LeadFileError as exc:
            raise UserError(str(exc)) from exc
        return Preview(lead_file, rows)

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        mapping: dict[str, str] | None = None,
        as_kind: str | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        origin: str = "user",
    ) -> ImportSummary:
        """Import every readable file in one run (one transaction, one undo); a file that is not
        leads is refused with its reason, and the run fails only when no file can be imported."""
        if as_kind is not None and as_kind not in KINDS:
            raise UserError(f"--as must be inquiries or contacts, not {as_kind!r}.")
        files: list[tuple[Path, LeadFile | UserError]] = []
        for path in files_of(paths):
            try:
                files.append((path, self.open(path, mapping)))
            except UserError as exc:
                files.append((path, exc))
        reading_share = 0.7

        def reading_progress(share: float) -> None:
            if progress is not None:
                progress(share * reading_share)

        with paused_gc():
            readings, refused = read_files(files, as_kind, reading_progress, cancelled)
            if not readings:
                reasons = [reason for _, reason in refused]
                if len(reasons) == 1:
                    raise UserError(reasons[0])
                raise UserError(
                    "None of the files could be imported: "
                    + " ".join(r if r.endswith(".") else r + "." for r in reasons)
                )
            summary = ImportSummary(dry_run=dry_run)
            summary.refused = [Refusal(name, reason) for name, reason in refused]
            summary.files = [r.name for r in readings]
            summary.kinds = {r.name: r.kind for r in readings}
            self._run(readings, summary, origin, dry_run, progress, cancelled)
        if progress is not None:
            progress(1.0)
        return summary

    def estimate(
        self,
        paths: Sequence[Path],
        *,
        mapping: dict[str, str] | None = None,
        as_kind: str | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Estimate:
        """What importing these files would do, read and matched but nothing written (the Import
        dialog's preview: rows, new leads, merges, possible duplicates, skipped rows)."""
        files: list[tuple[Path, LeadFile | UserError]] = []
        for path in files_of(paths):
            try:
                files.append((path, self.open(path, mapping)))
            except UserError as exc:
                files.append((path, exc))
        with paused_gc():
            readings, refused = read_files(files, as_kind, None, cancelled)
            now = self._clock()
            zone = workspace_zone(str(self._settings.get("timezone")))
            with self._sessions() as session:
                reps = {n: i for i, n in session.execute(select(RepRecord.id, RepRecord.name))}
                arrivals, rejected = arrivals_of(
                    readings, zone, now, lambda n: reps.get(n.strip()) or NewRep(n.strip())
                )

                def check() -> None:
                    if cancelled():
                        raise ImportCancelled("Cancelled.")

                people, _ = self._plan(session, arrivals, now, check)
        added = sum(1 for p in people.everyone if p.new)
        return Estimate(
            rows=len(arrivals) + len(rejected),
            new=added,
            merges=len(arrivals) - added,
            possible_duplicates=len(people.pairs),
            skipped=len(rejected),
            refused=[Refusal(name, reason) for name, reason in refused],
            kinds={r.name: r.kind for r in readings},
        )

    def import_parsed(
        self,
        rows: list[ParsedLead],
        label: str,
        also: Callable[[Session], None] | None = None,
        *,
        origin: str = "mailbox",
    ) -> ImportSummary:
        """Import rows from elsewhere (a mailbox) with the same dedupe; `also` writes in the same
        transaction. A batch that changes nothing leaves no import record."""
        summary = ImportSummary(files=[label], kinds={label: "inquiries"})
        with paused_gc():
            self._run([Reading(label, "inquiries", rows)], summary, origin, False, None, None, also)
        return summary

    # -- one run -----------------------------------------------------------------------------------
    def _run(
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
        zone = workspace_zone(str(self._settings.get("timezone")))
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
                planned = self._plan(session, arrivals, now, check)
            if progress is not None:
                progress(0.8)
            session = plan_and_write.writing()  # BEGIN IMMEDIATE; refused on a read-only file
            self._count_writing(1)
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
                self._count_writing(-1)
                session.close()
        if dry_run:
            summary.import_id = None
            summary.added_ids = []

    def _plan(
        self,
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
            people, _ = self._plan(session, made(), now, check)
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

    def _count_writing(self, step: int) -> None:
        with self._writing_guard:
            self._writing += step

    def importing_here(self) -> bool:
        """True while an import of this program (the Import dialog's, a watched folder's, a
        mailbox check's) or an Undo import is in its write transaction: the write lock is then
        ours, not another program's."""
        return self._writing > 0

    def write_lock_held(self, wait_ms: int = 0) -> bool:
        """True while an import (this program's, a watched folder's, or another program's) holds
        the workspace's write lock: a write begun now would wait until the import commits (asked
        waiting at most `wait_ms`)."""
        return self._sessions.write_lock_held(wait_ms)

    # -- undo --------------------------------------------------------------------------------------
    def last_import(self) -> ImportInfo | None:
        """The last import the user started (not a mailbox check or a watched folder's)."""
        return self.undoable()

    def undoable(self, import_id: int | None = None) -> ImportInfo | None:
        """The import `undo_import(import_id)` would take back (the user's newest by default)."""
        with self._sessions() as session:
            record = undoable_record(session, import_id)
            if record is None:
                return None
            return ImportInfo(
                record.id,
                record.started_at,
                tuple(record.files or ()),
                record.added,
                record.merged,
            )

    def undo_import(self, import_id: int | None = None) -> Changes:
        return self.undo(import_id).changes

    def undo(self, import_id: int | None = None) -> UndoImport:
        """Remove what an import added and put back what it merged, field by field, keeping what the
        user changed since (the user's newest import by default)."""
        now = self._clock()
        workspace_id = str(self._settings.get("workspace_id"))
        self._count_writing(1)
        try:
            return self._undo(import_id, now, workspace_id)
        finally:
            self._count_writing(-1)

    def _undo(self, import_id: int | None, now: datetime, workspace_id: str) -> UndoImport:
        with self._sessions.begin() as session:
            record = undoable_record(session, import_id)
            if record is None:
                raise UserError(
                    "There is no import to undo."
                    if not import_id
                    else f"There is no import {import_id} to undo (it does not exist or is undone)."
                )
            with bulk_page_cache(session.connection()):
                for hook in self._undo_hooks:
                    hook(session, record.id)
                result = undo_run(session, record, now, workspace_id)
                session.flush()
                for lead_id in result.merged_ids:  # back to its own status: its own next step
                    lead = session.get(LeadRecord, lead_id)
                    if lead is not None:
                        self._planner.sync(session, lead, now)
        return UndoImport(result, Changes(leads=True, activities=True, follow_ups=True, reps=True))


__all__ = [
    "CHUNK",
    "Estimate",
    "ImportCancelled",
    "ImportInfo",
    "MAPPABLE_FIELDS",
    "ImportService",
    "ImportSummary",
    "NeedsMapping",
    "Preview",
    "Rejection",
    "UndoImport",
]
