"""One import run inside its transaction: which people it has seen (so one person never becomes two
leads), merges that fill gaps without overwriting a user's edit, and the bulk writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import TableClause, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from repdesk.core.domain import ActivityKind
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.imports.import_rows import COUNT_FIELDS, TEXT_FIELDS, LeadValues, fill_empty
from repdesk.store.bulk import bulk_insert, in_values, insert_rows
from repdesk.store.models import ActivityRecord, ImportMergeRecord, LeadRecord, RepRecord
from repdesk.store.search import FtsBulkFill, pause_fts_insert_trigger

#: Called in the import's transaction, per chunk, with (lead id, row) for every row with extra
#: fields: form answers among them become a qualification (services.script.form_answers).
ArrivalHook = Callable[[Session, list[tuple[int, ParsedLead]], int, datetime], None]
FTS_BULK_ROWS = 500  # from this many new leads in a chunk, search rows are written in bulk (SQLite)
_MERGE_COLUMNS = (*TEXT_FIELDS, *COUNT_FIELDS, "extra", "edited_fields")


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
        return {
            "import_id": self.import_id,  # for `repdesk import undo IMPORT_ID`; null on a dry run
            "added": self.added,
            "merged": self.merged,
            "rejected": [{"file": r.file, "row": r.row, "reason": r.reason} for r in self.rejected],
        }


def restorable(before: dict[str, Any]) -> dict[str, Any]:
    """The columns an undo puts back from a merge's snapshot."""
    return {k: v for k, v in before.items() if k in _MERGE_COLUMNS}


class ImportRun:
    """State of one import: which people it has seen, so one person never becomes two leads."""

    def __init__(
        self,
        session: Session,
        import_id: int,
        now: datetime,
        zone: Any,
        first_due: Callable[[str, datetime], datetime | None] | None,
        arrivals: Sequence[ArrivalHook] = (),
    ) -> None:
        self.session = session
        self.arrivals = tuple(arrivals)
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
        # The leads this chunk merges into (id -> column values), and what the merges write at its
        # end.
        self.targets: dict[int, dict[str, Any]] = {}
        self.lead_changes: dict[int, dict[str, Any]] = {}
        self.befores: list[tuple[int, int, dict[str, Any]]] = []
        self.reinquiries: list[tuple[int, str, datetime, str, int]] = []
        self.reps: dict[str, int] = {
            n: i for i, n in session.execute(select(RepRecord.id, RepRecord.name))
        }
        # SQLite: this transaction holds the write lock since it wrote the import record, so when
        # there was no lead then, every lead the database will hold until the commit is one this
        # run wrote and knows (by_email, by_phone): nothing to look up (a new workspace's first
        # import). PostgreSQL: other reps may add leads meanwhile; always look.
        self.nothing_to_match = (
            session.get_bind().dialect.name == "sqlite"
            and session.scalar(select(LeadRecord.id).limit(1)) is None
        )

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
        pending: dict[
            str, int
        ] = {}  # email/phone -> index into new_rows (duplicates inside the chunk)
        by_email, by_phone, import_id = self.by_email, self.by_phone, self.import_id
        lead_values = LeadValues(self.zone, self.now, import_id)
        # (lead id, or index into new_rows, row) of rows with extra fields, for the arrival hooks
        arrived: list[tuple[int | None, int, ParsedLead]] = []
        watch = bool(self.arrivals)
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
                if watch and row.extra:
                    arrived.append((existing, -1, row))
                continue
            index = pending.get("e:" + email) if email else None
            if index is None and phone:
                index = pending.get("p:" + phone)
            if watch and row.extra:
                arrived.append((None, len(new_rows) if index is None else index, row))
            if index is not None:
                target = new_rows[index]
                for key, value in fill_empty(target, values, set()).items():
                    target[key] = value
                summary.merged += 1
                self._remember_pending(pending, index, target)
                continue
            new_rows.append(values)
            self._remember_pending(pending, len(new_rows) - 1, values)
        ids: list[int] = []
        if new_rows:
            self._set_first_due(new_rows)
            stamps: dict[
                datetime, str
            ] = {}  # a lead's received time is its inquiry's time: stored once
            ids = self._insert_leads(new_rows, stamps)
            kind, imported = ActivityKind.INQUIRY.value, f"Imported from {file_name}"
            insert_rows(
                self.session.connection(),
                ActivityRecord.__table__,
                ("lead_id", "kind", "occurred_at", "body", "import_id"),
                [
                    (lead_id, kind, values["received_at"], values["message"] or imported, import_id)
                    for lead_id, values in zip(ids, new_rows, strict=True)
                ],
                stamps,
            )
            for lead_id, values in zip(ids, new_rows, strict=True):
                if values["email"]:
                    by_email[values["email"]] = lead_id
                if values["phone"]:
                    by_phone[values["phone"]] = lead_id
            summary.added += len(ids)
            summary.added_ids.extend(ids)
            self.touched.extend(ids)
        self._write_merges()
        if arrived:
            pairs = [
                (lead_id if lead_id is not None else ids[index], row)
                for lead_id, index, row in arrived
            ]
            for hook in self.arrivals:
                hook(self.session, pairs, import_id, self.now)

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
            return list(
                self.session.scalars(
                    insert(LeadRecord).returning(LeadRecord.id, sort_by_parameter_order=True), rows
                )
            )
        # SQLite gives an INTEGER PRIMARY KEY max(id) + 1; this transaction already wrote the import
        # record, so it holds the write lock and nobody else can take those ids before the commit.
        # Naming them lets one executemany insert the chunk instead of one INSERT ... RETURNING per
        # row.
        if self.next_id is None:
            self.next_id = (
                int(self.session.scalar(select(func.coalesce(func.max(LeadRecord.id), 0))) or 0) + 1
            )
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
        """Put back what the run changed for speed (the FTS insert trigger) before anything else
        runs."""
        if self.fts is not None:
            self.fts.restore()
            self.fts = None

    def _load_merge_targets(self, rows: list[ParsedLead]) -> None:
        """Read the leads this chunk merges into with one query (Core rows: no ORM objects to
        track)."""
        ids = set()
        for row in rows:
            email, phone = row.fields.get("email", ""), row.fields.get("phone", "")
            lead_id = (self.by_email.get(email) if email else None) or (
                self.by_phone.get(phone) if phone else None
            )
            if lead_id is not None:
                ids.add(lead_id)
        self.targets = {}
        if not ids:
            return
        connection = self.session.connection()
        dialect = connection.dialect.name
        ordered = sorted(ids)
        size = len(ordered) if dialect == "sqlite" else 5000
        columns = [
            LeadRecord.id,
            LeadRecord.owner_id,
            LeadRecord.import_id,
            *(getattr(LeadRecord, key) for key in _MERGE_COLUMNS),
        ]
        for start in range(0, len(ordered), size):
            query = select(*columns).where(
                in_values(LeadRecord.id, ordered[start : start + size], dialect)
            )
            for found in connection.execute(query):
                values = found._asdict()
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
            select(LeadRecord.id, LeadRecord.email, LeadRecord.phone)
            .where(or_(*clauses))
            .order_by(LeadRecord.id)
        )
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
        body = (
            "Re-inquired (import of "
            + file_name
            + ")"
            + (f": {values['message']}" if values.get("message") else "")
        )
        self.reinquiries.append(
            (lead_id, ActivityKind.INQUIRY.value, self.now, body, self.import_id)
        )
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
            by_columns[tuple(sorted(changes))].append(
                {"lead_id_": lead_id, **{"v_" + k: v for k, v in changes.items()}}
            )
        for keys, params in by_columns.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("lead_id_"))
                .values(
                    {table.c[key]: bindparam("v_" + key, type_=table.c[key].type) for key in keys}
                )
            )
            connection.execute(statement, params)
        insert_rows(
            connection,
            ImportMergeRecord.__table__,
            ("import_id", "lead_id", "before"),
            self.befores,
        )
        insert_rows(
            connection,
            ActivityRecord.__table__,
            ("lead_id", "kind", "occurred_at", "body", "import_id"),
            self.reinquiries,
        )
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
