"""Migration 0008's triggers on SQLite and PostgreSQL: every change of a lead's fields is history
(old, new, when), and versions move when something a person changed did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.migrate import ensure_schema
from repdesk.store.models import FollowUpRecord, LeadHistoryRecord, LeadRecord

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_history_and_versions(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    ensure_schema(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        lead = LeadRecord(first_name="Pat", received_at=NOW, created_at=NOW, updated_at=NOW)
        session.add(lead)
        session.flush()
        step = FollowUpRecord(lead_id=lead.id, due_at=NOW, kind="call", updated_at=NOW)
        session.add(step)
    later = NOW + timedelta(minutes=5)
    with sessions.begin() as session:
        session.execute(
            update(LeadRecord)
            .where(LeadRecord.id == lead.id)
            .values(status="contacted", notes="left a message", updated_at=later)
        )
        # A derived column is no history, and no reason for a stale-view conflict.
        session.execute(
            update(LeadRecord).where(LeadRecord.id == lead.id).values(next_follow_up_at=later)
        )
        session.execute(
            update(FollowUpRecord).where(FollowUpRecord.id == step.id).values(note="ask for Sam")
        )
    with sessions() as session:
        rows = session.scalars(select(LeadHistoryRecord).order_by(LeadHistoryRecord.field)).all()
        assert [(r.field, r.old_value, r.new_value, r.changed_at) for r in rows] == [
            ("notes", "", "left a message", later),
            ("status", "new", "contacted", later),
        ]
        assert session.scalar(select(LeadRecord.version)) == 2
        assert session.scalar(select(FollowUpRecord.version)) == 2
    engine.dispose()
