"""Import leads from CSV and vCard files: preview, dedupe and merge, one transaction, undo.

The run's transaction is services.imports.import_transaction, its matching import_people, what
it reads import_loading, the writes import_run, the undo import_undo, the values given back
import_values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy import select
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
    Refusal,
    Rejection,
)
from repdesk.services.imports.import_transaction import (
    ImportHook,
    ImportTransaction,
    Progress,
    plan_rows,
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
from repdesk.store.models import LeadRecord, RepRecord

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
        self._undo_hooks = tuple(undo_hooks)
        self._transaction = ImportTransaction(
            sessions, clock, self._workspace_zone, planner, hooks, arrivals
        )

    def _workspace_zone(self) -> tzinfo:
        return workspace_zone(str(self._settings.get("timezone")))

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
            self._transaction.run(readings, summary, origin, dry_run, progress, cancelled)
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
            zone = self._workspace_zone()
            with self._sessions() as session:
                reps = {n: i for i, n in session.execute(select(RepRecord.id, RepRecord.name))}
                arrivals, rejected = arrivals_of(
                    readings, zone, now, lambda n: reps.get(n.strip()) or NewRep(n.strip())
                )

                def check() -> None:
                    if cancelled():
                        raise ImportCancelled("Cancelled.")

                people, _ = plan_rows(session, arrivals, now, check)
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
            readings = [Reading(label, "inquiries", rows)]
            self._transaction.run(readings, summary, origin, False, None, None, also)
        return summary

    def importing_here(self) -> bool:
        """True while an import of this program (the Import dialog's, a watched folder's, a
        mailbox check's) or an Undo import is in its write transaction: the write lock is then
        ours, not another program's."""
        return self._transaction.writing

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
        self._transaction.count_writing(1)
        try:
            return self._undo(import_id, now, workspace_id)
        finally:
            self._transaction.count_writing(-1)

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
