"""Migrations build the schema from nothing on SQLite and PostgreSQL, and agree with the models."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from repdesk.store.engine import make_engine
from repdesk.store.errors import StoreError
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import alembic_config, current_revision, ensure_schema, head_revision
from repdesk.store.models import Base


def _include(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (name or "").startswith(("leads_fts", "ix_leads_search", "lead_status_counts"))


def _include_on(dialect: str):  # type: ignore[no-untyped-def]
    """_include, and a model's index made on another engine only (Index.ddl_if) left out."""

    def include(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        only = getattr(obj, "_ddl_if", None)
        if type_ == "index" and only is not None and only.dialect not in (None, dialect):
            return False
        return _include(obj, name, type_, reflected, compare_to)

    return include


def test_empty_database_upgrades_to_head_and_matches_models(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    assert ensure_schema(engine) is True
    assert current_revision(engine) == head_revision()
    assert {"leads", "activities", "reps", "settings", "follow_ups"} <= set(
        inspect(engine).get_table_names()
    )
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "include_object": _include_on(engine.dialect.name)},
        )
        assert compare_metadata(context, Base.metadata) == []
    assert ensure_schema(engine) is False  # nothing to do the second time
    engine.dispose()


def test_sqlite_has_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(resolve_url(str(tmp_path / "w.sqlite3")))
    ensure_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    engine.dispose()


def test_migrating_an_existing_file_makes_a_backup_first(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(resolve_url(str(path)))
    ensure_schema(engine)
    downgrade(alembic_config(engine), "base")  # an older repdesk's file: schema behind head
    engine.dispose()
    assert ensure_schema(make_engine(resolve_url(str(path)))) is True
    backups = list(tmp_path.glob("old.sqlite3.*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as con:
        assert con.execute("SELECT count(*) FROM alembic_version").fetchone() == (0,)


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database\n" * 20)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a repdesk database"):
        ensure_schema(make_engine(resolve_url(str(path))))
    assert path.read_bytes() == before


def test_another_programs_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        con.execute("INSERT INTO invoices VALUES (1, 9.5)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a repdesk database"):
        ensure_schema(make_engine(resolve_url(str(path))))
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))


def test_a_database_from_a_newer_repdesk_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    engine = make_engine(resolve_url(str(path)))
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer repdesk"):
        ensure_schema(make_engine(resolve_url(str(path))))
    assert path.read_bytes() == before


def test_a_locked_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE other (id INTEGER)")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as info:
            ensure_schema(make_engine(resolve_url(str(path))))
        assert "locked by another program" in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_the_start_up_shortcut_knows_the_real_head() -> None:
    from repdesk.migrations import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_upgrading_a_file_with_leads_keeps_search_working(tmp_path: Path) -> None:
    from alembic.command import upgrade

    from repdesk.app import open_workspace

    path = tmp_path / "v1.sqlite3"
    engine = make_engine(resolve_url(str(path)))
    upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO leads (first_name, last_name, company, title, email, phone, source, "
                "product, message, notes, "
                "tags, status, received_at, journey_stage, email_opens, email_clicks, site_visits, "
                "do_not_contact, extra, "
                "edited_fields, created_at, updated_at) VALUES ('Oda', 'Okafor', '', '', "
                "'oda@x.example', '', '', '', '', "
                "'', '', 'new', '2026-11-01 10:00:00', 'awareness', 0, 0, 0, 0, '{}', '[]', "
                "'2026-11-01 10:00:00', "
                "'2026-11-01 10:00:00')"
            )
        )
    engine.dispose()
    workspace = open_workspace(resolve_url(str(path)))  # migrates 0001 -> head, with a backup
    try:
        assert current_revision(workspace.engine) == head_revision()
        assert len(list(tmp_path.glob("v1.sqlite3.*.bak"))) == 1
        assert [lead.last_name for lead in workspace.leads.list_leads(search="okaf")] == ["Okafor"]
        new = tmp_path / "new.csv"
        new.write_text("Name,Email\nOla Okonkwo,ola@x.example\n", encoding="utf-8")
        workspace.imports.import_files([new])
        assert {lead.last_name for lead in workspace.leads.list_leads(search="ok")} == {
            "Okafor",
            "Okonkwo",
        }
    finally:
        workspace.close()


def test_a_file_at_0002_with_leads_gets_exact_status_counts(tmp_path: Path) -> None:
    from alembic.command import upgrade

    from tests.store.test_status_counts import REAL_COUNTS, TABLE_COUNTS, insert_leads

    path = tmp_path / "v2.sqlite3"
    engine = make_engine(resolve_url(str(path)))
    upgrade(alembic_config(engine), "0002")
    with engine.begin() as conn:
        insert_leads(conn, ["new"] * 5 + ["contacted"] * 3 + ["won", "not_a_fit"])
    engine.dispose()
    assert ensure_schema(make_engine(resolve_url(str(path)))) is True  # 0002 -> head, with a backup
    backups = list(tmp_path.glob("v2.sqlite3.*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as con:  # the backup is the 0002 file as it was
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
        assert not con.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE 'lead_status_counts%'"
        ).fetchall()
    with closing(sqlite3.connect(path)) as con:
        assert dict(con.execute(TABLE_COUNTS).fetchall()) == {
            "new": 5,
            "contacted": 3,
            "won": 1,
            "not_a_fit": 1,
        }
        con.execute(
            "UPDATE leads SET status = 'qualified' WHERE status = 'new'"
        )  # the triggers came along
        con.execute("DELETE FROM leads WHERE status = 'won'")
        assert dict(con.execute(TABLE_COUNTS).fetchall()) == dict(
            con.execute(REAL_COUNTS).fetchall()
        )
        con.commit()
    engine = make_engine(resolve_url(str(path)))
    downgrade(alembic_config(engine), "0002")
    with engine.connect() as conn:
        left = conn.execute(
            text("SELECT name FROM sqlite_master WHERE name LIKE 'lead_status_counts%'")
        ).all()
    engine.dispose()
    assert left == []  # the table and its three triggers


@pytest.mark.integration
def test_postgresql_keeps_no_status_counts(postgres_url: str) -> None:
    """Team mode counts the open leads instead: one counter row per status would serialise the reps'
    writers."""
    engine = make_engine(postgres_url)
    ensure_schema(engine)
    assert "lead_status_counts" not in inspect(engine).get_table_names()
    engine.dispose()
