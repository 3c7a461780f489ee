"""An import matches its rows before it takes the write lock; a change committed in between (by
another connection of this program or by another program) is seen under the lock and the rows are
matched again, so the person it added meanwhile is merged into, never added twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from repdesk.app import Workspace
from repdesk.services.imports import import_transaction
from repdesk.store.models import ActivityRecord, LeadRecord
from repdesk.store.sqlite_file import sqlite_path
from repdesk.store.times import to_micros

ROWS = "Email,Name,Phone\nkim@plan.example,Kim Lee,\nlou@plan.example,Lou Park,\n"


def _after_first_plan(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None]) -> None:
    """Run `meanwhile` once, right after the import's first matching (before its write lock)."""
    plan = import_transaction.plan_rows
    calls: list[int] = []

    def planned(*args: Any) -> Any:
        result = plan(*args)
        if not calls:
            calls.append(1)
            meanwhile()
        return result

    monkeypatch.setattr(import_transaction, "plan_rows", planned)


def _kims(ws: Workspace) -> int:
    with ws.sessions() as session:
        found = session.scalar(
            select(func.count(LeadRecord.id)).where(LeadRecord.email == "kim@plan.example")
        )
        return int(found or 0)


def test_a_lead_added_by_this_program_meanwhile_is_merged_into(
    any_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = any_workspace
    path = tmp_path / "people.csv"
    path.write_text(ROWS, encoding="utf-8")
    _after_first_plan(
        monkeypatch,
        lambda: ws.leads.create_lead(
            {"first_name": "Kim", "last_name": "Lee", "email": "kim@plan.example"}
        ),
    )
    summary = ws.imports.import_files([path])
    assert (summary.added, summary.merged) == (1, 1)
    assert _kims(ws) == 1


def test_a_lead_added_by_another_program_meanwhile_is_merged_into(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    path = tmp_path / "people.csv"
    path.write_text(ROWS, encoding="utf-8")
    file = sqlite_path(str(ws.engine.url))
    assert file is not None

    def other_program() -> None:
        now = to_micros(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
        con = sqlite3.connect(file)
        with con:
            con.execute(
                "INSERT INTO leads (first_name, last_name, company, title, email, phone, source, "
                "product, message, notes, tags, status, received_at, journey_stage, email_opens, "
                "email_clicks, site_visits, do_not_contact, extra, edited_fields, created_at, "
                "updated_at, phones, name_key) VALUES ('Kim', 'Lee', '', '', 'kim@plan.example', "
                "'', 'Manual', '', '', '', '', 'new', ?, 'awareness', 0, 0, 0, 0, '{}', '[]', ?, "
                "?, '[]', '')",
                (now, now, now),
            )
        con.close()

    _after_first_plan(monkeypatch, other_program)
    summary = ws.imports.import_files([path])
    assert (summary.added, summary.merged) == (1, 1)
    assert _kims(ws) == 1


def test_rows_matched_again_are_matched_as_the_file_gives_them(
    any_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first matching changes the people it adds (a later row reopens a won lead at its own
    time); when a lead committed in between makes the import match again, the rows are matched
    as the file gives them: each inquiry at its own time."""
    ws = any_workspace
    path = tmp_path / "people.csv"
    path.write_text(
        "Email,Name,Lead Status,Create Date,Message\n"
        "ann@plan.example,Ann Ito,Closed Won,2026-01-05 10:00,First ask\n"
        "ann@plan.example,Ann Ito,,2026-02-07 11:00,Asks again\n",
        encoding="utf-8",
    )
    _after_first_plan(
        monkeypatch,
        lambda: ws.leads.create_lead(
            {"first_name": "Ann", "last_name": "Ito", "email": "ann@plan.example"}
        ),
    )
    summary = ws.imports.import_files([path], as_kind="inquiries")
    assert (summary.added, summary.merged) == (0, 2)
    with ws.sessions() as session:
        said = session.execute(
            select(ActivityRecord.occurred_at, ActivityRecord.body)
            .join(LeadRecord, LeadRecord.id == ActivityRecord.lead_id)
            .where(LeadRecord.email == "ann@plan.example", ActivityRecord.kind == "inquiry")
            .order_by(ActivityRecord.occurred_at)
        ).all()
    asked = [(when.astimezone(UTC).date().isoformat(), body) for when, body in said][:2]
    assert [day for day, _ in asked] == ["2026-01-05", "2026-02-07"]
    assert [body.rsplit(": ", 1)[-1] for _, body in asked] == ["First ask", "Asks again"]
