"""The stored question sets and rule sets as rows: the newest sets, sets by id, a set's new row, and
the stamp that tells whether any of them changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from repdesk.core.questions import QuestionSet, question_set_from_data, question_set_to_data
from repdesk.core.verdict_rules import RuleSet, rules_to_data
from repdesk.store.models import QuestionSetRecord, RuleSetRecord

#: What the stored sets and rules are at a moment: each table's highest id and row count. Rows are
#: never changed or deleted (an edit stores a new version), so an equal stamp means equal tables.
Stamp = tuple[int, int, int, int]


def stamp_columns() -> list[Any]:
    """The stamp as four columns another query can carry: the rule sets' highest id and count,
    and the question sets' (0 for none); stamp_of() reads them back."""
    parts = []
    for model in (RuleSetRecord, QuestionSetRecord):
        parts.append(select(func.coalesce(func.max(model.id), 0)).scalar_subquery())
        parts.append(select(func.count()).select_from(model).scalar_subquery())
    return parts


def stamp_of(values: Sequence[Any]) -> Stamp:
    a, b, c, d = values
    return int(a), int(b), int(c), int(d)


def read_stamp(session: Session) -> Stamp:
    return stamp_of(session.execute(select(*stamp_columns())).one())


def sets_by_ids(session: Session, set_ids: Sequence[int]) -> tuple[QuestionSet, ...]:
    records = {
        r.id: r
        for r in session.scalars(select(QuestionSetRecord).where(QuestionSetRecord.id.in_(set_ids)))
    }
    return tuple(to_set(records[i]) for i in set_ids if i in records)


def latest_sets(session: Session, keys: Sequence[str]) -> dict[str, tuple[QuestionSet, int]]:
    if not keys:
        return {}
    newest = (
        select(QuestionSetRecord.key, func.max(QuestionSetRecord.version).label("v"))
        .where(QuestionSetRecord.key.in_(list(keys)))
        .group_by(QuestionSetRecord.key)
        .subquery()
    )
    records = session.scalars(
        select(QuestionSetRecord).join(
            newest,
            (QuestionSetRecord.key == newest.c.key) & (QuestionSetRecord.version == newest.c.v),
        )
    )
    return {r.key: (to_set(r), r.id) for r in records}


def to_set(record: QuestionSetRecord) -> QuestionSet:
    data = {
        "key": record.key,
        "name": record.name,
        "kind": record.kind,
        "product": record.product,
        "questions": record.questions,
    }
    return question_set_from_data(data, version=record.version)


def set_record(s: QuestionSet, version: int, now: datetime) -> QuestionSetRecord:
    data = question_set_to_data(replace(s, version=version))
    return QuestionSetRecord(
        key=s.key,
        kind=s.kind.value,
        product=s.product,
        name=s.name,
        version=version,
        questions=data["questions"],
        created_at=now,
    )


def rules_data(rules: RuleSet, set_keys: list[str]) -> dict[str, Any]:
    # The rule set row also lists the current sets in asking order, so removing a set is a new
    # version too.
    return {**rules_to_data(rules), "sets": set_keys}
