"""On PostgreSQL two transactions can read one row at the same moment: state changes are guarded
by the row as it is when they write (conditional updates, edited_fields computed in SQL).

Each race is made certain: the test locks the row, waits until the use cases (in threads) have
read it and wait on the lock, changes the row or just lets go, and looks at what was written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from repdesk.app import Workspace, open_workspace
from repdesk.services.common.errors import UserError
from repdesk.store.engine import make_engine

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_workspace(postgres_url: str, tmp_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(postgres_url)
    csv = tmp_path / "one.csv"
    csv.write_text("Name,Email,Company\nAna Ruiz,ana@x.example,Ruiz Co\n", encoding="utf-8")
    ws.imports.import_files([csv])
    yield ws
    ws.close()


def waiting_on_locks(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            ).scalar_one()
        )


def while_row_locked(
    engine: Engine,
    lock_sql: str,
    actions: list[Callable[[], Any]],
    meanwhile: Callable[[Connection], None] = lambda conn: None,
) -> list[Any]:
    """Run `actions` in threads while `lock_sql` holds a row lock; when all of them wait on it,
    run `meanwhile` in the holder's transaction and commit. Returns each action's result or
    error."""
    results: list[Any] = [None] * len(actions)

    def run(i: int) -> None:
        try:
            results[i] = actions[i]()
        except Exception as exc:  # noqa: BLE001  (returned to the test)
            results[i] = exc

    with engine.connect() as holder:
        holder.execute(text(lock_sql))
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while waiting_on_locks(engine) < len(actions) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting_on_locks(engine) == len(actions), "the actions never reached the row"
        meanwhile(holder)
        holder.commit()
    for thread in threads:
        thread.join(30)
    return results


def test_two_completions_at_once_on_postgresql_complete_the_step_once(
    pg_workspace: Workspace, postgres_url: str
) -> None:
    (step,) = pg_workspace.followups.list("all")
    engine = make_engine(postgres_url)
    try:
        done = lambda: pg_workspace.followups.complete(step.id, outcome="no_answer")  # noqa: E731
        results = while_row_locked(
            engine, f"SELECT id FROM follow_ups WHERE id = {step.id} FOR UPDATE", [done, done]
        )
    finally:
        engine.dispose()
    refused = [r for r in results if isinstance(r, UserError)]
    assert len(refused) == 1 and "already completed" in str(refused[0])  # told, not applied twice
    lead = pg_workspace.leads.detail(step.lead_id)
    assert [a.kind for a in lead.activities].count("call") == 1
    assert len(pg_workspace.followups.list("all")) == 1  # the one next step


def test_an_edit_keeps_a_protected_field_that_another_edit_added_meanwhile(
    pg_workspace: Workspace, postgres_url: str
) -> None:
    lead_id = pg_workspace.leads.list_leads()[0].id
    engine = make_engine(postgres_url)

    def their_edit(conn: Connection) -> None:  # what another rep's edit of the phone wrote
        conn.execute(
            text(
                "UPDATE leads SET phone = '+15550107777', edited_fields = '[\"phone\"]' "
                f"WHERE id = {lead_id}"
            )
        )

    try:
        results = while_row_locked(
            engine,
            f"SELECT id FROM leads WHERE id = {lead_id} FOR UPDATE",
            [lambda: pg_workspace.leads.update_lead(lead_id, {"company": "Ruiz Holdings"})],
            their_edit,
        )
        assert not isinstance(results[0], Exception), results[0]
        with engine.connect() as conn:
            row = conn.execute(
                text(f"SELECT company, phone, edited_fields::text FROM leads WHERE id = {lead_id}")
            ).one()
    finally:
        engine.dispose()
    assert tuple(row) == ("Ruiz Holdings", "+15550107777", '["company", "phone"]')
