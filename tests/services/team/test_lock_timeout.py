"""A PostgreSQL lock timeout (SQLSTATE 55P03, lock_not_available: a DBA's `lock_timeout` ran out
while another session held the row) is a lock like SQLite's busy one: nothing changed, the same
one sentence, and a save may wait and be made again."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from repdesk.services.common.errors import UserError, is_locked
from repdesk.services.team.claims import TeamQueue
from repdesk.services.team.identity import IdentityService
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.errors import describe_database_error
from repdesk.store.models import LeadRecord
from tests.fixtures.team import Team

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
LOCKED = (
    "The database is locked by another program; nothing was changed. "
    "Close the other program and try again."
)


def test_a_claim_that_meets_a_lock_timeout_says_the_database_is_busy(team: Team) -> None:
    sessions = make_session_factory(make_engine(team.owner_url))
    with sessions.begin() as session:
        lead = LeadRecord(first_name="Pat", received_at=NOW, created_at=NOW, updated_at=NOW)
        session.add(lead)
        session.flush()
        lead_id = int(lead.id)
    admin = team.owner_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"ALTER ROLE \"{team.logins['ann']}\" SET lock_timeout = '200ms'")
    ann = make_session_factory(make_engine(team.url_for("ann")))
    queue = TeamQueue(ann, IdentityService(ann))
    with psycopg.connect(admin) as holder:  # another session holds the lead's row
        holder.execute("SELECT id FROM leads WHERE id = %s FOR UPDATE", (lead_id,))
        with pytest.raises(UserError) as caught:
            queue.claim(lead_id)
        holder.rollback()
    assert str(caught.value) == LOCKED
    assert queue.claim(lead_id) is True  # nothing was changed: once free, the claim goes through


def test_a_lock_timeout_is_a_lock_the_save_queue_may_wait_out(team: Team) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    engine = make_engine(team.url_for("ann"))
    admin = team.owner_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin) as holder:
        holder.execute("LOCK TABLE reps IN ACCESS EXCLUSIVE MODE")
        with engine.connect() as conn, pytest.raises(OperationalError) as caught:
            conn.execute(text("SET lock_timeout = '100ms'"))
            conn.execute(text("SELECT count(*) FROM reps"))
        holder.rollback()
    assert getattr(caught.value.orig, "sqlstate", None) == "55P03"
    assert is_locked(caught.value)
    assert describe_database_error(caught.value) == LOCKED
