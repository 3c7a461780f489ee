"""One import run's writes: what matching decided (new leads, merges with their before/after values
for undo, keys, re-inquiries, possible duplicates) with bulk statements. What the run reads first is
import_loading's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import TableClause, bindparam, case, func, insert, literal, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from repdesk.core.domain import ActivityKind
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.common.errors import UserError
from repdesk.services.imports.import_people import People, Person
from repdesk.services.imports.import_rows import json_value
from repdesk.store.bulk import bulk_insert, indexes_built_after, insert_rows
from repdesk.store.models import (
    ActivityRecord,
    ImportMergeRecord,
    LeadKeyRecord,
    LeadRecord,
    PossibleDuplicateRecord,
    RepRecord,
)
from repdesk.store.search import FtsBulkFill, pause_fts_insert_trigger

#: Called in the import's transaction with (lead id, row) for every row with extra fields: form
#: answers among them become a qualification (services.script.form_answers).
ArrivalHook = Callable[[Session, list[tuple[int, ParsedLead]], int, datetime], None]
FTS_BULK_ROWS = 500  # from this many new leads, search rows are written in bulk (SQLite)
CHUNK = 2000


@dataclass(frozen=True)
class Rejection:
    file: str
    row: int
    reason: str


@dataclass(frozen=True)
class Refusal:
    file: str
    reason: str


@dataclass
class ImportSummary:
    added: int = 0
    merged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    import_id: int | None = None
    dry_run: bool = False
    added_ids: list[int] = field(default_factory=list)
    possible_duplicates: int = 0
    reopened: int = 0
    updated: int = 0  # leads already there that the merges changed
    files: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # file -> "inquiries" | "contacts"
    lock_seconds: float = 0.0  # how long the write transaction held the database (measured)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.possible_duplicates)

    def to_json(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,  # for `repdesk import undo IMPORT_ID`; null on a dry run
            "added": self.added,
            "merged": self.merged,
            "possible_duplicates": self.possible_duplicates,
            "reopened": self.reopened,
            "rejected": [{"file": r.file, "row": r.row, "reason": r.reason} for r in self.rejected],
            "refused": [{"file": r.file, "reason": r.reason} for r in self.refused],
            "files": [{"file": f, "as": self.kinds.get(f, "inquiries")} for f in self.files],
        }


# -- writing ---------------------------------------------------------------------------------
class ImportWriter:
    """Writes one planned run in the import's transaction."""

    def __init__(
        self,
        session: Session,
        import_id: int,
        now: datetime,
        first_due: Callable[[str, datetime], datetime | None] | None,
        cancelled: Callable[[], object] = lambda: False,
    ) -> None:
        self.session = session
        self.import_id = import_id
        self.now = now
        self.first_due = first_due
        self.cancelled = cancelled
        self.touched: list[int] = []
        self.created_reps: list[int] = []
        self._reps: dict[str, int] | None = None
        self._next_id: int | None = None

    def rep_id(self, name: str) -> int | None:
        """The rep of this name, made (and remembered for undo) when there is none."""
        name = name.strip()
        if not name:
            return None
        if self._reps is None:
            self._reps = {
                n: i for i, n in self.session.execute(select(RepRecord.id, RepRecord.name))
            }
        if name not in self._reps:
            rep = RepRecord(name=name, monthly_capacity=40)
            self.session.add(rep)
            try:
                self.session.flush()
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != "42501":
                    raise
                # A rep's login on a team database may not add reps: say so (the whole import
                # is rolled back) instead of the database's words.
                raise UserError(
                    f"The import names {name} as an owner, who is not a rep yet, and only a "
                    "manager can add reps; nothing was imported. Ask a manager to add them (or "
                    "to import the file), or leave the owner empty."
                ) from None
            self._reps[name] = rep.id
            self.created_reps.append(rep.id)
        return self._reps[name]

    def write(self, people: People, summary: ImportSummary, check: Callable[[], None]) -> None:
        """Write the people the run holds: its new leads (after those written with their chunks)
        and the changes of the database's; not the pairs (`pairs`)."""
        new = [p for p in people.everyone if p.new]
        changed = [
            p
            for p in people.everyone
            if not p.new and (p.before or p.activities or p.keys_to_store())
        ]
        with indexes_built_after(self.session.connection(), "leads", len(new)):
            for start in range(0, len(new), CHUNK):
                check()
                self.insert(new[start : start + CHUNK], summary)
        for start in range(0, len(changed), CHUNK):
            check()
            self._update(changed[start : start + CHUNK])
        summary.updated = len(changed)
        summary.reopened = sum(1 for p in people.everyone if p.reopened)

    def insert(self, persons: list[Person], summary: ImportSummary) -> None:
        """Add new leads (each gets its lead_id), their activities and keys."""
        if not persons:
            return
        rows = [p.values for p in persons]
        due: dict[str, datetime | None] = {}
        for values in rows:
            status = values["status"]
            if status not in due:
                due[status] = self.first_due(status, self.now) if self.first_due else None
            values["next_follow_up_at"] = due[status]
        stamps: dict[datetime, int] = {}
        ids = self._insert_leads(rows, stamps)
        for person, lead_id in zip(persons, ids, strict=True):
            person.lead_id = lead_id
        self._new_activities(persons, stamps)
        self._keys(persons)
        summary.added += len(ids)
        summary.added_ids.extend(ids)
        self.touched.extend(ids)

    def _insert_leads(self, rows: list[dict[str, Any]], stamps: dict[datetime, int]) -> list[int]:
        session = self.session
        if session.get_bind().dialect.name != "sqlite":
            return list(
                session.scalars(
                    insert(LeadRecord).returning(LeadRecord.id, sort_by_parameter_order=True), rows
                )
            )
        # SQLite gives an INTEGER PRIMARY KEY max(id) + 1; this transaction holds the write lock
        # (it wrote the import record), so nobody else can take those ids before the commit.
        # Naming them lets one executemany insert a chunk instead of one INSERT … RETURNING a row.
        if self._next_id is None:
            top = session.scalar(select(func.coalesce(func.max(LeadRecord.id), 0)))
            self._next_id = int(top or 0) + 1
        ids = list(range(self._next_id, self._next_id + len(rows)))
        self._next_id += len(rows)
        for lead_id, values in zip(ids, rows, strict=True):
            values["id"] = lead_id
        connection = session.connection()
        fts: FtsBulkFill | None = None
        if len(rows) >= FTS_BULK_ROWS:
            fts = pause_fts_insert_trigger(connection)
        try:
            bulk_insert(connection, LeadRecord.__table__, rows, stamps)
            if fts is not None:
                fts.fill(ids[0], ids[-1])
        finally:
            if fts is not None:
                fts.restore()
        return ids

    def _activities(self, persons: Iterable[Person], stamps: dict[datetime, int]) -> None:
        rows = [
            (p.lead_id, kind, when, body, self.import_id)
            for p in persons
            for kind, when, body in p.activities
        ]
        insert_rows(
            self.session.connection(),
            ActivityRecord.__table__,
            ("lead_id", "kind", "occurred_at", "body", "import_id"),
            rows,
            stamps,
        )

    def _new_activities(self, persons: list[Person], stamps: dict[datetime, int]) -> None:
        """The activities of new leads: when each lead's is its one inquiry as its row holds it
        (at its received time, saying its message or, for all of them, one "Imported from F"),
        and a known contact has none, they are one INSERT … SELECT from the new rows; otherwise
        they are written as the run planned them."""
        ids = [cast(int, p.lead_id) for p in persons]
        body = _one_inquiry_each(persons)
        if body is None or not ids or ids[-1] - ids[0] + 1 != len(ids):
            self._activities(persons, stamps)
            return
        leads = cast(TableClause, LeadRecord.__table__)
        activities = cast(TableClause, ActivityRecord.__table__)
        said = case((leads.c.message != "", leads.c.message), else_=literal(body))
        rows = (
            select(
                leads.c.id,
                literal(ActivityKind.INQUIRY.value, activities.c.kind.type),
                leads.c.received_at,
                said,
                literal(self.import_id, activities.c.import_id.type),
            )
            .where(leads.c.id.between(ids[0], ids[-1]), leads.c.is_contact.is_(False))
            .order_by(leads.c.id)
        )
        self.session.connection().execute(
            insert(activities).from_select(
                ["lead_id", "kind", "occurred_at", "body", "import_id"], rows
            )
        )

    def _keys(self, persons: Iterable[Person]) -> None:
        rows = [(p.lead_id, key, self.import_id) for p in persons for key in p.keys_to_store()]
        insert_rows(
            self.session.connection(),
            LeadKeyRecord.__table__,
            ("lead_id", "key", "import_id"),
            rows,
        )

    def _update(self, persons: list[Person]) -> None:
        connection = self.session.connection()
        table = cast(TableClause, LeadRecord.__table__)
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        merges = []
        for person in persons:
            if not person.before:
                continue
            columns = {c: person.values[c] for c in person.before}
            columns["updated_at"] = self.now
            by_columns[tuple(sorted(columns))].append(
                {"lead_id_": person.lead_id, **{"v_" + k: v for k, v in columns.items()}}
            )
            changes = {
                c: [json_value(person.before[c]), json_value(person.values[c])]
                for c in sorted(person.before)
            }
            merges.append((self.import_id, person.lead_id, changes))
        self.touched.extend(cast(int, p.lead_id) for p in persons)
        for keys, params in by_columns.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("lead_id_"))
                .values({table.c[k]: bindparam("v_" + k, type_=table.c[k].type) for k in keys})
            )
            connection.execute(statement, params)
        insert_rows(
            connection, ImportMergeRecord.__table__, ("import_id", "lead_id", "changes"), merges
        )
        self._activities(persons, {})
        self._keys(persons)

    def pairs(self, pairs: Iterable[tuple[int | None, int | None, str]]) -> None:
        """Possible duplicates as (lead id, other lead id, reason)."""
        insert_rows(
            self.session.connection(),
            PossibleDuplicateRecord.__table__,
            ("lead_id", "other_id", "reason", "import_id", "created_at"),
            [(first, second, reason, self.import_id, self.now) for first, second, reason in pairs],
        )


def _one_inquiry_each(persons: Sequence[Person]) -> str | None:
    """The body an inquiry without a message says ("Imported from F"; "" when every one has its
    message) when each new lead's only activity is its inquiry as its row holds it and known
    contacts have none; None when any lead's activities are otherwise."""
    default: str | None = None
    inquiry = ActivityKind.INQUIRY.value
    for person in persons:
        values, done = person.values, person.activities
        if not done:
            if not values["is_contact"]:
                return None
            continue
        if len(done) != 1 or values["is_contact"]:
            return None
        kind, when, body = done[0]
        if kind != inquiry or when != values["received_at"]:
            return None
        message = values["message"]
        if message:
            if body != message:
                return None
        elif default is None:
            default = body
        elif body != default:
            return None
    return default or ""
