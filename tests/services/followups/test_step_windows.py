"""Steps at scale: Today and the agenda are counted and fetched by window, the month counts come
from one aggregate that knows the time zone's changes, the week view reads a few steps per quarter
hour with their counts, streams page through ties, and completing one step touches one lead."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, insert

from repdesk.app import Workspace, open_workspace
from repdesk.services.common import keyset
from repdesk.services.followups.step_queries import SLOT_MINUTES
from repdesk.store.models import FollowUpRecord, LeadRecord
from tests.fixtures.workspace import FakeClock

NOW = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)  # two days before Berlin moves its clocks


def add_steps(ws: Workspace, dues: list[datetime], owner: int | None = None) -> list[int]:
    """One open lead per due time, its pending step due then (as the planner writes them)."""
    ids = []
    with ws.sessions.begin() as session:
        for i, due in enumerate(dues):
            lead_id = session.execute(
                insert(LeadRecord)
                .values(
                    first_name=f"P{i}",
                    last_name="Q",
                    status="contacted",
                    owner_id=owner,
                    received_at=NOW - timedelta(days=3),
                    next_follow_up_at=due,
                    created_at=NOW,
                    updated_at=NOW,
                    extra={},
                    edited_fields=[],
                )
                .returning(LeadRecord.id)
            ).scalar_one()
            ids.append(
                session.execute(
                    insert(FollowUpRecord)
                    .values(
                        lead_id=lead_id,
                        due_at=due,
                        kind="call",
                        status="pending",
                        cadence="contacted",
                        updated_at=NOW,
                    )
                    .returning(FollowUpRecord.id)
                ).scalar_one()
            )
    return ids


@pytest.fixture
def berlin(sqlite_url: str) -> Workspace:
    ws = open_workspace(sqlite_url, clock=FakeClock(NOW))
    ws.settings.set("timezone", "Europe/Berlin")
    yield ws
    ws.close()


def test_today_window_counts_fetches_and_finds_positions(berlin: Workspace) -> None:
    zone = ZoneInfo("Europe/Berlin")
    midnight = datetime.combine(NOW.astimezone(zone).date(), time.min, zone)
    dues = [midnight + timedelta(minutes=4 * i) for i in range(300)]  # today, before and after now
    dues += [midnight + timedelta(days=1, hours=2)] * 5  # tomorrow: not in Today
    ids = add_steps(berlin, dues)
    window = berlin.followups.today()
    assert window.total == 300
    assert window.overdue == sum(1 for d in dues[:300] if d < NOW)
    rows = window.fetch(0, 1000)
    assert [r.due_at for r in rows] == sorted(dues[:300])
    assert window.fetch(290, 50) == rows[290:]
    assert window.position(ids[123]) == 123 and window.position(ids[-1]) == -1


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=-3 * 24 * 60, max_value=6 * 24 * 60), max_size=60))
def test_month_counts_are_local_days_across_the_clock_change(
    berlin: Workspace, minutes: list[int]
) -> None:
    """Berlin moves from +01:00 to +02:00 on 29 March 2026: steps either side of that and of
    midnight land on the local day a person there would say."""
    with berlin.engine.begin() as con:
        con.exec_driver_sql("DELETE FROM leads")
    zone = ZoneInfo("Europe/Berlin")
    dues = [NOW + timedelta(minutes=m) for m in minutes]
    add_steps(berlin, dues)
    first, last = date(2026, 3, 23), date(2026, 4, 5)
    expected: dict[date, tuple[int, int]] = {}
    for due in dues:
        day = due.astimezone(zone).date()
        if first <= day <= last:
            total, overdue = expected.get(day, (0, 0))
            expected[day] = (total + 1, overdue + (due < NOW))
    assert berlin.followups.day_counts(first, last) == expected


def test_the_week_reads_a_few_steps_per_quarter_hour_and_counts_the_rest(
    berlin: Workspace,
) -> None:
    zone = ZoneInfo("Europe/Berlin")
    monday = date(2026, 3, 23)
    busy = datetime.combine(monday + timedelta(days=2), time(10, 0), zone)
    add_steps(berlin, [busy + timedelta(minutes=i % 15) for i in range(500)])
    add_steps(berlin, [busy + timedelta(hours=3)])
    rows, slots = berlin.followups.week(monday, per_slot=4)
    assert len(rows) == 5
    slot = (10 * 60) // SLOT_MINUTES
    assert slots[(busy.date(), slot)] == 500 and slots[(busy.date(), slot + 12)] == 1
    assert berlin.followups.day_counts(monday, monday + timedelta(days=6))[busy.date()][0] == 501


def test_streams_page_through_steps_due_at_one_moment(
    berlin: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keyset pages: ties on the due time are read by id, each row once (a page of 3 here)."""
    monkeypatch.setattr(keyset, "PAGE", 3)
    same = NOW + timedelta(days=2)
    ids = add_steps(berlin, [same] * 10 + [same + timedelta(hours=1)] * 4)
    streamed = [r.id for r in berlin.followups.stream()]
    assert streamed == ids
    assert [r["id"] for r in berlin.followups.stream_json(offset=4, limit=7)] == ids[4:11]
    assert [r.id for r in berlin.followups.stream(offset=12)] == ids[12:]


def test_completing_a_step_costs_the_same_on_ten_leads_and_on_three_thousand(
    sqlite_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Every statement of `followup done` reads or writes that lead's rows: the same statements
    run however many other leads there are."""
    counts = []
    for n, name in ((10, "small"), (3000, "large")):
        ws = open_workspace(f"sqlite:///{tmp_path / name}.sqlite3", clock=FakeClock(NOW))
        ids = add_steps(
            ws, [NOW + timedelta(minutes=random.Random(n).randint(1, 500)) for _ in range(n)]
        )
        seen: list[str] = []
        listener = lambda *a, seen=seen: seen.append(a[2])  # noqa: E731
        event.listen(ws.engine, "before_cursor_execute", listener)
        lead = ws.followups.lead_of(ids[0])
        ws.followups.complete(ids[0], outcome="voicemail")
        nxt = ws.followups.next_step(lead) if lead is not None else None
        event.remove(ws.engine, "before_cursor_execute", listener)
        assert nxt is not None and nxt.lead_id == lead
        counts.append(seen)
        ws.close()
    assert counts[0] == counts[1]
