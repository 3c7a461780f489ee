"""Today page: overdue first, keys complete/snooze/open steps, the coverage line, and a real empty
state."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace
from repdesk.launch import open_for_cli
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord
from repdesk.ui import build_main_window
from repdesk.ui.followups.today_page import TodayPage
from repdesk.ui.shell.pages import today_services
from tests.fixtures.workspace import FakeClock


def make_demo(path: Path) -> None:
    """The demo workspace with its follow-ups planned and spread (as `repdesk --demo` sets it
    up)."""
    open_for_cli(str(path), demo=True).close()


def demo_window(qtbot: QtBot, tmp_path: Path):  # type: ignore[no-untyped-def]
    make_demo(tmp_path / "demo.sqlite3")
    window = build_main_window(str(tmp_path / "demo.sqlite3"))
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    window.show_page("today")
    return window


def test_demo_today_lists_overdue_first_and_coverage_is_full(
    qtbot: QtBot, tmp_path: Path, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    window = demo_window(qtbot, tmp_path)
    page: TodayPage = window.pages["today"]
    table = window.findChild(QTableView, "todayList")
    assert table is page.table and table.isVisible()
    qtmodeltester.check(page.model)
    rows = page.model.rows()
    assert rows, "the demo has steps due today"
    now = window.workspace.clock()
    overdue = [r.due_at < now for r in rows]
    assert overdue == sorted(
        overdue, reverse=True
    )  # every overdue step comes before the rest of today
    assert any(overdue)
    coverage = page.coverage_label.text()
    assert coverage.startswith("Coverage 100 % · ") and "open leads have a next step" in coverage
    assert coverage.endswith(f"{sum(overdue)} overdue")
    red = page.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert red is not None and red.color().name() == "#cf222e"


def test_keys_complete_a_call_with_an_outcome_and_snooze(qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_window(qtbot, tmp_path)
    page: TodayPage = window.pages["today"]
    ws = window.workspace
    table = page.table
    calls = [i for i, r in enumerate(page.model.rows()) if r.kind == "call"]
    table.selectRow(calls[0])
    target = page.model.row_at(calls[0])
    assert target is not None
    qtbot.keyClick(table, Qt.Key.Key_D)
    assert page.outcome_bar.isVisible()
    qtbot.keyClick(table, Qt.Key.Key_2)  # voicemail
    assert not page.outcome_bar.isVisible()
    assert target.id not in [r.id for r in page.model.rows()]
    with ws.sessions() as session:
        done = session.get(FollowUpRecord, target.id)
        assert done is not None and (done.status, done.outcome) == ("done", "voicemail")
        call = (
            session.query(ActivityRecord)
            .filter_by(lead_id=target.lead_id, kind="call")
            .order_by(ActivityRecord.id.desc())
            .first()
        )
        assert call is not None and call.outcome == "voicemail"
        lead = session.get(LeadRecord, target.lead_id)
        assert lead is not None and lead.next_follow_up_at is not None  # the next step is scheduled
    # S snoozes the selected step by an hour; it stays the same step.
    current = page.current_row()
    assert current is not None
    before = ws.clock()
    qtbot.keyClick(table, Qt.Key.Key_S)
    with ws.sessions() as session:
        moved = session.get(FollowUpRecord, current.id)
        assert moved is not None and moved.status == "pending"
    late = moved.due_at - (max(current.due_at, before) + timedelta(hours=1))
    assert timedelta(0) <= late < timedelta(seconds=30)


def test_shift_s_moves_to_tomorrow_morning_and_enter_opens_the_lead(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_window(qtbot, tmp_path)
    page: TodayPage = window.pages["today"]
    ws = window.workspace
    page.table.selectRow(0)
    first = page.current_row()
    assert first is not None
    qtbot.keyClick(page.table, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)
    with ws.sessions() as session:
        record = session.get(FollowUpRecord, first.id)
        assert record is not None
        local = record.due_at.astimezone(ws.zone())
    assert (local.date(), local.strftime("%H:%M")) == (
        ws.clock().astimezone(ws.zone()).date() + timedelta(days=1),
        "09:00",
    )
    assert first.id not in [r.id for r in page.model.rows()]
    page.table.selectRow(0)
    second = page.current_row()
    assert second is not None
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.current_page_key() == "inbox"
    assert window.pages["inbox"].detail.lead_id == second.lead_id


def test_empty_state_names_the_next_step(
    qtbot: QtBot, workspace: Workspace, clock: FakeClock
) -> None:
    page = TodayPage(today_services(workspace.services))
    qtbot.addWidget(page)
    page.show()
    assert page.stack.currentWidget() is page.empty
    texts = [label.text() for label in page.empty.findChildren(QLabel)]
    assert "Nothing due — you're clear for today" in texts
    assert any("No steps are scheduled" in t for t in texts)
    now = clock()
    with workspace.sessions.begin() as session:
        lead = LeadRecord(
            first_name="Jane",
            last_name="Doe",
            company="Acme",
            status="nurture",
            received_at=now,
            created_at=now,
            updated_at=now,
            extra={},
            edited_fields=[],
        )
        session.add(lead)
        session.flush()
        workspace.followups.planner.sync(session, lead, now)  # nurture: first step days away
    page.activate()
    assert page.stack.currentWidget() is page.empty
    body = page.empty.findChild(QLabel, "emptyBody")
    assert (
        body is not None
        and body.text().startswith("Next up: ")
        and "Jane Doe (Acme)" in body.text()
    )
    assert page.coverage_label.text() == "Coverage 100 % · 1 open lead has a next step · 0 overdue"
