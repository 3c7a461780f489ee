"""The first screen's inbox (stdlib sqlite3) shows exactly what the inbox service shows, row by
row."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from repdesk.app import Workspace, open_workspace, open_workspace_lazily
from repdesk.core.domain import JourneyStage, LeadStatus
from repdesk.core.inbox import InboxFilter
from repdesk.launch import ensure_demo
from repdesk.services.inbox.inbox_service import InboxService
from repdesk.services.inbox.inbox_sqlite import SqliteInbox
from repdesk.services.workspace.workspace import NotLoaded
from repdesk.store.models import LeadRecord
from repdesk.store.sqlite_file import sqlite_path
from repdesk.store.times import to_micros
from tests.fixtures.workspace import FIXED_NOW, FakeClock


def both(
    workspace: Workspace, hours_from_now: int = 0
) -> tuple[list[object], list[object], int, int]:
    end = workspace.end_of_today(workspace.clock()) + timedelta(hours=hours_from_now)
    service = InboxService(workspace.sessions, workspace.clock).snapshot(InboxFilter(), end)
    path = sqlite_path(workspace.url)
    assert path is not None
    quick = SqliteInbox(path)
    try:
        first = quick.snapshot(end)
        assert (first.total, first.waiting) == (service.total, service.waiting)
        return (
            service.fetch(0, service.total + 5),
            first.fetch(0, first.total + 5),
            service.total,
            first.total,
        )
    finally:
        quick.close()


def test_the_demo_inbox_is_the_same_from_both_readers(workspace: Workspace) -> None:
    ensure_demo(workspace)
    for hours in (-30, 0, 30, 24 * 14):  # the day boundary moves leads between segments
        expected, quick, _, _ = both(workspace, hours)
        assert quick == expected and expected


def test_windows_line_up_across_segment_borders(workspace: Workspace) -> None:
    ensure_demo(workspace)
    end = workspace.end_of_today(workspace.clock())
    path = sqlite_path(workspace.url)
    assert path is not None
    service = InboxService(workspace.sessions, workspace.clock).snapshot(InboxFilter(), end)
    quick = SqliteInbox(path).snapshot(end)
    for offset, limit in (
        (0, 7),
        (3, 11),
        (5, 40),
        (service.total - 3, 10),
        (service.total + 1, 5),
    ):
        assert quick.fetch(offset, limit) == service.fetch(offset, limit)


STATUSES = [s.value for s in LeadStatus]
STAGES = [s.value for s in JourneyStage]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), changes=st.integers(1, 40))
def test_any_mix_of_states_reads_the_same(workspace: Workspace, seed: int, changes: int) -> None:
    """Statuses, answers, steps and stages scrambled at random (ties included): same rows, same
    order."""
    ensure_demo(workspace)
    rng = random.Random(seed)
    ids = [lead.id for lead in workspace.leads.list_leads()]
    moments = [
        FIXED_NOW + timedelta(hours=rng.randint(-72, 72)) for _ in range(4)
    ]  # few values: many ties
    with workspace.sessions.begin() as session:
        for lead_id in rng.sample(ids, min(changes, len(ids))):
            session.execute(
                update(LeadRecord)
                .where(LeadRecord.id == lead_id)
                .values(
                    status=rng.choice(STATUSES),
                    journey_stage=rng.choice(STAGES),
                    first_response_at=rng.choice([None, *moments]),
                    next_follow_up_at=rng.choice([None, *moments]),
                    received_at=rng.choice(moments),
                )
            )
    expected, quick, _, _ = both(workspace, rng.randint(-48, 48))
    assert quick == expected


def test_times_are_stored_as_the_engine_writes_them(workspace: Workspace) -> None:
    ensure_demo(workspace)
    with workspace.engine.connect() as conn:
        lead_id, raw = conn.exec_driver_sql("SELECT id, received_at FROM leads LIMIT 1").one()
    assert raw == to_micros(workspace.leads.detail(lead_id).lead.received_at)


def test_lazy_opening_reads_the_file_until_the_services_are_loaded(
    sqlite_url: str, clock: FakeClock
) -> None:
    ws = open_workspace(sqlite_url, clock=clock)
    ensure_demo(ws)
    ws.settings.set("response_target_minutes", 12)
    ws.settings.set("timezone", "Europe/Berlin")
    ws.settings.set("workdays", [0, 1, 2])
    ws.close()
    path = sqlite_path(sqlite_url)
    assert path is not None
    before = path.read_bytes()
    lazy = open_workspace_lazily(sqlite_url, clock=clock)
    try:
        assert not lazy.loaded and lazy.first_screen is not None
        assert lazy.setting("response_target_minutes") == 12 and lazy.setting("alarm_minutes") == 10
        assert lazy.setting("timezone") == "Europe/Berlin" and lazy.setting("workdays") == [0, 1, 2]
        assert lazy.first_screen.has_leads()
        assert lazy.first_screen.snapshot(lazy.end_of_today(clock())).total > 0
        assert path.read_bytes() == before  # the first screen only reads
        with pytest.raises(NotLoaded):  # nothing loads behind the caller's back
            lazy.leads.list_leads()
        assert lazy.load().leads.list_leads()
        assert lazy.loaded and lazy.setting("response_target_minutes") == 12
    finally:
        lazy.close()


def test_a_new_file_or_an_old_schema_opens_at_once(tmp_path: Path, clock: FakeClock) -> None:
    from repdesk.store.locations import resolve_url

    ws = open_workspace_lazily(resolve_url(str(tmp_path / "new.sqlite3")), clock=clock)
    try:
        assert ws.loaded and ws.first_screen is None
    finally:
        ws.close()


def test_a_search_read_through_the_driver_equals_the_orm_reading(workspace: Workspace) -> None:
    from repdesk.services.leads.lead_queries import row_summary, summary_rows_select
    from repdesk.store.search import search_filter

    ensure_demo(workspace)
    service = InboxService(workspace.sessions, workspace.clock)
    for text in ("a", "co", "555", "zzzz"):
        found = service.search_snapshot(text)
        assert found is not None
        clause = search_filter("sqlite", text)
        assert clause is not None
        with workspace.sessions() as session:
            expected = [
                row_summary(r)
                for r in session.execute(
                    summary_rows_select().where(clause).order_by(LeadRecord.id.desc())
                )
            ]
        assert found.total == len(expected)
        assert found.fetch(0, len(expected) + 5) == expected
        assert found.fetch(2, 3) == expected[2:5]
