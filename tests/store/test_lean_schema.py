"""The lean-schema migration: every stored time becomes the same moment as an integer, calendar
UIDs already exported stay as they were, nothing is lost or orphaned, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import sqlite3
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import sqlalchemy as sa
from alembic.command import downgrade, upgrade
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite as sqlite_dialect

from repdesk.app import open_workspace
from repdesk.core.calendar_uids import follow_up_id_of
from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.store.engine import make_engine
from repdesk.store.migrate import alembic_config, ensure_schema
from repdesk.store.times import to_micros
from tests.fixtures.workspace import FakeClock

MIGRATION = next(
    (Path(__file__).resolve().parents[2] / "repdesk/migrations/versions").glob("*_lean_schema.py")
).stem
lean = importlib.import_module(f"repdesk.migrations.versions.{MIGRATION}")
BEFORE = str(lean.down_revision)  # the schema the lean migration starts from

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
OLD_UIDS = [f"{uuid.UUID(int=n, version=4)}@repdesk" for n in (11, 22, 33)]


def naive(moment: datetime) -> datetime:
    """How the schema before the lean schema was given a time (UTCDateTime stored naive UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def old_rows() -> dict[str, list[dict[str, Any]]]:
    """A small workspace as the schema before the lean one held it: every table with a time,
    some of them empty (None), some with microseconds, one step exported and changed since."""
    t = [NOW - timedelta(days=d, microseconds=d * 1001) for d in range(8)]
    lead = {
        "first_name": "Ana",
        "last_name": "Okafor",
        "company": "Globex",
        "title": "",
        "email": "ana@globex.example",
        "phone": "+15550100123",
        "source": "web",
        "product": "",
        "message": "",
        "notes": "",
        "tags": "",
        "journey_stage": "awareness",
        "email_opens": 0,
        "email_clicks": 0,
        "site_visits": 0,
        "do_not_contact": False,
        "extra": {},
        "edited_fields": [],
        "verdict": None,
        "score": None,
        "owner_id": 1,
        "import_id": 1,
    }
    step = {
        "kind": "call",
        "note": "",
        "status": "pending",
        "cadence": "new_lead",
        "step_index": 0,
        "outcome": None,
        "done_at": None,
        "cancelled_at": None,
        "sequence": 0,
        "exported_sequence": None,
    }
    return {
        "imports": [
            {"id": 1, "started_at": t[7], "files": ["a.csv"], "added": 2, "merged": 0},
        ],
        "leads": [
            {
                **lead,
                "id": 1,
                "status": "new",
                "received_at": t[6],
                "first_response_at": None,
                "next_follow_up_at": t[0] + timedelta(hours=3),
                "qualification_expires_at": None,
                "created_at": t[6],
                "updated_at": t[5],
            },
            {
                **lead,
                "id": 2,
                "first_name": "Omar",
                "last_name": "Haddad",
                "email": "omar@haddad.example",
                "phone": "",
                "status": "qualified",
                "received_at": t[5],
                "first_response_at": t[4],
                "replied_at": t[3],
                "bouncing_email": "",
                "next_follow_up_at": t[0] + timedelta(days=1),
                "qualification_expires_at": t[0] + timedelta(days=90),
                "created_at": t[5],
                "updated_at": t[4],
            },
        ],
        "activities": [
            {
                "id": 1,
                "lead_id": 1,
                "kind": "inquiry",
                "occurred_at": t[6],
                "body": "",
                "import_id": 1,
            },
            {
                "id": 2,
                "lead_id": 2,
                "kind": "call",
                "outcome": "connected",
                "occurred_at": t[4],
                "body": "",
            },
        ],
        "follow_ups": [
            {
                **step,
                "id": 1,
                "lead_id": 1,
                "due_at": t[0] + timedelta(hours=3),
                "cadence_started_at": t[6],
                "uid": OLD_UIDS[0],
                "updated_at": t[6],
                "sequence": 2,
                "exported_sequence": 1,
            },
            {
                **step,
                "id": 2,
                "lead_id": 2,
                "status": "done",
                "due_at": t[4],
                "cadence_started_at": t[5],
                "done_at": t[4],
                "outcome": "connected",
                "uid": OLD_UIDS[1],
                "updated_at": t[4],
                "sequence": 1,
            },
            {
                **step,
                "id": 3,
                "lead_id": 2,
                "cadence": "qualified",
                "due_at": t[0] + timedelta(days=1),
                "cadence_started_at": t[4],
                "uid": OLD_UIDS[2],
                "updated_at": t[4],
            },
        ],
        "question_sets": [
            {
                "id": 1,
                "key": "core",
                "kind": "core",
                "product": "",
                "name": "Core",
                "version": 1,
                "questions": [],
                "created_at": t[7],
            }
        ],
        "rule_sets": [{"id": 1, "version": 1, "rules": [], "created_at": t[7]}],
        "qualifications": [
            {
                "id": 1,
                "lead_id": 2,
                "set_ids": [1],
                "rule_set_id": 1,
                "answers": {},
                "score": 70,
                "verdict": "qualified",
                "is_draft": False,
                "started_at": t[4],
                "completed_at": t[4] + timedelta(minutes=9),
                "expires_at": t[0] + timedelta(days=90),
            }
        ],
        "form_mappings": [
            {
                "id": 1,
                "signature": "f" * 64,
                "source": "cf7",
                "labels": ["Budget"],
                "mapping": {"Budget": "budget"},
                "state": "mapped",
                "lead_id": 2,
                "created_at": t[3],
            }
        ],
        "sources": [
            {
                "id": 1,
                "kind": "folder",
                "name": "Downloads",
                "config": {},
                "state": {},
                "status": "idle",
                "last_error": "",
                "last_checked_at": t[1],
            }
        ],
        "email_templates": [
            {
                "id": 1,
                "key": "first_reply",
                "product": "",
                "name": "First reply",
                "subject": "Hello",
                "body": "Hi {first_name}",
                "position": 0,
                "updated_at": t[7],
            }
        ],
        "outbox": [
            {
                "id": 1,
                "lead_id": 2,
                "account_id": 1,
                "follow_up_id": 2,
                "template": "first_reply",
                "message_id": "<m1@repdesk>",
                "in_reply_to": "",
                "thread_refs": "",
                "from_header": "Sam <sam@rep.example>",
                "to_address": "omar@haddad.example",
                "subject": "Hello",
                "body": "Hi Omar",
                "status": "sent",
                "attempts": 1,
                "next_attempt_at": None,
                "claimed_by": "",
                "claimed_at": t[4],
                "last_error": "",
                "queued_at": t[4],
                "sent_at": t[4] + timedelta(seconds=2, microseconds=7),
            }
        ],
        "lead_history": [
            {
                "id": 1,
                "lead_id": 2,
                "field": "status",
                "old_value": "new",
                "new_value": "qualified",
                "rep_id": 1,
                "login": "",
                "changed_at": t[4],
            }
        ],
        "inbound_mail": [
            {
                "id": 1,
                "lead_id": 2,
                "outbox_id": 1,
                "kind": "reply",
                "message_id": "<r1@haddad.example>",
                "from_address": "omar@haddad.example",
                "subject": "Re: Hello",
                "received_at": t[3],
                "asks_to_stop": False,
                "stop_answered": False,
            }
        ],
    }


def make_old_workspace(url: str) -> dict[str, list[dict[str, Any]]]:
    """The database at `url` at the revision before the lean schema, holding old_rows()."""
    engine = make_engine(url)
    upgrade(alembic_config(engine), BEFORE)
    meta = lean._tables(lean=False)
    rows = old_rows()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO reps (id, name, monthly_capacity, work_start, work_end, active) "
            "VALUES (1, 'Sam Ortiz', 40, '09:00', '17:00', true)"
        )
        for name in lean.TIME_COLUMNS:
            table = meta.tables[name]
            given = [
                {
                    **{c.name: None for c in table.columns if c.nullable},
                    **{k: naive(v) if isinstance(v, datetime) else v for k, v in row.items()},
                }
                for row in rows[name]
            ]
            if given:
                conn.execute(table.insert(), given)
            if conn.dialect.name == "postgresql":  # rows with explicit ids: move the sequences on
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
    engine.dispose()
    return rows


def test_every_time_becomes_the_same_moment_and_nothing_else_changes(any_db_url: str) -> None:
    rows = make_old_workspace(any_db_url)
    engine = make_engine(any_db_url)
    assert ensure_schema(engine) is True
    with engine.connect() as conn:
        for name, times in lean.TIME_COLUMNS.items():
            got = [
                dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {name} ORDER BY id"))
            ]
            assert len(got) == len(rows[name]), name
            for before, after in zip(rows[name], got, strict=True):
                for column, value in before.items():
                    if column == "uid":
                        assert after["legacy_uid"] == value
                    elif column in times:
                        assert after[column] == (None if value is None else to_micros(value))
                    elif isinstance(value, bool):
                        assert bool(after[column]) is value, (name, column)
                    elif not isinstance(value, (dict, list)):
                        assert after[column] == value, (name, column)
        workspace_id = conn.execute(
            sa.text("SELECT value FROM settings WHERE key = 'workspace_id'")
        ).scalar()
    engine.dispose()
    assert isinstance(workspace_id, str) and len(workspace_id.strip('"')) == 32


def test_exported_uids_stay_and_new_steps_get_derived_ones_that_never_repeat(
    any_db_url: str, tmp_path: Path
) -> None:
    make_old_workspace(any_db_url)
    # Before the migration the export wrote each step's stored uid (and a CalDAV push the same).
    clock = FakeClock(NOW)
    ws = open_workspace(any_db_url, clock=clock)
    try:
        export = ws.services.calendar
        first = tmp_path / "after.ics"
        export.export(first)
        events = icalendar.Calendar.from_ical(first.read_bytes()).walk("VEVENT")
        # Pending steps 1 and 3 go out with the UIDs they had; step 1 changed since its export.
        assert sorted(str(e["UID"]) for e in events) == sorted([OLD_UIDS[0], OLD_UIDS[2]])
        ws.followups.complete(1, outcome="voicemail")
        second = tmp_path / "again.ics"
        export.export(second)
        uids = {
            str(e["UID"]): str(e["STATUS"])
            for e in icalendar.Calendar.from_ical(second.read_bytes()).walk("VEVENT")
        }
        workspace_id = str(ws.settings.get("workspace_id"))
        derived = [uid for uid in uids if follow_up_id_of(uid, workspace_id) is not None]
        assert uids[OLD_UIDS[0]] == "CANCELLED" and len(derived) == 1
        assert uids[derived[0]] == "CONFIRMED"
        newest = follow_up_id_of(derived[0], workspace_id)
        assert newest is not None and newest > 3
        # The newest step goes (its lead is deleted); the next step made never takes its id.
        with ws.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM leads WHERE id = 1"))
        ws.leads.log_activity(2, ActivityKind.NOTE, body="x")
        ws.leads.set_status(2, LeadStatus.NURTURE)
        with ws.engine.connect() as conn:
            ids = [i for (i,) in conn.execute(sa.text("SELECT id FROM follow_ups ORDER BY id"))]
        assert newest not in ids and max(ids) > newest
    finally:
        ws.close()


def test_sqlite_keeps_search_counts_and_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    make_old_workspace(url)
    ws = open_workspace(url, clock=FakeClock(NOW))
    try:
        assert [lead.last_name for lead in ws.leads.list_leads(search="okaf")] == ["Okafor"]
        with ws.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            counts = dict(
                conn.exec_driver_sql("SELECT status, leads FROM lead_status_counts").all()
            )
        assert counts == {"new": 1, "qualified": 1}
        ws.leads.set_status(1, LeadStatus.CONTACTED)
        with ws.engine.connect() as conn:  # 0008's triggers came back with the rebuilt tables
            history = conn.exec_driver_sql(
                "SELECT field, new_value, typeof(changed_at), changed_at FROM lead_history"
                " WHERE lead_id = 1"
            ).all()
            version = conn.exec_driver_sql("SELECT version FROM leads WHERE id = 1").scalar()
        assert [h[:3] for h in history] == [("status", "contacted", "integer")]
        assert history[0][3] == to_micros(NOW) and version == 2
        with ws.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM leads WHERE id = 2")  # cascades, counts follow
            left = {
                t: conn.exec_driver_sql(f"SELECT count(*) FROM {t} WHERE lead_id = 2").scalar()
                for t in ("activities", "follow_ups", "qualifications")
            }
            counts = dict(
                conn.exec_driver_sql(
                    "SELECT status, leads FROM lead_status_counts WHERE leads > 0"
                ).all()
            )
        assert left == {"activities": 0, "follow_ups": 0, "qualifications": 0}
        assert counts == {"contacted": 1}
    finally:
        ws.close()
    with closing(sqlite3.connect(tmp_path / "old.sqlite3")) as con:
        assert con.execute("SELECT name FROM sqlite_sequence").fetchall() == [("follow_ups",)]
        assert not con.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE '\\_new\\_%' ESCAPE '\\'"
        ).fetchall()


def test_downgrade_gives_back_the_old_text_and_uids(tmp_path: Path) -> None:
    path = tmp_path / "round.sqlite3"
    url = f"sqlite:///{path}"
    make_old_workspace(url)
    with closing(sqlite3.connect(path)) as con:
        before = {
            name: con.execute(f"SELECT * FROM {name} ORDER BY id").fetchall()
            for name in lean.TIME_COLUMNS
        }
    engine = make_engine(url)
    ensure_schema(engine)
    downgrade(alembic_config(engine), BEFORE)
    engine.dispose()
    with closing(sqlite3.connect(path)) as con:
        after = {
            name: con.execute(f"SELECT * FROM {name} ORDER BY id").fetchall()
            for name in lean.TIME_COLUMNS
        }
        assert con.execute(
            "SELECT count(*) FROM settings WHERE key = 'workspace_id'"
        ).fetchone() == (0,)
    assert after == before


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999))
)
def test_the_sql_conversions_agree_with_the_one_formatter(moment: datetime) -> None:
    """SQLAlchemy's SQLite DATETIME text to epoch microseconds and back, in the migration's SQL."""
    dialect = sqlite_dialect.dialect()
    text = sa.DateTime().dialect_impl(dialect).bind_processor(dialect)(moment)  # type: ignore[misc]
    micros = to_micros(moment.replace(tzinfo=UTC))
    with closing(sqlite3.connect(":memory:")) as con:
        got, older, back = con.execute(
            f"SELECT {lean._sqlite_to_micros('?1')}, {lean._sqlite_to_micros('?1', (3, 37))}, "
            f"{lean._sqlite_to_text('?2')}",
            (text, micros),
        ).fetchone()
    assert got == older == micros  # unixepoch() and, before SQLite 3.38, strftime('%s')
    assert back == text
