"""The form answers part of the report: each lead's form answers beside its next call's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from repdesk.core.form_learning import FormCallPair, FormLearning, form_learning
from repdesk.store.models import LeadRecord, QualificationRecord

FORM = "form"


def form_learning_in(session: Session, cohort: Sequence[ColumnElement[bool]]) -> FormLearning:
    """Pairs each form qualification of the cohort's leads with the first call qualification
    finished after it; a form not called on yet is waiting."""
    # The cohort's leads (their received-time range) that have a form answer (by lead).
    answered = (
        select(QualificationRecord.id)
        .where(QualificationRecord.lead_id == LeadRecord.id, QualificationRecord.origin == FORM)
        .exists()
    )
    forms = select(LeadRecord.id.label("lead_id")).where(answered, *cohort).subquery()
    rows = session.execute(
        select(
            QualificationRecord.lead_id,
            QualificationRecord.origin,
            QualificationRecord.form_id,
            QualificationRecord.answers,
            QualificationRecord.verdict,
            LeadRecord.source,
        )
        .join(LeadRecord, LeadRecord.id == QualificationRecord.lead_id)
        .where(
            # IN, not a join: the leads with a form answer drive, their qualifications are found
            # by lead (a join had SQLite walk every qualification).
            QualificationRecord.lead_id.in_(select(forms.c.lead_id)),
            QualificationRecord.is_draft.is_(False),
            QualificationRecord.completed_at.is_not(None),
        )
        .order_by(
            QualificationRecord.lead_id,
            QualificationRecord.completed_at,
            QualificationRecord.id,
        )
    )
    pairs: list[FormCallPair] = []
    waiting = 0
    pending: dict[int, Any] = {}
    for lead_id, origin, form_id, answers, verdict, source in rows:
        if origin == FORM:
            waiting += lead_id not in pending  # a newer form replaces one not called on yet
            pending[lead_id] = (form_id or "", source or "", answers or {}, verdict or "")
        elif lead_id in pending:
            form_id_, source_, form_answers, form_verdict = pending.pop(lead_id)
            waiting -= 1
            pairs.append(
                FormCallPair(
                    form_id_, source_, form_answers, form_verdict, answers or {}, verdict or ""
                )
            )
    return form_learning(pairs, waiting)


def form_learning_json(f: FormLearning, prompts: dict[str, str]) -> dict[str, Any]:
    """The `form_answers` object of `repdesk report --json`."""

    def group(rows: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": a.name,
                "called": a.leads,
                "verdicts_agreed": a.agreed,
                "agreement_share": a.agreement_share,
                "answers_compared": a.answers_compared,
                "answers_changed": a.answers_changed,
                "changed_share": a.changed_share,
            }
            for a in rows
        ]

    return {
        "called": f.called,
        "waiting_for_a_call": f.waiting,
        "verdicts_agreed": f.agreed,
        "agreement_share": f.agreement_share,
        "questions": [
            {
                "key": q.key,
                "prompt": prompts.get(q.key, q.key),
                "compared": q.compared,
                "changed": q.changed,
                "changed_share": q.changed_share,
            }
            for q in f.questions
        ],
        "by_form": group(f.by_form),
        "by_source": group(f.by_source),
    }
