"""A server's sessions spend no round trip they need not: a read sends no BEGIN or ROLLBACK, and a
connection used again soon is not pinged first; one that waited in the pool is, so a server that
dropped it (a restart) costs a fresh connection, not a failed action."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select, text

from repdesk.store import engine as engine_module
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.models import LeadRecord


@pytest.mark.integration
def test_a_read_has_no_transaction_and_a_connection_used_again_soon_no_ping(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from repdesk.app import open_workspace

    open_workspace(postgres_url).close()  # the schema
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or real_ping(c))
    for _ in range(3):
        with sessions() as session:
            session.scalar(select(LeadRecord.id).limit(1))
            driver = session.connection().connection.driver_connection
            # psycopg sends BEGIN (and, at the end, ROLLBACK) only outside autocommit
            assert driver is not None and driver.autocommit
        with sessions.begin() as session:
            session.execute(text("SELECT 1"))
            driver = session.connection().connection.driver_connection
            assert driver is not None and not driver.autocommit  # a write: its transaction
    assert len(pings) == 1  # the first checkout of the new connection only
    engine.dispose()


@pytest.mark.integration
def test_a_connection_dropped_while_it_waited_is_replaced(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        pid = session.scalar(text("SELECT pg_backend_pid()"))
    admin = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)  # it waited long enough
    with sessions() as session:
        assert session.scalar(text("SELECT pg_backend_pid()")) != pid
    engine.dispose()
