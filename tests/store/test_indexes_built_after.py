"""A first import into an empty leads table builds the table's secondary indexes after the rows, in
its own transaction: afterwards the schema is exactly what it was and every index holds every row;
an import that fails (a cancel) leaves the indexes as they were."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from repdesk.app import Workspace
from repdesk.services.imports.import_run import ImportWriter
from repdesk.services.imports.import_service import ImportCancelled
from repdesk.store.bulk import INDEXES_AFTER_ROWS
from repdesk.store.sqlite_file import sqlite_path

ROWS = INDEXES_AFTER_ROWS + 10


def _schema(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as con:
        return con.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'leads' ORDER BY name"
        ).fetchall()


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "many.csv"
    lines = [f"p{i}@many.example,Person {i},+1 614 555 {i % 10_000:04d}" for i in range(ROWS)]
    path.write_text("Email,Name,Phone\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_indexes_built_after_the_rows_are_the_same_and_hold_every_row(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = sqlite_path(str(workspace.engine.url))
    assert path is not None
    before = _schema(path)
    summary = workspace.imports.import_files([_csv(tmp_path)])
    assert summary.added == ROWS
    assert _schema(path) == before
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # Each index holds every row it should (read through the index itself).
        for index, where in (
            ("ix_leads_email", "email != ''"),
            ("ix_leads_phone", "phone != ''"),
            ("ix_leads_received_at", "received_at > 0"),
            ("ix_leads_status_received", "status = 'new'"),
            ("ix_leads_next_step", "next_follow_up_at > 0"),
        ):
            sql = f"SELECT count(*) FROM leads INDEXED BY {index} WHERE {where}"
            assert index in con.execute("EXPLAIN QUERY PLAN " + sql).fetchall()[-1][3]
            assert con.execute(sql).fetchone() == (ROWS,), index
        assert con.execute(
            "SELECT id FROM leads WHERE email = 'p4321@many.example'"
        ).fetchone() == (4322,)


def test_a_cancelled_first_import_leaves_the_indexes_as_they_were(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sqlite_path(str(workspace.engine.url))
    assert path is not None
    before = _schema(path)
    inserted: list[int] = []
    insert = ImportWriter.insert

    def first_chunk(self: ImportWriter, persons: list[Any], summary: Any) -> None:
        insert(self, persons, summary)
        inserted.append(len(persons))

    monkeypatch.setattr(ImportWriter, "insert", first_chunk)

    def cancelled() -> bool:
        return bool(inserted)  # in the write, after a chunk went in without the indexes

    with pytest.raises(ImportCancelled):
        workspace.imports.import_files([_csv(tmp_path)], cancelled=cancelled)
    assert inserted == [2000]
    assert _schema(path) == before
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT count(*) FROM leads").fetchone() == (0,)
