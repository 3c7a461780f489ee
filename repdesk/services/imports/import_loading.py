"""What an import run reads before it writes: everyone in the database its rows may be, with what
their dedupe needs (keys, inquiries, when they closed, who the rep said is someone else), and a
fingerprint of it (the same under the write lock: the plan made before the lock holds)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from repdesk.core.dedupe import Identity, phone_keys
from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.core.phones import Phone
from repdesk.services.imports.import_people import MERGED_COLUMNS, People, Person
from repdesk.store.bulk import in_values
from repdesk.store.models import (
    HAS_EMAIL,
    HAS_NAME_KEY,
    HAS_PHONE,
    ActivityRecord,
    LeadKeyRecord,
    LeadRecord,
    PossibleDuplicateRecord,
)

_LOAD_COLUMNS = (*MERGED_COLUMNS, "edited_fields", "import_id")
_CLOSED = (LeadStatus.WON.value, LeadStatus.LOST.value)


def load_people(session: Session, identities: Iterable[Identity], now: datetime) -> People:
    """Everyone in the database one of these rows (their identities) may be (with what their
    dedupe needs)."""
    people = People(now)
    # Core execution on the session's connection: the rows are plain columns, and the ORM's
    # result layer costs more per row than the database does on a large import's people.
    connection = session.connection()
    execute = connection.execute
    dialect = connection.dialect.name
    if execute(select(LeadRecord.id).limit(1)).first() is None:
        return people  # a workspace without leads holds nobody the rows may be (nor their keys)
    emails: set[str] = set()
    numbers: set[str] = set()
    keys: set[str] = set()
    names: set[str] = set()
    for identity in identities:
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
                execute(
                    select(LeadRecord.id).where(indexed, in_values(column, chunk, dialect))
                ).scalars()
            )
    for chunk in _chunks(sorted(keys), dialect):
        ids.update(
            execute(
                select(LeadKeyRecord.lead_id).where(in_values(LeadKeyRecord.key, chunk, dialect))
            ).scalars()
        )
    if not ids:
        return people
    stored: dict[int, set[str]] = defaultdict(set)
    inquiries: dict[int, set[tuple[datetime, str]]] = defaultdict(set)
    closed: dict[int, datetime] = {}
    apart: dict[int, set[int]] = defaultdict(set)
    rows: list[dict[str, Any]] = []
    columns = [LeadRecord.id, *(getattr(LeadRecord, c) for c in _LOAD_COLUMNS)]
    read_as = ("id", *_LOAD_COLUMNS)
    for chunk in _chunks(sorted(ids), dialect):
        rows += [
            dict(zip(read_as, r, strict=True))
            for r in execute(select(*columns).where(in_values(LeadRecord.id, chunk, dialect))).all()
        ]
        for lead_id, key in execute(
            select(LeadKeyRecord.lead_id, LeadKeyRecord.key).where(
                in_values(LeadKeyRecord.lead_id, chunk, dialect)
            )
        ).all():
            stored[lead_id].add(key)
        for lead_id, kind, when, body in execute(
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
        ).all():
            if kind == ActivityKind.INQUIRY.value:
                inquiries[lead_id].add((when, inquiry_message(body)))
            elif lead_id not in closed or when > closed[lead_id]:
                closed[lead_id] = when
        for a, b in execute(
            select(PossibleDuplicateRecord.lead_id, PossibleDuplicateRecord.other_id).where(
                in_values(PossibleDuplicateRecord.lead_id, chunk, dialect)
                | in_values(PossibleDuplicateRecord.other_id, chunk, dialect)
            )
        ).all():
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


def fingerprint(people: Iterable[Person]) -> list[tuple[Any, ...]]:
    """What the matching read from the database: when it is the same under the write lock, a plan
    made before the lock still holds.

    The column values are held as they are, not as text: matching never changes a value in place
    (Person.set puts a new one), so they still say what was read when they are compared."""
    return sorted(
        (
            p.lead_id,
            tuple(map(p.values.get, _LOAD_COLUMNS)) if not p.before else (),
            tuple(sorted(p.stored_keys)),
            tuple(sorted(p.inquiries)),
            p.closed_at,
            tuple(sorted(p.apart)),
        )
        for p in people
        if not p.new
    )


def _chunks(values: Sequence[Any], dialect: str) -> Iterable[Sequence[Any]]:
    size = len(values) if dialect == "sqlite" else 5000
    for start in range(0, len(values), max(1, size)):
        yield values[start : start + size]
