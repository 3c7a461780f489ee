"""A lead's history as its timeline shows it: every field change, who and when, owners by name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from repdesk.services.leads.lead_rows import HistoryRow
from repdesk.store.models import LeadHistoryRecord, RepRecord

_By = aliased(RepRecord)


def lead_history(session: Session, lead_id: int, limit: int = 500) -> list[HistoryRow]:
    rows = session.execute(
        select(LeadHistoryRecord, _By.name)
        .outerjoin(_By, _By.id == LeadHistoryRecord.rep_id)
        .where(LeadHistoryRecord.lead_id == lead_id)
        .order_by(LeadHistoryRecord.changed_at.desc(), LeadHistoryRecord.id.desc())
        .limit(limit)
    ).all()
    owners = {
        int(v)
        for h, _ in rows
        if h.field == "owner_id"
        for v in (h.old_value, h.new_value)
        if v and v.isdigit()
    }
    names = (
        dict(
            session.execute(
                select(RepRecord.id, RepRecord.name).where(RepRecord.id.in_(owners))
            ).all()
        )
        if owners
        else {}
    )

    def shown(field: str, value: str | None) -> str | None:
        if field == "owner_id" and value and value.isdigit():
            return names.get(int(value), f"rep {value}")
        return value

    return [
        HistoryRow(
            "owner" if h.field == "owner_id" else h.field,
            shown(h.field, h.old_value),
            shown(h.field, h.new_value),
            by or h.login,
            h.changed_at,
        )
        for h, by in rows
    ]
