"""Keeps leads' journey stage in step with their latest qualification answers and engagement (bulk,
Core)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from repdesk.core.journey import Engagement, journey_stage
from repdesk.store.bulk import in_values
from repdesk.store.models import LeadRecord, QualificationRecord

CHUNK = 2000


def refresh_journey_stages(
    session: Session, lead_ids: Iterable[int] | None = None, *, with_signals_only: bool = False
) -> int:
    """Recompute `journey_stage` for the given leads (all leads when None); returns how many
    changed.

    Runs inside the caller's transaction, so an import or a finished qualification can call it.
    `with_signals_only` skips leads with no engagement and no qualification: their stage cannot
    have moved (an import of plain contacts then costs one indexed query per chunk).
    """
    changed = 0
    dialect = session.get_bind().dialect.name
    for chunk in _chunks(lead_ids):
        leads = select(
            LeadRecord.id,
            LeadRecord.journey_stage,
            LeadRecord.email_opens,
            LeadRecord.email_clicks,
            LeadRecord.site_visits,
        )
        if with_signals_only:
            leads = leads.where(
                or_(
                    LeadRecord.email_opens > 0,
                    LeadRecord.email_clicks > 0,
                    LeadRecord.site_visits > 0,
                    # Correlated: one index lookup per lead, not every qualification read.
                    select(QualificationRecord.id)
                    .where(QualificationRecord.lead_id == LeadRecord.id)
                    .exists(),
                )
            )
        quals = (
            select(QualificationRecord.lead_id, QualificationRecord.answers)
            .where(
                QualificationRecord.is_draft.is_(False),
                QualificationRecord.completed_at.is_not(None),
            )
            .order_by(
                QualificationRecord.lead_id,
                QualificationRecord.completed_at,
                QualificationRecord.id,
            )
        )
        if chunk is not None:
            leads = leads.where(in_values(LeadRecord.id, chunk, dialect))
            quals = quals.where(in_values(QualificationRecord.lead_id, chunk, dialect))
        latest: dict[int, Any] = {}
        for lead_id, answers in session.execute(quals):
            latest[lead_id] = answers  # ordered by completion: the last one wins
        updates = []
        for lead_id, current, opens, clicks, visits in session.execute(leads):
            answers = latest.get(lead_id)
            stage = journey_stage(
                answers if isinstance(answers, dict) else None,
                Engagement(opens or 0, clicks or 0, visits or 0),
            )
            if stage.value != current:
                updates.append({"id": lead_id, "journey_stage": stage.value})
        if updates:
            session.execute(update(LeadRecord), updates)  # ORM bulk UPDATE by primary key
            changed += len(updates)
    return changed


def journey_lead_hook(session: Session, lead: LeadRecord, now: datetime) -> None:
    """LeadService hook: a changed lead's stage follows its answers and engagement (the lead as
    the action holds it, and one read of its latest answers)."""
    answers = session.scalar(
        select(QualificationRecord.answers)
        .where(
            QualificationRecord.lead_id == lead.id,
            QualificationRecord.is_draft.is_(False),
            QualificationRecord.completed_at.is_not(None),
        )
        .order_by(QualificationRecord.completed_at.desc(), QualificationRecord.id.desc())
        .limit(1)
    )
    stage = journey_stage(
        answers if isinstance(answers, dict) else None,
        Engagement(lead.email_opens or 0, lead.email_clicks or 0, lead.site_visits or 0),
    )
    if stage.value != lead.journey_stage:
        lead.journey_stage = stage.value


def journey_import_hook(session: Session, lead_ids: list[int], now: datetime) -> None:
    """ImportService hook: imported engagement counts move the stage in the import's transaction."""
    refresh_journey_stages(session, lead_ids, with_signals_only=True)


def _chunks(lead_ids: Iterable[int] | None) -> Iterator[Sequence[int] | None]:
    if lead_ids is None:
        yield None
        return
    ids = list(lead_ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]
