"""lead_status_counts (migration 0003) stays equal to a real GROUP BY status under any sequence of
inserts, status changes, deletes and rolled-back transactions (hypothesis state machine, SQLite)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

from repdesk.core.domain import LeadStatus
from repdesk.store.engine import make_engine
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import ensure_schema

STATUSES = [s.value for s in LeadStatus]
_COLUMNS = (
    "first_name, last_name, company, title, email, phone, source, product, message, notes, tags, "
    "status, "
    "received_at, journey_stage, email_opens, email_clicks, site_visits, do_not_contact, extra, "
    "edited_fields, "
    "created_at, updated_at"
)
_VALUES = (
    "'Ana', 'Ruiz', '', '', '', '', '', '', '', '', '', :status, '2026-11-01 10:00:00', "
    "'awareness', 0, 0, 0, 0, "
    "'{}', '[]', '2026-11-01 10:00:00', '2026-11-01 10:00:00'"
)
INSERT_LEAD = text(f"INSERT INTO leads ({_COLUMNS}) VALUES ({_VALUES})")
TABLE_COUNTS = "SELECT status, leads FROM lead_status_counts WHERE leads <> 0"
REAL_COUNTS = "SELECT status, count(*) FROM leads GROUP BY status"


def table_counts(conn: Connection) -> dict[str, int]:
    """The kept counts, leaving out statuses no lead holds any more (their rows stay at zero)."""
    return {status: leads for status, leads in conn.execute(text(TABLE_COUNTS))}


def real_counts(conn: Connection) -> dict[str, int]:
    return {status: n for status, n in conn.execute(text(REAL_COUNTS))}


def insert_leads(conn: Connection, statuses: list[str]) -> None:
    conn.execute(INSERT_LEAD, [{"status": s} for s in statuses])


class StatusCountMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(prefix="repdesk-counts-")
        self.engine: Engine = make_engine(resolve_url(str(Path(self.folder.name) / "c.sqlite3")))
        ensure_schema(self.engine)

    def teardown(self) -> None:
        self.engine.dispose()
        self.folder.cleanup()

    def ids(self, conn: Connection) -> list[int]:
        return [row[0] for row in conn.execute(text("SELECT id FROM leads ORDER BY id"))]

    @rule(statuses=st.lists(st.sampled_from(STATUSES), min_size=1, max_size=30))
    def insert(self, statuses: list[str]) -> None:
        with self.engine.begin() as conn:
            insert_leads(conn, statuses)

    @rule(pick=st.integers(min_value=0), status=st.sampled_from(STATUSES))
    def change_one(self, pick: int, status: str) -> None:
        with self.engine.begin() as conn:
            ids = self.ids(conn)
            if ids:
                conn.execute(
                    text("UPDATE leads SET status = :s WHERE id = :i"),
                    {"s": status, "i": ids[pick % len(ids)]},
                )

    @rule(old=st.sampled_from(STATUSES), new=st.sampled_from(STATUSES))
    def change_many(self, old: str, new: str) -> None:
        """One statement moves every lead of a status (or sets it to what it already is)."""
        with self.engine.begin() as conn:
            conn.execute(
                text("UPDATE leads SET status = :new WHERE status = :old"), {"new": new, "old": old}
            )

    @rule()
    def touch_other_columns(self) -> None:
        """Updates that leave the status alone (or write the same value) change no count."""
        with self.engine.begin() as conn:
            conn.execute(
                text("UPDATE leads SET notes = notes || 'x', status = status WHERE id % 2 = 0")
            )

    @rule(pick=st.integers(min_value=0), every=st.integers(min_value=1, max_value=5))
    def delete(self, pick: int, every: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                text("DELETE FROM leads WHERE (id + :p) % :e = 0"), {"p": pick % every, "e": every}
            )

    @rule(
        statuses=st.lists(st.sampled_from(STATUSES), min_size=1, max_size=10),
        status=st.sampled_from(STATUSES),
    )
    def rolled_back(self, statuses: list[str], status: str) -> None:
        """A cancelled transaction (an import the user cancels) takes its count changes with it."""
        conn = self.engine.connect()
        trans = conn.begin()
        insert_leads(conn, statuses)
        conn.execute(text("UPDATE leads SET status = :s WHERE id % 3 = 0"), {"s": status})
        conn.execute(text("DELETE FROM leads WHERE id % 5 = 0"))
        assert table_counts(conn) == real_counts(conn)  # exact inside the transaction too
        trans.rollback()
        conn.close()

    @invariant()
    def counts_are_exact(self) -> None:
        with self.engine.connect() as conn:
            assert table_counts(conn) == real_counts(conn)


StatusCountMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestStatusCounts = StatusCountMachine.TestCase
