"""Follow-ups read for the calendar in batches: one row per step with its lead's details, and what a
reminder says about the lead (latest note, open qualification questions), read per batch."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from repdesk.core.contact import display_name
from repdesk.core.domain import ActivityKind, FollowUpStatus
from repdesk.formats.ics import Reminder
from repdesk.services.followups.step_queries import LeadName
from repdesk.store.bulk import in_values
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord, QualificationRecord

_NOT_DIGITS = re.compile(r"\D+")


class StepRow(NamedTuple):
    """One follow-up and the lead fields its reminder shows."""

    id: int
    lead_id: int
    due_at: datetime
    kind: str
    note: str
    status: str
    sequence: int
    updated_at: datetime
    legacy_uid: str | None
    first_name: str
    last_name: str
    company: str
    email: str
    phone: str
    verdict: str | None
    score: int | None


STEP_COLUMNS = (
    FollowUpRecord.id,
    FollowUpRecord.lead_id,
    FollowUpRecord.due_at,
    FollowUpRecord.kind,
    FollowUpRecord.note,
    FollowUpRecord.status,
    FollowUpRecord.sequence,
    FollowUpRecord.updated_at,
    FollowUpRecord.legacy_uid,
    LeadRecord.first_name,
    LeadRecord.last_name,
    LeadRecord.company,
    LeadRecord.email,
    LeadRecord.phone,
    LeadRecord.verdict,
    LeadRecord.score,
)


def to_reminder(
    step: StepRow,
    *,
    uid: str,
    minutes: int,
    alarm: int | None,
    last_note: str = "",
    open_questions: Iterable[str] = (),
) -> Reminder:
    """One follow-up as a calendar event; cancelled when the step is done or cancelled."""
    name = display_name(
        LeadName(
            step.lead_id, step.first_name, step.last_name, step.company, step.email, step.phone
        )
    )
    who = f"{name} ({step.company})" if step.company and step.company != name else name
    summary = {"call": f"Call {who}", "email": f"Email {who}"}.get(step.kind)
    if summary is None:
        summary = f"Task: {step.note} — {who}" if step.note else f"Task: {who}"
    lines = []
    tel = tel_uri(step.phone)
    for label, value in (("Phone", step.phone), ("Email", step.email), ("Company", step.company)):
        if value:
            lines.append(f"{label}: {value}" + (f" ({tel})" if label == "Phone" and tel else ""))
    if last_note:
        lines.append(f"Last note: {last_note}")
    if step.verdict:
        verdict = step.verdict.replace("_", " ")
        lines.append(
            f"Verdict: {verdict}" + (f" (score {step.score})" if step.score is not None else "")
        )
    asks = [step.note] if step.note else []
    asks += list(open_questions)
    if asks:
        lines.append("Ask: " + "; ".join(asks))
    # The tel: link is the event's URL and is in its description; LOCATION is a place, and
    # calendars that look a tel: link up on a map (or refuse it) get none.
    return Reminder(
        uid=uid,
        sequence=step.sequence,
        start=step.due_at,
        duration_minutes=minutes,
        summary=summary,
        description="\n".join(lines),
        url=tel,
        cancelled=step.status != FollowUpStatus.PENDING.value,
        alarm_minutes=alarm,
        last_modified=step.updated_at,
    )


def tel_uri(phone: str) -> str | None:
    """`tel:+15551234567` for a dialable number (RFC 3966 global form when it starts with +)."""
    digits = _NOT_DIGITS.sub("", phone)
    if not digits:
        return None
    return f"tel:+{digits}" if phone.strip().startswith("+") else f"tel:{digits}"


def latest_notes(session: Session, lead_ids: Sequence[int]) -> dict[int, str]:
    """The newest note activity per lead; leads without one fall back to their notes field."""
    if not lead_ids:
        return {}
    chunk = list(lead_ids)
    dialect = session.get_bind().dialect.name
    found: dict[int, str] = {}
    newest = (
        select(ActivityRecord.lead_id, func.max(ActivityRecord.id).label("last_id"))
        .where(
            in_values(ActivityRecord.lead_id, chunk, dialect),
            ActivityRecord.kind == ActivityKind.NOTE.value,
            ActivityRecord.body != "",
        )
        .group_by(ActivityRecord.lead_id)
        .subquery()
    )
    for lead_id, body in session.execute(
        select(ActivityRecord.lead_id, ActivityRecord.body).join(
            newest, ActivityRecord.id == newest.c.last_id
        )
    ):
        found[lead_id] = body
    for lead_id, notes in session.execute(
        select(LeadRecord.id, LeadRecord.notes).where(
            in_values(LeadRecord.id, chunk, dialect), LeadRecord.notes != ""
        )
    ):
        found.setdefault(lead_id, notes.strip().splitlines()[-1] if notes.strip() else "")
    return {k: v for k, v in found.items() if v}


def open_questions(
    session: Session, lead_ids: Sequence[int], questions_of: dict[tuple[int, ...], list[Any]]
) -> dict[int, tuple[str, ...]]:
    """Required questions that apply but the lead's latest qualification left unanswered (their
    prompts); `questions_of` caches the questions of each set combination across batches."""
    from repdesk.core.scoring import applicable_questions, effective_answers
    from repdesk.core.verdict_rules import asked_questions
    from repdesk.services.script.answer_json import answers_from_json
    from repdesk.services.script.script_service import sets_by_ids

    result: dict[int, tuple[str, ...]] = {}
    if not lead_ids:
        return result
    dialect = session.get_bind().dialect.name
    newest = (
        select(func.max(QualificationRecord.id))
        .where(in_values(QualificationRecord.lead_id, list(lead_ids), dialect))
        .group_by(QualificationRecord.lead_id)
    )
    for q in session.scalars(select(QualificationRecord).where(QualificationRecord.id.in_(newest))):
        key = tuple(q.set_ids or [])
        if key not in questions_of:
            questions_of[key] = asked_questions(sets_by_ids(session, list(key)))
        questions = questions_of[key]
        answers = answers_from_json(questions, q.answers or {})
        given = effective_answers(questions, answers)
        prompts = [
            x.prompt
            for x in applicable_questions(questions, answers)
            if x.required and x.key not in given
        ]
        if prompts:
            result[q.lead_id] = tuple(prompts)
    return result
