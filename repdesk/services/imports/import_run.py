"""One import run against the database: load the people its rows may be, then write what matching
decided (new leads, merges with their before/after values for undo, keys, re-inquiries, possible
duplicates) with bulk statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import TableClause, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from repdesk.core.dedupe import Identity, phone_keys
from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.core.phones import Phone
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.imports.import_people import (
    MERGED_COLUMNS,
    Arrival,
    Pair,
    People,
    Person,
)
from repdesk.services.imports.import_rows import json_value
from repdesk.store.bulk import bulk_insert, in_values, insert_rows
from repdesk.store.models import (
    HAS_EMAIL,
    HAS_NAME_KEY,
    HAS_PHONE,
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
_LOAD_COLUMNS = (*MERGED_COLUMNS, "edited_fields", "import_id")
_CLOSED = (LeadStatus.WON.value, LeadStatus.LOST.value)


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


# -- loading ---------------------------------------------------------------------------------
def load_people(session: Session, arrivals: Sequence[Arrival], now: datetime) -> People:
    """Everyone in the database one of these rows may be (with what their dedupe needs)."""
    people = People(now)
    connection = session.connection()
    dialect = connection.dialect.name
    emails: set[str] = set()
    numbers: set[str] = set()
    keys: set[str] = set()
    names: set[str] = set()
    for row in arrivals:
        identity = row.identity
        emails |= identity.emails
        numbers |= {p.split(";", 1)[0] for p in identity.phones}
        keys |= identity.keys
        keys |= {f"email:{e}" for e in identity.emails}
        keys |= {f"phone:{p}" for p in identity.phones}
        if identity.name_key:
            names.add(identity.name_key)
    ids: set[int] = set()
    # Each with the condition of its partial index (leads without one are not indexed).
    for column, indexed, wanted in (
        (LeadRecord.email, HAS_EMAIL, emails),
        (LeadRecord.phone, HAS_PHONE, numbers),
        (LeadRecord.name_key, HAS_NAME_KEY, names),
    ):
        for chunk in _chunks(sorted(wanted), dialect):
            ids.update(
                session.scalars(
                    select(LeadRecord.id).where(indexed, in_values(column, chunk, dialect))
                )
            )
    for chunk in _chunks(sorted(keys), dialect):
        ids.update(
            session.scalars(
                select(LeadKeyRecord.lead_id).where(in_values(LeadKeyRecord.key, chunk, dialect))
            )
        )
    if not ids:
        return people
    stored: dict[int, set[str]] = defaultdict(set)
    inquiries: dict[int, set[tuple[datetime, str]]] = defaultdict(set)
    closed: dict[int, datetime] = {}
    apart: dict[int, set[int]] = defaultdict(set)
    rows: list[dict[str, Any]] = []
    columns = [LeadRecord.id, *(getattr(LeadRecord, c) for c in _LOAD_COLUMNS)]
    for chunk in _chunks(sorted(ids), dialect):
        rows += [
            r._asdict()
            for r in session.execute(
                select(*columns).where(in_values(LeadRecord.id, chunk, dialect))
            )
        ]
        for lead_id, key in session.execute(
            select(LeadKeyRecord.lead_id, LeadKeyRecord.key).where(
                in_values(LeadKeyRecord.lead_id, chunk, dialect)
            )
        ):
            stored[lead_id].add(key)
        for lead_id, kind, when, body in session.execute(
            select(
                ActivityRecord.lead_id,
                ActivityRecord.kind,
                ActivityRecord.occurred_at,
                ActivityRecord.body,
            ).where(
                in_values(ActivityRecord.lead_id, chunk, dialect),
                ActivityRecord.kind.in_(
                    (ActivityKind.INQUIRY.value, ActivityKind.STATUS_CHANGE.value)
                ),
            )
        ):
            if kind == ActivityKind.INQUIRY.value:
                inquiries[lead_id].add((when, inquiry_message(body)))
            elif lead_id not in closed or when > closed[lead_id]:
                closed[lead_id] = when
        for a, b in session.execute(
            select(PossibleDuplicateRecord.lead_id, PossibleDuplicateRecord.other_id).where(
                in_values(PossibleDuplicateRecord.lead_id, chunk, dialect)
                | in_values(PossibleDuplicateRecord.other_id, chunk, dialect)
            )
        ):
            apart[a].add(b)
            apart[b].add(a)
    for order, values in enumerate(sorted(rows, key=lambda r: r["id"]), start=-len(rows)):
        lead_id = values.pop("id")
        values["phones"] = list(values.get("phones") or [])
        person = Person(
            values,
            stored_identity(values, stored[lead_id]),
            order,
            lead_id=lead_id,
            inquiries=inquiries[lead_id],
            closed_at=(closed.get(lead_id) or values["received_at"])
            if values["status"] in _CLOSED
            else None,
            apart=apart[lead_id],
            stored_keys=stored[lead_id],
        )
        people.add(person)
    return people


def inquiry_message(body: str) -> str:
    """The message of an inquiry activity as an import wrote it ("Imported from F" when the row
    had none, "Re-inquired (import of F): message" for a re-inquiry)."""
    if body.startswith("Imported from "):
        return ""
    if body.startswith("Re-inquired ("):
        _, sep, message = body.partition("): ")
        return message if sep else ""
    return body


def stored_identity(values: dict[str, Any], keys: Iterable[str]) -> Identity:
    """A database lead's identity: its e-mail and phones and the keys on record."""
    emails = {values["email"]} if values["email"] else set()
    phones = [Phone.from_json(p) for p in values.get("phones") or []]
    if not phones and values["phone"]:
        phones = [Phone(values["phone"], "main", values.get("phone_ext") or "")]
    numbers = set(phone_keys(phones))
    stable: set[str] = set()
    for key in keys:
        kind, _, value = key.partition(":")
        if kind == "email":
            emails.add(value)
        elif kind == "phone":
            numbers.add(value)
        else:
            stable.add(key)
    return Identity(
        frozenset(emails),
        frozenset(numbers),
        frozenset(stable),
        values["first_name"],
        values["last_name"],
        values["company"],
    )


def fingerprint(people: People) -> list[tuple[Any, ...]]:
    """What the matching read from the database: when it is the same under the write lock, a plan
    made before the lock still holds."""
    return sorted(
        (
            p.lead_id,
            tuple(repr(p.values.get(c)) for c in _LOAD_COLUMNS) if not p.before else (),
            tuple(sorted(p.stored_keys)),
            tuple(sorted(p.inquiries)),
            p.closed_at,
            tuple(sorted(p.apart)),
        )
        for p in people.everyone
        if not p.new
    )


def _chunks(values: Sequence[Any], dialect: str) -> Iterable[Sequence[Any]]:
    size = len(values) if dialect == "sqlite" else 5000
    for start in range(0, len(values), max(1, size)):
        yield values[start : start + size]


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
            self.session.flush()
            self._reps[name] = rep.id
            self.created_reps.append(rep.id)
        return self._reps[name]

    def write(self, people: People, summary: ImportSummary, check: Callable[[], None]) -> None:
        new = [p for p in people.everyone if p.new]
        changed = [
            p
            for p in people.everyone
            if not p.new and (p.before or p.activities or p.keys_to_store())
        ]
        for start in range(0, len(new), CHUNK):
            check()
            self._insert(new[start : start + CHUNK], summary)
        for start in range(0, len(changed), CHUNK):
            check()
            self._update(changed[start : start + CHUNK])
        summary.updated = len(changed)
        self._pairs(people.pairs)
        summary.possible_duplicates = len(people.pairs)
        summary.reopened = sum(1 for p in people.everyone if p.reopened)

    def _insert(self, persons: list[Person], summary: ImportSummary) -> None:
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
        self._activities(persons, stamps)
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

    def _pairs(self, pairs: list[Pair]) -> None:
        insert_rows(
            self.session.connection(),
            PossibleDuplicateRecord.__table__,
            ("lead_id", "other_id", "reason", "import_id", "created_at"),
            [
                (pair.first.lead_id, pair.second.lead_id, pair.reason, self.import_id, self.now)
                for pair in pairs
            ],
        )
