"""Who the rows of one import are: each row becomes a new lead or is merged into the one person it
is (a lead of the database or an earlier row), and pairs that only might be one person are noted
for the rep. No database here: the run loads the people it may meet and writes what this decides."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from repdesk.core.dedupe import Identity, Match, compare, name_key, trust
from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.imports.import_rows import fill_empty

#: Lead columns a merge may change (and an undo puts back while they still hold the merge's value).
MERGED_COLUMNS = (
    "first_name",
    "last_name",
    "company",
    "title",
    "email",
    "phone",
    "source",
    "product",
    "notes",
    "tags",
    "email_opens",
    "email_clicks",
    "site_visits",
    "extra",
    "phones",
    "phone_ext",
    "name_key",
    "owner_id",
    "status",
    "received_at",
    "first_response_at",
    "is_contact",
)
_CLOSED = frozenset({LeadStatus.WON.value, LeadStatus.LOST.value})


@dataclass(eq=False)
class Person:
    """One lead as the run knows it: from the database (`lead_id`) or one it will add."""

    values: dict[str, Any]
    identity: Identity
    order: int
    lead_id: int | None = None
    # Its inquiries as (time, message): the same row imported again is the same inquiry.
    inquiries: set[tuple[datetime, str]] = field(default_factory=set)
    closed_at: datetime | None = None
    # Leads the rep said are someone else, and a database lead's keys on record (a new person's:
    # none, one shared empty set that nothing changes)
    apart: AbstractSet[int] = frozenset()
    stored_keys: AbstractSet[str] = frozenset()
    # What the run did to it:
    before: dict[str, Any] = field(default_factory=dict)  # a database lead's values it changed
    activities: list[tuple[str, datetime, str]] = field(default_factory=list)
    merged: int = 0
    reopened: bool = False
    # Not remembered by the run: a new lead no later row can be merged into, written with its
    # chunk (it may still be paired with).
    streamed: bool = False

    @property
    def new(self) -> bool:
        return self.lead_id is None

    def keys_to_store(self) -> list[str]:
        """Keys the lead is found by that are not on record yet."""
        return [k for k in keys_for(self.identity, self.values) if k not in self.stored_keys]

    def set(self, column: str, value: Any) -> None:
        """Change a column, remembering a database lead's value before the run's first change."""
        if self.values.get(column) == value:
            return
        if not self.new and column not in self.before:
            self.before[column] = self.values.get(column)
        self.values[column] = value


@dataclass(frozen=True)
class Pair:
    """Two people that might be one: for the rep to merge or keep apart."""

    first: Person
    second: Person
    reason: str


@dataclass
class Arrival:
    """One row, ready to be matched: its lead values, identity and how it arrived."""

    file: str
    values: dict[str, Any]
    identity: Identity
    row: ParsedLead
    inquiry: bool  # an inquiry (a waiting clock) rather than a known contact
    own_time: bool  # the row gave its received time


#: Where a run's pairs go (People.pairs unless it says otherwise).
PairSink = Callable[[Pair], None]


class People:
    """Everyone the run may meet, found by any of their keys.

    `elsewhere` finds, by identity, people the run does not hold (new leads already written that
    no row can be merged into, only paired with); `pair_sink` takes each pair found."""

    def __init__(
        self,
        now: datetime,
        *,
        elsewhere: Callable[[Identity], list[Person]] | None = None,
        pair_sink: PairSink | None = None,
    ) -> None:
        self.now = now
        self.by_key: dict[str, list[Person]] = defaultdict(list)
        self.everyone: list[Person] = []
        self.pairs: list[Pair] = []
        self._sink: PairSink = pair_sink or self.pairs.append
        self._elsewhere = elsewhere
        self._paired: set[tuple[int, int]] = set()
        self._orders = 0
        # Rows with extra fields and who they turned out to be (for the arrival hooks)
        self.arrived: list[tuple[Person, ParsedLead]] = []
        self.merged_rows = 0
        self.pair_count = 0

    def add(self, person: Person) -> Person:
        self.everyone.append(person)
        self._index(person, person.identity)
        return person

    def _index(self, person: Person, identity: Identity) -> None:
        for key in index_keys(identity):
            bucket = self.by_key[key]
            if person not in bucket:
                bucket.append(person)

    def candidates(self, identity: Identity) -> list[Person]:
        found: dict[int, Person] = {}
        for key in index_keys(identity):
            for person in self.by_key.get(key, ()):
                found.setdefault(person.order, person)
        if self._elsewhere is not None:
            for person in self._elsewhere(identity):
                found.setdefault(person.order, person)
        return sorted(found.values(), key=lambda p: p.order)

    # -- one row -----------------------------------------------------------------------------------
    def arrive(self, row: Arrival, remember: bool = True) -> tuple[Person, bool]:
        """Match a row: (its person, whether it merged into someone already known). A row that
        is `remember`=False's new person is not held (`streamed`): no later row may merge into
        it."""
        verdicts = [(compare(row.identity, p.identity), p) for p in self.candidates(row.identity)]
        same = sorted(
            (p for verdict, p in verdicts if verdict is Match.SAME),
            key=lambda p: (trust(row.identity, p.identity), p.order),
        )
        possible = [p for verdict, p in verdicts if verdict is Match.POSSIBLE]
        fresh = True  # the row says something new: a new person, or a new inquiry of one
        if same:
            target = same[0]
            fresh = self._merge(target, row)
            merged = True
            possible += same[1:]
        else:
            target = self._new(row, remember)
            merged = False
        for other in possible:
            if other is not target:
                self._pair(target, other, row.identity)
        if row.row.extra and fresh:  # the same row imported again is no new arrival
            self.arrived.append((target, row.row))
        self.merged_rows += merged
        return target, merged

    def _new(self, row: Arrival, remember: bool = True) -> Person:
        values = row.values  # the row's values become its person's (no copy of every new lead's)
        person = Person(values, row.identity, self._orders, streamed=not remember)
        self._orders += 1
        received = values["received_at"]
        if row.inquiry:
            body = values["message"] or f"Imported from {row.file}"
            person.activities.append((ActivityKind.INQUIRY.value, received, body))
            person.inquiries.add((received, values["message"]))
        if values["status"] in _CLOSED:
            person.closed_at = received
        return self.add(person) if remember else person

    def _merge(self, target: Person, row: Arrival) -> bool:
        """Merge a row into the person it is; True when it was a new inquiry of theirs."""
        if target.streamed and target.lead_id is not None:
            # Pass 1 decided no row can be one person with this lead, which is written already.
            raise AssertionError(f"row {row.row.row} would merge into a lead written already")
        values = target.values
        protected = set(values.get("edited_fields") or ())
        incoming = row.values
        if (
            row.inquiry
            and row.own_time
            and (incoming["received_at"], incoming["message"]) in (target.inquiries)
        ):
            target.merged += 1
            return False  # this very inquiry again (a file imported twice): nothing new in it
        filled = fill_empty(values, incoming, protected)
        for column, value in filled.items():
            target.set(column, value)
        if "phone" in filled:
            target.set("phone_ext", incoming.get("phone_ext", ""))
        if "tags" not in protected and incoming["tags"]:
            tags = [t for t in (values["tags"] or "").split(", ") if t]
            added = [t for t in incoming["tags"].split(", ") if t and t not in tags]
            if added:
                target.set("tags", ", ".join(tags + added))
        phones = list(values.get("phones") or [])
        known = {(p.get("number"), p.get("ext", "")) for p in phones}
        fresh = [p for p in incoming["phones"] if (p["number"], p.get("ext", "")) not in known]
        if fresh:
            target.set("phones", phones + fresh)
        if values.get("owner_id") is None and incoming.get("owner_id") is not None:
            target.set("owner_id", incoming["owner_id"])
        target.set(
            "name_key", name_key(values["first_name"], values["last_name"], values["company"])
        )
        identity = _union(target.identity, row.identity, values)
        asked = False
        if row.inquiry and row.own_time:
            asked = self._inquiry(target, row)
        elif row.inquiry and values.get("is_contact") and target.new:
            target.set("is_contact", False)
        target.identity = identity
        self._index(target, identity)
        target.merged += 1
        return asked

    def _inquiry(self, target: Person, row: Arrival) -> bool:
        """A row that asked at its own time: a re-inquiry, unless the lead already has that one."""
        when, message = row.values["received_at"], row.values["message"]
        if (when, message) in target.inquiries:
            return False
        target.inquiries.add((when, message))
        body = f"Re-inquired (import of {row.file})" + (f": {message}" if message else "")
        target.activities.append((ActivityKind.INQUIRY.value, when, body))
        values = target.values
        status = values["status"]
        if status in _CLOSED and (target.closed_at is None or when > target.closed_at):
            # A closed lead who asks again is a new inquiry: the waiting clock runs from the
            # inquiry's own time; the history stays.
            label = LeadStatus(status).label
            target.activities.append(
                (ActivityKind.STATUS_CHANGE.value, self.now, f"{label} → New: asked again")
            )
            target.set("status", LeadStatus.NEW.value)
            target.set("received_at", when)
            target.set("first_response_at", None)
            target.set("is_contact", False)
            target.closed_at = None
            target.reopened = True
        elif values.get("is_contact"):
            target.set("is_contact", False)  # a known contact who asks is an inquiry from now on
            target.set("received_at", when)
        return True

    def _pair(self, a: Person, b: Person, identity: Identity) -> None:
        first, second = sorted((a, b), key=lambda p: p.order)
        orders = (first.order, second.order)
        if orders in self._paired:
            return
        if (a.lead_id is not None and a.lead_id in b.apart) or (
            b.lead_id is not None and b.lead_id in a.apart
        ):
            return  # the rep already said these are two people
        if not (a.streamed and b.streamed):
            # Two people nobody merges into meet once, at the later one's row: only a pair with
            # someone held can be found again.
            self._paired.add(orders)
        self.pair_count += 1
        self._sink(Pair(first, second, _reason(identity, b.identity)))


def _reason(a: Identity, b: Identity) -> str:
    shared = sorted(a.phones & b.phones)
    if shared:
        return f"same phone {shared[0].replace(';', ' ext. ')}"
    if a.name_key and a.name_key == b.name_key:
        return "same name and company"
    if a.emails & b.emails:
        return "same email"
    return "one record may be the other"


def index_keys(identity: Identity) -> list[str]:
    keys = [f"k:{k}" for k in identity.keys]
    keys += [f"e:{e}" for e in identity.emails]
    keys += [f"p:{p}" for p in identity.phones]
    if identity.name_key:
        keys.append(f"n:{identity.name_key}")
    return keys


def keys_for(identity: Identity, values: dict[str, Any]) -> list[str]:
    """The keys a lead is found by besides its own e-mail and phone columns: its stable ids, its
    other e-mails ("email:…") and its other phones ("phone:…")."""
    main_phone = values.get("phone", "")
    ext = values.get("phone_ext", "")
    main = f"{main_phone};{ext}" if ext else main_phone
    keys = sorted(identity.keys)
    keys += [f"email:{e}" for e in sorted(identity.emails) if e != values.get("email")]
    keys += [f"phone:{p}" for p in sorted(identity.phones) if p != main]
    return keys


def _union(a: Identity, b: Identity, values: dict[str, Any]) -> Identity:
    return Identity(
        emails=a.emails | b.emails,
        phones=a.phones | b.phones,
        keys=a.keys | b.keys,
        first=values["first_name"],
        last=values["last_name"],
        company=values["company"],
    )
