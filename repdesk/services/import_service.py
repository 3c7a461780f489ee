"""Import leads from CSV and vCard files: preview, dedupe and merge, one transaction, undo."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import TableClause, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.domain import ActivityKind
from repdesk.formats.lead_file import (
    LeadFile,
    LeadFileError,
    ParsedLead,
    UnmappedColumnsError,
    open_lead_file,
)
from repdesk.services.changes import Changes
from repdesk.services.errors import UserError
from repdesk.services.import_rows import (
    COUNT_FIELDS,
    TEXT_FIELDS,
    LeadValues,
    fill_empty,
    paused_gc,
)
from repdesk.services.settings_service import SettingsService
from repdesk.services.zones import workspace_zone
from repdesk.store.bulk import bulk_insert, bulk_page_cache, in_values, insert_rows
from repdesk.store.models import (
    ActivityRecord,
    ImportMergeRecord,
    ImportRecord,
    LeadRecord,
    RepRecord,
)
from repdesk.store.search import FtsBulkFill, pause_fts_insert_trigger

CHUNK = 2000
FTS_BULK_ROWS = 500  # from this many new leads in a chunk, search rows are written in bulk (SQLite)
_MERGE_COLUMNS = (*TEXT_FIELDS, *COUNT_FIELDS, "extra", "edited_fields")


class NeedsMapping(UserError):
    """The file is a table but no column was recognised; `headers` lets the user map them."""

    def __init__(self, message: str, headers: tuple[str, ...]) -> None:
        super().__init__(message)
        self.headers = headers


class ImportCancelled(UserError):
    """The user cancelled; nothing was written."""


@dataclass(frozen=True)
class Rejection:
    file: str
    row: int
    reason: str


@dataclass
class ImportSummary:
    added: int = 0
    merged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    import_id: int | None = None
    dry_run: bool = False
    added_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "merged": self.merged,
                "rejected": [{"file": r.file, "row": r.row, "reason": r.reason} for r in self.rejected]}


@dataclass(frozen=True)
class Preview:
    file: LeadFile
    rows: list[ParsedLead]


Progress = Callable[[float], None]


class ImportService:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime], settings: SettingsService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self.hooks: list[Callable[[Session, list[int], datetime], None]] = []
        """Called in the import's transaction with the ids of leads added or merged (follow-up planning)."""
        self.first_due: Callable[[str, datetime], datetime | None] | None = None
        """When the follow-up planning (a hook) will schedule a new lead's first step, by status: written
        into the lead's row as its next_follow_up_at, so the hook has no UPDATE of the leads to make."""

    def open(self, path: Path, mapping: dict[str, str] | None = None) -> LeadFile:
        try:
            return open_lead_file(path, mapping=mapping, default_region=str(self._settings.get("default_region")))
        except UnmappedColumnsError as exc:
            raise NeedsMapping(str(exc), exc.headers) from exc
        except LeadFileError as exc:
            raise UserError(str(exc)) from exc
        except OSError as exc:
            raise UserError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc

    def preview(self, path: Path, mapping: dict[str, str] | None = None, limit: int = 20) -> Preview:
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
        session = self._sessions()
        try:
            with paused_gc(), session.begin():
                with bulk_page_cache(session.connection()):
                    record = ImportRecord(started_at=now, files=[str(f.path) for f in files])
                    session.add(record)
                    session.flush()
                    summary.import_id = record.id
                    run = _ImportRun(session, record.id, now, zone, self.first_due)
                    for lead_file in files:
                        for chunk in _chunks(lead_file.rows(), CHUNK):
                            if cancelled():
                                raise ImportCancelled("Import cancelled; nothing was imported.")
                            run.add_chunk(lead_file.path.name, chunk, summary)
                            if progress:
                                progress((done_bytes + lead_file.progress() * lead_file.total_bytes) / total_bytes)
                        done_bytes += lead_file.total_bytes
                    run.finish()
                    record.added, record.merged = summary.added, summary.merged
                    session.flush()
                    for hook in self.hooks:
                        hook(session, run.touched, now)
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

    def import_parsed(self, rows: list[ParsedLead], label: str,
                      also: Callable[[Session], None] | None = None) -> ImportSummary:
        """Import rows from elsewhere (a mailbox) with the same dedupe; `also` writes in the same transaction."""
        now = self._clock()
        summary = ImportSummary()
        with paused_gc(), self._sessions.begin() as session:
            record = ImportRecord(started_at=now, files=[label])
            session.add(record)
            session.flush()
            run = _ImportRun(session, record.id, now, workspace_zone(str(self._settings.get("timezone"))),
                             self.first_due)
            run.add_chunk(label, rows, summary)
            run.finish()
            record.added, record.merged, summary.import_id = summary.added, summary.merged, record.id
            for hook in self.hooks:
                hook(session, run.touched, now)
            if also is not None:
                also(session)
        return summary

    def last_import(self) -> ImportRecord | None:
        with self._sessions() as session:
            return session.scalars(
                select(ImportRecord).where(ImportRecord.undone_at.is_(None)).order_by(ImportRecord.id.desc()).limit(1)
            ).first()

    def undo_import(self, import_id: int | None = None) -> Changes:
        """Remove what an import added and put back what it merged (the newest import by default)."""
        now = self._clock()
        with self._sessions.begin() as session:
            query = select(ImportRecord).where(ImportRecord.undone_at.is_(None))
            query = query.where(ImportRecord.id == import_id) if import_id else query.order_by(ImportRecord.id.desc())
            record = session.scalars(query.limit(1)).first()
            if record is None:
                raise UserError("There is no import to undo.")
            # Deleting a big import's leads walks the same randomly ordered indexes its insert filled.
            with bulk_page_cache(session.connection()):
                for merge in session.scalars(select(ImportMergeRecord).where(ImportMergeRecord.import_id == record.id)):
                    session.execute(update(LeadRecord).where(LeadRecord.id == merge.lead_id)
                                    .values(**_restorable(merge.before)))
                session.execute(delete(ActivityRecord).where(ActivityRecord.import_id == record.id))
                session.execute(delete(LeadRecord).where(LeadRecord.import_id == record.id))
            record.undone_at = now
        return Changes(leads=True, activities=True, follow_ups=True)


def _restorable(before: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in before.items() if k in _MERGE_COLUMNS}


def _chunks(rows: Iterable[ParsedLead], size: int) -> Iterable[list[ParsedLead]]:
    chunk: list[ParsedLead] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _ImportRun:
    """State of one import: which people it has seen, so one person never becomes two leads."""

    def __init__(self, session: Session, import_id: int, now: datetime, zone: Any,
                 first_due: Callable[[str, datetime], datetime | None] | None) -> None:
        self.session = session
        self.first_due = first_due
        self.due_by_status: dict[str, datetime | None] = {}
        self.import_id = import_id
        self.now = now
        self.zone = zone
        self.by_email: dict[str, int] = {}
        self.by_phone: dict[str, int] = {}
        self.merged_ids: set[int] = set()
        self.touched: list[int] = []
        self.next_id: int | None = None
        self.fts: FtsBulkFill | None = None
        # The leads this chunk merges into (id -> column values), and what the merges write at its end.
        self.targets: dict[int, dict[str, Any]] = {}
        self.lead_changes: dict[int, dict[str, Any]] = {}
        self.befores: list[tuple[int, int, dict[str, Any]]] = []
        self.reinquiries: list[tuple[int, str, datetime, str, int]] = []
        self.reps: dict[str, int] = {n: i for i, n in session.execute(select(RepRecord.id, RepRecord.name))}
        # SQLite: this transaction holds the write lock since it wrote the import record, so when
        # there was no lead then, every lead the database will hold until the commit is one this
        # run wrote and knows (by_email, by_phone): nothing to look up (a new workspace's first
        # import). PostgreSQL: other reps may add leads meanwhile; always look.
        self.nothing_to_match = (session.get_bind().dialect.name == "sqlite"
                                 and session.scalar(select(LeadRecord.id).limit(1)) is None)

    def add_chunk(self, file_name: str, rows: list[ParsedLead], summary: ImportSummary) -> None:
        good = []
        for row in rows:
            if row.problem:
                summary.rejected.append(Rejection(file_name, row.row, row.problem))
            else:
                good.append(row)
        self._load_existing(good)
        self._load_merge_targets(good)
        new_rows: list[dict[str, Any]] = []
        pending: dict[str, int] = {}  # email/phone -> index into new_rows (duplicates inside the chunk)
        by_email, by_phone, import_id = self.by_email, self.by_phone, self.import_id
        lead_values = LeadValues(self.zone, self.now, import_id)
        for row in good:
            values = lead_values(row)
            owner = row.fields.get("owner")
            values["owner_id"] = self._rep_id(owner) if owner else None
            email, phone = values["email"], values["phone"]
            existing = by_email.get(email) if email else None
            existing = existing or (by_phone.get(phone) if phone else None)
            if existing is not None:
                self._merge(existing, values, file_name)
                summary.merged += 1
                continue
            index = pending.get("e:" + email) if email else None
            if index is None and phone:
                index = pending.get("p:" + phone)
            if index is not None:
                target = new_rows[index]
                for key, value in fill_empty(target, values, set()).items():
                    target[key] = value
                summary.merged += 1
                self._remember_pending(pending, index, target)
                continue
            new_rows.append(values)
            self._remember_pending(pending, len(new_rows) - 1, values)
        if new_rows:
            self._set_first_due(new_rows)
            stamps: dict[datetime, str] = {}  # a lead's received time is its inquiry's time: stored once
            ids = self._insert_leads(new_rows, stamps)
            kind, imported = ActivityKind.INQUIRY.value, f"Imported from {file_name}"
            insert_rows(self.session.connection(), ActivityRecord.__table__,
                        ("lead_id", "kind", "occurred_at", "body", "import_id"),
                        [(lead_id, kind, values["received_at"], values["message"] or imported, import_id)
                         for lead_id, values in zip(ids, new_rows, strict=True)], stamps)
            for lead_id, values in zip(ids, new_rows, strict=True):
                if values["email"]:
                    by_email[values["email"]] = lead_id
                if values["phone"]:
                    by_phone[values["phone"]] = lead_id
            summary.added += len(ids)
            summary.added_ids.extend(ids)
            self.touched.extend(ids)
        self._write_merges()

    def _set_first_due(self, rows: list[dict[str, Any]]) -> None:
        """next_follow_up_at of new leads: the first step the follow-up hook will give them."""
        due_by_status, first_due = self.due_by_status, self.first_due
        for values in rows:
            status = values["status"]
            if status not in due_by_status:
                due_by_status[status] = first_due(status, self.now) if first_due else None
            values["next_follow_up_at"] = due_by_status[status]

    def _insert_leads(self, rows: list[dict[str, Any]], stamps: dict[datetime, str]) -> list[int]:
        """Insert new leads; their ids in row order."""
        if self.session.get_bind().dialect.name != "sqlite":
            return list(self.session.scalars(
                insert(LeadRecord).returning(LeadRecord.id, sort_by_parameter_order=True), rows))
        # SQLite gives an INTEGER PRIMARY KEY max(id) + 1; this transaction already wrote the import
        # record, so it holds the write lock and nobody else can take those ids before the commit.
        # Naming them lets one executemany insert the chunk instead of one INSERT ... RETURNING per row.
        if self.next_id is None:
            self.next_id = int(self.session.scalar(select(func.coalesce(func.max(LeadRecord.id), 0))) or 0) + 1
        ids = list(range(self.next_id, self.next_id + len(rows)))
        self.next_id += len(rows)
        for lead_id, values in zip(ids, rows, strict=True):
            values["id"] = lead_id
        connection = self.session.connection()
        if self.fts is None and len(rows) >= FTS_BULK_ROWS:
            self.fts = pause_fts_insert_trigger(connection)
        bulk_insert(connection, LeadRecord.__table__, rows, stamps)
        if self.fts is not None:
            self.fts.fill(ids[0], ids[-1])
        return ids

    def finish(self) -> None:
        """Put back what the run changed for speed (the FTS insert trigger) before anything else runs."""
        if self.fts is not None:
            self.fts.restore()
            self.fts = None

    def _load_merge_targets(self, rows: list[ParsedLead]) -> None:
        """Read the leads this chunk merges into with one query (Core rows: no ORM objects to track)."""
        ids = set()
        for row in rows:
            email, phone = row.fields.get("email", ""), row.fields.get("phone", "")
            lead_id = (self.by_email.get(email) if email else None) or (self.by_phone.get(phone) if phone else None)
            if lead_id is not None:
                ids.add(lead_id)
        self.targets = {}
        if not ids:
            return
        connection = self.session.connection()
        dialect = connection.dialect.name
        ordered = sorted(ids)
        size = len(ordered) if dialect == "sqlite" else 5000
        columns = [LeadRecord.id, LeadRecord.owner_id, LeadRecord.import_id,
                   *(getattr(LeadRecord, key) for key in _MERGE_COLUMNS)]
        for start in range(0, len(ordered), size):
            query = select(*columns).where(in_values(LeadRecord.id, ordered[start:start + size], dialect))
            for row in connection.execute(query):
                values = row._asdict()
                self.targets[values["id"]] = values

    @staticmethod
    def _remember_pending(pending: dict[str, int], index: int, values: dict[str, Any]) -> None:
        if values["email"]:
            pending.setdefault("e:" + values["email"], index)
        if values["phone"]:
            pending.setdefault("p:" + values["phone"], index)

    def _load_existing(self, rows: list[ParsedLead]) -> None:
        if self.nothing_to_match:
            return
        emails = {e for r in rows if (e := r.fields.get("email", "")) and e not in self.by_email}
        phones = {p for r in rows if (p := r.fields.get("phone", "")) and p not in self.by_phone}
        if not emails and not phones:
            return
        dialect = self.session.get_bind().dialect.name
        clauses = []
        if emails:
            clauses.append(in_values(LeadRecord.email, sorted(emails), dialect))
        if phones:
            clauses.append(in_values(LeadRecord.phone, sorted(phones), dialect))
        found = self.session.execute(
            select(LeadRecord.id, LeadRecord.email, LeadRecord.phone).where(or_(*clauses)).order_by(LeadRecord.id))
        for lead_id, email, phone in found:
            if email:
                self.by_email.setdefault(email, lead_id)
            if phone:
                self.by_phone.setdefault(phone, lead_id)

    def _merge(self, lead_id: int, values: dict[str, Any], file_name: str) -> None:
        lead = self.targets[lead_id]
        current = {key: lead[key] for key in _MERGE_COLUMNS}
        changes = fill_empty(current, values, set(lead["edited_fields"] or []))
        if lead_id not in self.merged_ids and lead["import_id"] != self.import_id:
            self.befores.append((self.import_id, lead_id, current))
            self.merged_ids.add(lead_id)
        if lead["owner_id"] is None and values.get("owner_id"):
            changes["owner_id"] = values["owner_id"]
        lead.update(changes)  # a second merge into the same lead in this chunk sees the first
        changes["updated_at"] = self.now
        self.lead_changes.setdefault(lead_id, {}).update(changes)
        body = "Re-inquired (import of " + file_name + ")" + (f": {values['message']}" if values.get("message") else "")
        self.reinquiries.append((lead_id, ActivityKind.INQUIRY.value, self.now, body, self.import_id))
        self.touched.append(lead_id)
        if values["email"]:
            self.by_email.setdefault(values["email"], lead_id)
        if values["phone"]:
            self.by_phone.setdefault(values["phone"], lead_id)

    def _write_merges(self) -> None:
        """Write the chunk's merges: one UPDATE executemany per set of changed columns, the undo
        snapshots and the re-inquiry activities each as one insert."""
        connection = self.session.connection()
        table = cast(TableClause, LeadRecord.__table__)
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for lead_id, changes in self.lead_changes.items():
            by_columns[tuple(sorted(changes))].append({"lead_id_": lead_id, **{"v_" + k: v for k, v in changes.items()}})
        for keys, params in by_columns.items():
            statement = update(table).where(table.c.id == bindparam("lead_id_")).values(
                {table.c[key]: bindparam("v_" + key, type_=table.c[key].type) for key in keys})
            connection.execute(statement, params)
        insert_rows(connection, ImportMergeRecord.__table__, ("import_id", "lead_id", "before"), self.befores)
        insert_rows(connection, ActivityRecord.__table__, ("lead_id", "kind", "occurred_at", "body", "import_id"),
                    self.reinquiries)
        self.lead_changes, self.befores, self.reinquiries = {}, [], []

    def _rep_id(self, name: str) -> int | None:
        name = name.strip()
        if not name:
            return None
        if name not in self.reps:
            rep = RepRecord(name=name, monthly_capacity=40)
            self.session.add(rep)
            self.session.flush()
            self.reps[name] = rep.id
        return self.reps[name]
