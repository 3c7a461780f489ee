"""`repdesk workspace copy`: SQLite → PostgreSQL → SQLite gives the same rows, ids and UIDs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from repdesk.app import open_workspace
from repdesk.cli import main
from repdesk.store.engine import make_engine
from repdesk.store.locations import resolve_url
from repdesk.store.models import Base, LeadRecord

pytestmark = pytest.mark.integration


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(resolve_url(url))
    found = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "call_markers":
                continue
            key = list(table.primary_key.columns)
            found[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*key))]
    engine.dispose()
    return found


def _uids(path: Path) -> set[str]:
    return set(re.findall(r"^UID:(.+?)\r?$", path.read_text(), flags=re.M))


def test_sqlite_to_postgresql_and_back_keeps_every_row_and_uid(
    demo_db: Path, postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = tmp_path / "laptop.sqlite3"
    shutil.copy(demo_db, laptop)
    solo = open_workspace(resolve_url(str(laptop)))
    solo.services.calendar.export(tmp_path / "before.ics")
    solo.close()
    before = _rows(str(laptop))
    assert len(before["leads"]) > 10 and before["follow_ups"] and before["question_sets"]

    assert main(["workspace", "copy", str(laptop), postgres_url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tables"]["leads"] == len(before["leads"])
    assert _rows(postgres_url) == before

    back = tmp_path / "backup.sqlite3"
    assert main(["workspace", "copy", postgres_url, str(back)]) == 0
    assert "leads" in capsys.readouterr().out
    assert _rows(str(back)) == before

    team = open_workspace(postgres_url)
    team.services.calendar.export(tmp_path / "team.ics")
    with team.sessions.begin() as session:  # the ids continue after the copied ones
        lead = session.get(LeadRecord, before["leads"][0][0])
        assert lead is not None
        extra = LeadRecord(
            first_name="New",
            received_at=lead.received_at,
            created_at=lead.created_at,
            updated_at=lead.updated_at,
        )
        session.add(extra)
        session.flush()
        assert extra.id == max(r[0] for r in before["leads"]) + 1
    team.close()
    assert _uids(tmp_path / "team.ics") == _uids(tmp_path / "before.ics") != set()

    assert main(["workspace", "copy", str(laptop), postgres_url]) == 1
    assert "already holds leads" in capsys.readouterr().err
