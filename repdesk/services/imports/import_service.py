"""Import leads from CSV and vCard files: preview, dedupe and merge, one transaction, undo.

The work of one run (dedupe, merge, bulk writes) is services.imports.import_run.ImportRun.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from repdesk.formats.header_map import CANONICAL_FIELDS, HUMAN_NAMES, NAME, RECEIVED_AT
from repdesk.formats.lead_file import (
    LeadFile,
    LeadFileError,
    ParsedLead,
    UnmappedColumnsError,
    open_lead_file,
)
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import Cancelled, UserError
from repdesk.services.common.zones import workspace_zone
from repdesk.services.followups.followup_planner import FollowUpPlanner
from repdesk.services.imports.import_rows import (
    paused_gc,
)
from repdesk.services.imports.import_run import (
    ArrivalHook,
    ImportRun,
    ImportSummary,
    Rejection,
    restorable,
)
from repdesk.services.settings.settings_service import SettingsService
from repdesk.store.bulk import bulk_page_cache
from repdesk.store.engine import Sessions
from repdesk.store.models import (
    ActivityRecord,
    ImportMergeRecord,
    ImportRecord,
    LeadRecord,
)

CHUNK = 2000


class NeedsMapping(UserError):
    """The file is a table but no column was recognised; `headers` lets the user map them."""

    def __init__(self, message: str, headers: tuple[str, ...]) -> None:
        super().__init__(message)
        self.headers = headers


class ImportCancelled(Cancelled):
    """The user cancelled; nothing was written."""


#: What a column can be mapped to, in the order the Import dialog offers them (or "extra").
MAPPABLE_FIELDS: tuple[str, ...] = (NAME, RECEIVED_AT, *CANONICAL_FIELDS)


@dataclass(frozen=True)
class Preview:
    file: LeadFile
    rows: list[ParsedLead]

    @property
    def source_name(self) -> str:
        """The kind of export the file is, as people call it ("HubSpot", "Google Contacts")."""
        return HUMAN_NAMES.get(self.file.detected, self.file.detected)


@dataclass(frozen=True)
class ImportInfo:
    """One import as File → Undo last import describes it."""

    id: int
    started_at: datetime
    files: tuple[str, ...]
    added: int
    merged: int


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

    def _after_import(self, session: Session, touched: list[int], now: datetime) -> None:
        # Each new lead's row already holds its first step's time (planner.first_due, written by
        # the run), so the planning has no UPDATE of the leads to make.
        self._planner.plan_bulk(session, touched, now)
        for hook in self._hooks:
            hook(session, touched, now)

    def open(self, path: Path, mapping: dict[str, str] | None = None) -> LeadFile:
        try:
            return open_lead_file(
                path, mapping=mapping, default_region=str(self._settings.get("default_region"))
            )
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
        for row in lead_file.rows():
            rows.append(row)
            if len(rows) >= limit:
                break
        return Preview(lead_file, rows)

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        mapping: dict[str, str] | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> ImportSummary:
        """Import every file in one transaction; any file that is not leads at all aborts it all."""
        files = [self.open(Path(p), mapping) for p in paths]  # every file readable before a write
        now = self._clock()
        zone = workspace_zone(str(self._settings.get("timezone")))
        summary = ImportSummary(dry_run=dry_run)
        total_bytes = sum(f.total_bytes for f in files) or 1
        done_bytes = 0
        session = self._sessions.writing()  # BEGIN IMMEDIATE; refused on a read-only file
        try:
            with paused_gc(), session.begin():
                with bulk_page_cache(session.connection()):
                    record = ImportRecord(started_at=now, files=[str(f.path) for f in files])
                    session.add(record)
                    session.flush()
                    summary.import_id = record.id
                    run = ImportRun(
                        session, record.id, now, zone, self._planner.first_due, self._arrivals
                    )
                    for lead_file in files:
                        for chunk in _chunks(lead_file.rows(), CHUNK):
                            if cancelled():
                                raise ImportCancelled("Import cancelled; nothing was imported.")
                            run.add_chunk(lead_file.path.name, chunk, summary)
                            if progress:
                                progress(
                                    (done_bytes + lead_file.progress() * lead_file.total_bytes)
                                    / total_bytes
                                )
                        done_bytes += lead_file.total_bytes
                    run.finish()
                    record.added, record.merged = summary.added, summary.merged
                    session.flush()
                    self._after_import(session, run.touched, now)
                if dry_run:
                    session.rollback()
        finally:
            session.close()
        if dry_run:
            summary.import_id = None
            summary.added_ids = []
        if progress:
            progress(1.0)
        return summary

    def import_parsed(
        self, rows: list[ParsedLead], label: str, also: Callable[[Session], None] | None = None
    ) -> ImportSummary:
        """Import rows from elsewhere (a mailbox) with the same dedupe; `also` writes in the same
        transaction."""
        now = self._clock()
        summary = ImportSummary()
        with paused_gc(), self._sessions.begin() as session:
            record = ImportRecord(started_at=now, files=[label])
            session.add(record)
            session.flush()
            run = ImportRun(
                session,
                record.id,
                now,
                workspace_zone(str(self._settings.get("timezone"))),
                self._planner.first_due,
                self._arrivals,
            )
            run.add_chunk(label, rows, summary)
            run.finish()
            record.added, record.merged, summary.import_id = (
                summary.added,
                summary.merged,
                record.id,
            )
            self._after_import(session, run.touched, now)
            if also is not None:
                also(session)
        return summary

    def last_import(self) -> ImportInfo | None:
        return self.undoable()

    def undoable(self, import_id: int | None = None) -> ImportInfo | None:
        """The import `undo_import(import_id)` would take back (the newest by default), if any."""
        query = select(ImportRecord).where(ImportRecord.undone_at.is_(None))
        if import_id is not None:
            query = query.where(ImportRecord.id == import_id)
        with self._sessions() as session:
            record = session.scalars(query.order_by(ImportRecord.id.desc()).limit(1)).first()
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
        """Remove what an import added and put back what it merged (the newest import by
        default)."""
        now = self._clock()
        with self._sessions.begin() as session:
            query = select(ImportRecord).where(ImportRecord.undone_at.is_(None))
            query = (
                query.where(ImportRecord.id == import_id)
                if import_id
                else query.order_by(ImportRecord.id.desc())
            )
            record = session.scalars(query.limit(1)).first()
            if record is None:
                raise UserError("There is no import to undo.")
            # Deleting a big import's leads walks the same randomly ordered indexes its insert
            # filled.
            with bulk_page_cache(session.connection()):
                for hook in self._undo_hooks:
                    hook(session, record.id)
                for merge in session.scalars(
                    select(ImportMergeRecord).where(ImportMergeRecord.import_id == record.id)
                ):
                    session.execute(
                        update(LeadRecord)
                        .where(LeadRecord.id == merge.lead_id)
                        .values(**restorable(merge.before))
                    )
                session.execute(delete(ActivityRecord).where(ActivityRecord.import_id == record.id))
                session.execute(delete(LeadRecord).where(LeadRecord.import_id == record.id))
            record.undone_at = now
        return Changes(leads=True, activities=True, follow_ups=True)


def _chunks(rows: Iterable[ParsedLead], size: int) -> Iterable[list[ParsedLead]]:
    chunk: list[ParsedLead] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


__all__ = [
    "CHUNK",
    "ImportCancelled",
    "ImportInfo",
    "MAPPABLE_FIELDS",
    "ImportService",
    "ImportSummary",
    "NeedsMapping",
    "Preview",
    "Rejection",
]
