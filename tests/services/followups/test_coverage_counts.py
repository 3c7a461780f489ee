"""Today's coverage line counts the leads with a next step from the next-step index alone (due
time and status in one index: a covering count), never by finding every open lead by its status
and reading its row (seconds on a million leads: tests/bench/bench_scale.py)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from repdesk.app import open_workspace
from repdesk.launch import ensure_demo
from tests.fixtures.workspace import FakeClock
from tests.store.query_plans import recording, sqlite_plan


def test_the_counts_of_leads_with_a_next_step_read_only_the_next_step_index(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "demo.sqlite3"
    workspace = open_workspace(f"sqlite:///{path}", clock=clock)
    ensure_demo(workspace)
    workspace.close()
    with recording(monkeypatch, path) as recorder:
        workspace = open_workspace(f"sqlite:///{path}", clock=clock)
        try:
            coverage = workspace.followups.coverage()
        finally:
            workspace.close()
    assert coverage.with_next_step > 0 and coverage.overdue > 0
    stepped = [
        (sql, params)
        for _, sql, params in recorder.statements()
        if "next_follow_up_at" in sql and "do_not_contact" not in sql
    ]
    assert len(stepped) == 2  # with a next step, and overdue
    with closing(sqlite3.connect(path)) as con:
        for sql, params in stepped:
            plan = sqlite_plan(con, sql, params)
            assert plan == [plan[0]] and "COVERING INDEX ix_leads_next_step" in plan[0], (
                sql,
                plan,
            )
