"""Saving the script from a stale view: which question sets and rules someone else stored a newer
version of meanwhile, who and when, so the save is refused instead of reverting theirs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from repdesk.core.questions import QuestionSet
from repdesk.core.verdict_rules import RuleSet, rules_from_data
from repdesk.services.common.errors import UserError
from repdesk.services.script.script_records import to_set
from repdesk.store.models import QuestionSetRecord, RepRecord, RuleSetRecord

RULES = "rules"  # the key of the verdict rules among the parts of a script


@dataclass(frozen=True)
class ScriptVersions:
    """The versions an edit of the script started from: each set's, by key, and the rules'."""

    sets: Mapping[str, int] = field(default_factory=dict)
    rules: int = 0


@dataclass(frozen=True)
class ScriptConflict:
    part: str  # a set's key, or RULES
    name: str  # "the set Core questions", "the rules"
    version: int  # the newer version stored meanwhile
    who: str  # the rep's name, or "Someone" (a solo file's other window, the database's owner)
    when: datetime


class StaleScriptError(UserError):
    """Someone stored newer versions of parts this save changed; nothing was saved. `current`: the
    versions to save on top of to keep mine (the conflicting parts moved to theirs)."""

    def __init__(self, conflicts: list[ScriptConflict], current: ScriptVersions) -> None:
        first = conflicts[0]
        more = len(conflicts) - 1
        others = f" (and {more} more)" if more else ""
        super().__init__(
            f"{first.who} stored {first.name} v{first.version} at "
            f"{first.when.astimezone():%H:%M}{others} while you were editing; nothing was saved."
        )
        self.conflicts = conflicts
        self.current = current


def moved_to_theirs(seen: ScriptVersions, conflicts: list[ScriptConflict]) -> ScriptVersions:
    """`seen` with the conflicting parts at their newer versions: saving on top keeps mine."""
    sets = {**seen.sets, **{c.part: c.version for c in conflicts if c.part != RULES}}
    rules = next((c.version for c in conflicts if c.part == RULES), seen.rules)
    return ScriptVersions(sets, rules)


def set_at(session: Session, key: str, version: int) -> QuestionSet | None:
    record = session.scalars(
        select(QuestionSetRecord).where(
            QuestionSetRecord.key == key, QuestionSetRecord.version == version
        )
    ).first()
    return None if record is None else to_set(record)


def rules_at(session: Session, version: int) -> tuple[RuleSet, list[str]] | None:
    record = session.scalars(select(RuleSetRecord).where(RuleSetRecord.version == version)).first()
    if record is None:
        return None
    data = dict(record.rules)
    return rules_from_data(data), list(data.get("sets", []))


def same_set(a: QuestionSet | None, b: QuestionSet) -> bool:
    """The same content, whichever version number each carries."""
    return a is not None and replace(a, version=0) == replace(b, version=0)


def newer_set(session: Session, key: str, seen: int) -> ScriptConflict | None:
    """The newest version of a set when it is past the one seen."""
    record = session.scalars(
        select(QuestionSetRecord)
        .where(QuestionSetRecord.key == key, QuestionSetRecord.version > seen)
        .order_by(QuestionSetRecord.version.desc())
        .limit(1)
    ).first()
    if record is None:
        return None
    who = _who(session, record.created_by)
    return ScriptConflict(key, f"the set {record.name}", record.version, who, record.created_at)


def newer_rules(session: Session, seen: int) -> ScriptConflict | None:
    record = session.scalars(
        select(RuleSetRecord)
        .where(RuleSetRecord.version > seen)
        .order_by(RuleSetRecord.version.desc())
        .limit(1)
    ).first()
    if record is None:
        return None
    who = _who(session, record.created_by)
    return ScriptConflict(RULES, "the rules", record.version, who, record.created_at)


def _who(session: Session, rep_id: int | None) -> str:
    if rep_id is None:
        return "Someone"
    return session.scalar(select(RepRecord.name).where(RepRecord.id == rep_id)) or "Someone"
