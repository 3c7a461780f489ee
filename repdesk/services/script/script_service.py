"""Question sets and verdict rules in the store: seeding, versions, the current bundle, file export
and import."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.questions import QuestionSet, SetKind
from repdesk.core.verdict_rules import RuleSet, rules_from_data
from repdesk.formats.script_file import ScriptBundle, ScriptFileError, dump, load, load_default
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.script.script_conflicts import (
    ScriptConflict,
    ScriptVersions,
    StaleScriptError,
    moved_to_theirs,
    newer_rules,
    newer_set,
    rules_at,
    same_set,
    set_at,
)
from repdesk.services.script.script_records import (
    Stamp,
    latest_sets,
    read_stamp,
    rules_data,
    set_record,
    sets_by_ids,
    to_set,
)
from repdesk.services.script.script_text import check_bundle, parse_rules_text, rules_text
from repdesk.store.models import QuestionSetRecord, RuleSetRecord


@dataclass(frozen=True)
class StoredBundle:
    """The current sets and rules with the store ids of the versions in use."""

    bundle: ScriptBundle
    set_ids: dict[str, int]
    rule_set_id: int
    versions: ScriptVersions = ScriptVersions()
    """The newest stored version of every set (listed or not) and of the rules: what an edit
    starts from, so that a save from a stale view is refused."""

    def sets_for_product(self, product: str) -> tuple[QuestionSet, ...]:
        """The sets a run asks for a lead of `product`: the core set, then that product's set."""
        core = [s for s in self.bundle.sets if s.kind is SetKind.CORE]
        extra = [
            s
            for s in self.bundle.sets
            if s.kind is SetKind.PRODUCT and product and s.product == product
        ]
        return tuple(core + extra[:1])


@dataclass(frozen=True)
class SaveResult:
    """Which sets got a new version and whether the rules did; `changes` for the UI."""

    new_versions: dict[str, int]
    rules_version: int | None

    @property
    def changed(self) -> bool:
        return bool(self.new_versions) or self.rules_version is not None

    @property
    def changes(self) -> Changes:
        return Changes(scripts=self.changed)

    def describe(self) -> str:
        if not self.changed:
            return "Nothing changed: every set and the rules are already stored."
        parts = [f"{key} v{version}" for key, version in self.new_versions.items()]
        if self.rules_version is not None:
            parts.append(f"rules v{self.rules_version}")
        return "Stored new versions: " + ", ".join(parts) + "."


class ScriptService:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock
        # Every call is a script run: the current bundle (checked against the stamp, one small
        # query) and the set and rule versions by id (never changed once committed) are kept
        # instead of being read again each time.
        self._current: tuple[Stamp, StoredBundle] | None = None
        self._committed: Stamp | None = None  # the newest stamp read: rows up to it are final
        self._sets: dict[int, QuestionSet] = {}
        self._rules: dict[int, RuleSet] = {}

    # -- reading ---------------------------------------------------------------------------------
    def current(self) -> StoredBundle:
        """The current sets and rules; seeds the shipped defaults (version 1) on first use (only
        then a writing transaction: reading them never waits for an import's write lock)."""
        with self._sessions() as session:
            if session.scalar(select(RuleSetRecord.id).limit(1)) is not None:
                return self.current_in(session)
        with self._sessions.begin() as session:
            return self.current_in(session)

    def current_bundle(self) -> ScriptBundle:
        return self.current().bundle

    def current_in(self, session: Session, stamp: Stamp | None = None) -> StoredBundle:
        """The current bundle as `session` sees it: kept while the stamp stays the same. `stamp`:
        read already (stamp_columns() in the caller's own query), else read here."""
        stamp = stamp if stamp is not None else read_stamp(session)
        if self._current is not None and self._current[0] == stamp:
            return self._current[1]
        current = self._read_current(session)
        if stamp[0] and stamp[2]:  # nothing was seeded just now (that could still roll back)
            self._current, self._committed = (stamp, current), stamp
        return current

    def sets_in(self, session: Session, set_ids: Sequence[int]) -> tuple[QuestionSet, ...]:
        """sets_by_ids, with the versions already read (committed ones) kept by id."""
        missing = sorted({i for i in set_ids if i not in self._sets})
        read: dict[int, QuestionSet] = {}
        if missing:
            records = session.scalars(
                select(QuestionSetRecord).where(QuestionSetRecord.id.in_(missing))
            )
            read = {r.id: to_set(r) for r in records}
            final = self._committed[2] if self._committed is not None else 0
            self._sets.update((i, qs) for i, qs in read.items() if i <= final)
        known = {**read, **{i: self._sets[i] for i in set_ids if i in self._sets}}
        return tuple(known[i] for i in set_ids if i in known)

    def rules_in(self, session: Session, rule_set_id: int | None) -> RuleSet | None:
        """The rules of that stored version (None: no such version), kept by id."""
        if rule_set_id is None:
            return None
        if rule_set_id in self._rules:
            return self._rules[rule_set_id]
        record = session.get(RuleSetRecord, rule_set_id)
        if record is None:
            return None
        rules = rules_from_data(record.rules)
        if self._committed is not None and rule_set_id <= self._committed[0]:
            self._rules[rule_set_id] = rules
        return rules

    def _read_current(self, session: Session) -> StoredBundle:
        rule_record = session.scalars(
            select(RuleSetRecord).order_by(RuleSetRecord.version.desc()).limit(1)
        ).first()
        if rule_record is None:
            self._seed(session)
            rule_record = session.scalars(
                select(RuleSetRecord).order_by(RuleSetRecord.version.desc())
            ).first()
            assert rule_record is not None
        data = dict(rule_record.rules)
        keys: list[str] = list(data.get("sets", []))
        latest = latest_sets(session, keys)
        sets = tuple(latest[k][0] for k in keys if k in latest)
        every = session.execute(
            select(QuestionSetRecord.key, func.max(QuestionSetRecord.version)).group_by(
                QuestionSetRecord.key
            )
        )
        return StoredBundle(
            ScriptBundle(sets, rules_from_data(data)),
            {k: latest[k][1] for k in keys if k in latest},
            rule_record.id,
            ScriptVersions({key: int(v) for key, v in every}, rule_record.version),
        )

    def sets_by_ids(self, set_ids: Sequence[int]) -> tuple[QuestionSet, ...]:
        """The exact set versions with these store ids, in the given order (a past run's
        questions)."""
        with self._sessions() as session:
            return sets_by_ids(session, set_ids)

    def rules_by_id(self, rule_set_id: int | None) -> RuleSet:
        with self._sessions() as session:
            record = session.get(RuleSetRecord, rule_set_id) if rule_set_id is not None else None
            if record is None:
                return self.current_bundle().rules
            return rules_from_data(record.rules)

    def versions(self, key: str) -> list[int]:
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(QuestionSetRecord.version)
                    .where(QuestionSetRecord.key == key)
                    .order_by(QuestionSetRecord.version)
                )
            )

    # -- writing ---------------------------------------------------------------------------------
    def save_bundle(
        self, bundle: ScriptBundle, *, seen: ScriptVersions | None = None
    ) -> SaveResult:
        """Store a new version of every set (and the rules) that changed; nothing is stored on a
        problem. `seen`: the versions the edit started from (StoredBundle.versions). A part this
        save changed that someone else stored a newer version of meanwhile refuses the whole save
        (StaleScriptError: who, what, when); a part it did not change keeps theirs. Without
        `seen` (a file import), the bundle replaces whatever is stored."""
        check_bundle(bundle)
        for _attempt in range(3):
            try:
                return self._save(bundle, seen)
            except IntegrityError:
                # Someone stored the same version number at the same moment (the unique index
                # refused the second): look again; with `seen`, the next try names theirs.
                continue
        raise UserError("The script kept changing while it was saved; nothing was saved.")

    def _save(self, bundle: ScriptBundle, seen: ScriptVersions | None) -> SaveResult:
        now = self._clock()
        with self._sessions.begin() as session:
            base = seen if seen is not None else self.current_in(session).versions
            conflicts: list[ScriptConflict] = []
            new_versions: dict[str, int] = {}
            for s in bundle.sets:
                version = base.sets.get(s.key, 0)
                if version and same_set(set_at(session, s.key, version), s):
                    continue  # not changed here: a newer version of theirs stays
                newer = newer_set(session, s.key, version)
                if newer is not None:
                    conflicts.append(newer)
                    continue
                session.add(set_record(s, version + 1, now))
                new_versions[s.key] = version + 1
            keys = [s.key for s in bundle.sets]
            rules_version = None
            if rules_at(session, base.rules) != (bundle.rules, keys):
                newer = newer_rules(session, base.rules)
                if newer is not None:
                    conflicts.append(newer)
                else:
                    rules_version = base.rules + 1
                    session.add(
                        RuleSetRecord(
                            version=rules_version,
                            rules=rules_data(bundle.rules, keys),
                            created_at=now,
                        )
                    )
            if conflicts:
                raise StaleScriptError(conflicts, moved_to_theirs(base, conflicts))
        return SaveResult(new_versions, rules_version)

    def export_text(self) -> str:
        """Every current set and the rules as one human-editable script file."""
        bundle = self.current_bundle()
        return dump(bundle.sets, bundle.rules)

    def import_text(self, text: str) -> SaveResult:
        """Validate a whole script file, then store new versions; UserError names the line on a
        problem."""
        try:
            bundle = load(text)
        except ScriptFileError as exc:
            raise UserError(str(exc)) from None
        return self.save_bundle(bundle)

    def _seed(self, session: Session) -> None:
        now = self._clock()
        bundle = load_default()
        existing = latest_sets(session, [s.key for s in bundle.sets])
        for s in bundle.sets:
            if s.key not in existing:
                session.add(set_record(s, 1, now))
        session.add(
            RuleSetRecord(
                version=1,
                rules=rules_data(bundle.rules, [s.key for s in bundle.sets]),
                created_at=now,
            )
        )
        session.flush()


__all__ = [
    "SaveResult",
    "ScriptVersions",
    "StaleScriptError",
    "ScriptBundle",  # the sets and rules a save or an import takes (formats.script_file's)
    "ScriptService",
    "StoredBundle",
    "check_bundle",
    "parse_rules_text",
    "rules_text",
    "sets_by_ids",
]
