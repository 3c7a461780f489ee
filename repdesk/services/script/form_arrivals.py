"""Form answers of one import chunk at once: one read of its leads, bulk writes of the form
qualifications, their notes and the leads' provisional verdicts (an import of 100,000 rows stays an
import, not 100,000 small transactions' worth of statements)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import TableClause, bindparam, insert, select, update
from sqlalchemy.orm import Session

from repdesk.core.domain import ActivityKind, LeadStatus, Verdict
from repdesk.core.email_rules import Template
from repdesk.core.form_match import FormMatch, FormMatcher
from repdesk.core.form_plan import FORM_ID_FIELD
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.script.form_mappings import offer_mappings
from repdesk.services.script.script_service import ScriptService, StoredBundle
from repdesk.store.bulk import in_values
from repdesk.store.models import ActivityRecord, LeadRecord, QualificationRecord


class LeadLike(Protocol):
    """What a form qualification reads of its lead: an ORM record or a bulk import's row."""

    product: str
    source: str
    email: str
    first_name: str
    last_name: str
    company: str
    title: str
    message: str


@dataclass(frozen=True)
class Prepared:
    """A form qualification before it is written: its columns, verdict, note and time frame."""

    values: dict[str, Any]
    verdict: Verdict
    note: str
    time_frame: str


class ArrivalService(Protocol):
    """What taking a chunk's answers needs of services.script.form_answers.FormAnswerService."""

    @property
    def scripts(self) -> ScriptService: ...

    def mapping(self, session: Session) -> dict[str, str]: ...

    def matcher(
        self, current: StoredBundle, product: str | None, mapping: Mapping[str, str]
    ) -> FormMatcher: ...

    def reply_templates(self, session: Session) -> Mapping[tuple[str, str], Template]: ...

    def prepare(
        self,
        lead: LeadLike,
        match: FormMatch,
        current: StoredBundle,
        templates: Mapping[tuple[str, str], Template],
    ) -> Prepared: ...

    def record(
        self,
        session: Session,
        lead: LeadRecord,
        match: FormMatch,
        now: datetime,
        *,
        import_id: int | None = None,
        current: StoredBundle | None = None,
    ) -> QualificationRecord: ...


@dataclass
class LeadFacts:
    """What a form qualification needs of its lead (a Core row, not an ORM object)."""

    id: int
    product: str
    source: str
    status: str
    email: str
    first_name: str
    last_name: str
    company: str
    title: str
    message: str
    extra: dict[str, Any]
    #: Set once its answers are taken: the provisional verdict and time frame to write.
    form: tuple[str, str] | None = None


def take_arrivals(
    service: ArrivalService,
    session: Session,
    pairs: Sequence[tuple[int, ParsedLead]],
    import_id: int,
    now: datetime,
    *,
    route: bool,
) -> None:
    """The answers among each row's extra fields become its lead's form qualification, and those
    fields stop being extras; rows naming no question may offer their form for mapping. `route`:
    a form-qualified lead goes to a rep (one at a time: each hand-over counts for the next)."""
    current = service.scripts.current_in(session)
    mapping = service.mapping(session)
    every = service.matcher(current, None, mapping)
    names: dict[tuple[str, ...], bool] = {}  # the rows of one form share their field names
    candidates: list[tuple[int, ParsedLead]] = []
    others: list[tuple[int, ParsedLead]] = []
    for lead_id, row in pairs:
        keys = tuple(row.extra)
        hit = names.get(keys)
        if hit is None:
            hit = names[keys] = every.names_a_question(keys)
        (candidates if hit else others).append((lead_id, row))
    offer_mappings(session, others, now)
    if not candidates:
        return
    facts = _facts(session, sorted({lead_id for lead_id, _ in candidates}))
    templates = service.reply_templates(session)  # the not-a-fit reply, as the user edited it
    qualifications: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    changed: dict[int, LeadFacts] = {}
    one_by_one: list[tuple[int, FormMatch]] = []
    for lead_id, row in candidates:
        lead = facts.get(lead_id)
        if lead is None:
            continue
        match = service.matcher(current, lead.product, mapping).match(row.extra)
        if not match.matched:
            continue
        taken = set(match.fields.values()) | ({FORM_ID_FIELD} if match.form_id else set())
        lead.extra = {k: v for k, v in lead.extra.items() if k not in taken}
        prepared = service.prepare(lead, match, current, templates)
        closed = LeadStatus(lead.status).is_closed
        if prepared.verdict is Verdict.QUALIFIED and route and not closed:
            one_by_one.append((lead_id, match))  # routing reads the month's hand-overs so far
            changed[lead_id] = lead
            continue
        qualifications.append(
            {
                **prepared.values,
                "lead_id": lead_id,
                "import_id": import_id,
                "started_at": now,
                "completed_at": now,
            }
        )
        notes.append(
            {
                "lead_id": lead_id,
                "kind": ActivityKind.NOTE.value,
                "occurred_at": now,
                "body": prepared.note,
                "import_id": import_id,
            }
        )
        lead.form = (prepared.verdict.value, prepared.time_frame)
        changed[lead_id] = lead
    connection = session.connection()
    if qualifications:
        connection.execute(insert(QualificationRecord), qualifications)
        connection.execute(insert(ActivityRecord), notes)
    table = cast(TableClause, LeadRecord.__table__)
    params = [
        {
            "lead_id_": lead.id,
            "v_form_verdict": lead.form[0],
            "v_form_note": lead.form[1],
            "v_extra": lead.extra,
            "v_updated_at": now,
        }
        for lead in changed.values()
        if lead.form is not None
    ]
    if params:
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("lead_id_"))
            .values(
                {
                    table.c[key]: bindparam("v_" + key, type_=table.c[key].type)
                    for key in ("form_verdict", "form_note", "extra", "updated_at")
                }
            ),
            params,
        )
    for lead_id, match in one_by_one:
        record = session.get(LeadRecord, lead_id)
        if record is not None:
            record.extra = changed[lead_id].extra
            service.record(session, record, match, now, import_id=import_id, current=current)
    session.flush()  # the import's next chunk reads leads with Core statements


def _facts(session: Session, ids: Sequence[int]) -> dict[int, LeadFacts]:
    connection = session.connection()
    dialect = connection.dialect.name
    found: dict[int, LeadFacts] = {}
    columns = (
        LeadRecord.id,
        LeadRecord.product,
        LeadRecord.source,
        LeadRecord.status,
        LeadRecord.email,
        LeadRecord.first_name,
        LeadRecord.last_name,
        LeadRecord.company,
        LeadRecord.title,
        LeadRecord.message,
        LeadRecord.extra,
    )
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for row in connection.execute(
            select(*columns).where(in_values(LeadRecord.id, chunk, dialect))
        ):
            m = row._mapping
            found[m["id"]] = LeadFacts(
                id=m["id"],
                product=m["product"] or "",
                source=m["source"] or "",
                status=m["status"],
                email=m["email"] or "",
                first_name=m["first_name"] or "",
                last_name=m["last_name"] or "",
                company=m["company"] or "",
                title=m["title"] or "",
                message=m["message"] or "",
                extra=dict(m["extra"] or {}),
            )
    return found


__all__ = ["ArrivalService", "LeadFacts", "LeadLike", "Prepared", "take_arrivals"]
