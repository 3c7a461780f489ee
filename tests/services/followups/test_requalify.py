"""Re-qualification of expired verdicts runs in the service layer: when a workspace loads, before
the follow-up list, the .ics export and the report, and daily while the app is open — not only when
the GUI's inbox page first loads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from repdesk.app import Workspace, open_workspace
from repdesk.services.followups.requalify import REQUALIFY_NOTE
from repdesk.services.reports.report_service import ReportService
from repdesk.store.models import FollowUpRecord
from tests.fixtures.workspace import FakeClock
from tests.services.script.test_qualification_service import QUALIFIED, add_lead

NURTURE = {**QUALIFIED, "authority": "influences", "budget": "none"}


def requalify_steps(ws: Workspace, lead_id: int) -> list[FollowUpRecord]:
    with ws.sessions() as session:
        return list(
            session.scalars(
                select(FollowUpRecord).where(
                    FollowUpRecord.lead_id == lead_id,
                    FollowUpRecord.status == "pending",
                    FollowUpRecord.note == REQUALIFY_NOTE,
                )
            )
        )


@pytest.fixture
def qualified_lead(workspace: Workspace) -> int:
    lead_id = add_lead(workspace)
    workspace.qualifications.finish(lead_id, NURTURE)
    assert requalify_steps(workspace, lead_id) == []
    return lead_id


def test_opening_a_workspace_plans_the_requalifications(
    workspace: Workspace, clock: FakeClock, qualified_lead: int
) -> None:
    url = workspace.url
    workspace.close()
    later = FakeClock(clock.now + timedelta(days=91))
    reopened = open_workspace(url, clock=later)
    try:
        (step,) = requalify_steps(reopened, qualified_lead)
        assert step.due_at >= later.now - timedelta(days=3)
        pending = [r for r in reopened.followups.list("all") if r.lead_id == qualified_lead]
        assert [r.note for r in pending] == [REQUALIFY_NOTE]
    finally:
        reopened.close()


def test_the_follow_up_list_plans_them_while_the_workspace_stays_open(
    workspace: Workspace, clock: FakeClock, qualified_lead: int
) -> None:
    clock.now += timedelta(days=91)
    rows = [r for r in workspace.followups.list("all") if r.lead_id == qualified_lead]
    assert [r.note for r in rows] == [REQUALIFY_NOTE]
    assert len(workspace.followups.list("all")) == len(workspace.followups.list("all"))
    assert len(requalify_steps(workspace, qualified_lead)) == 1  # once per expiry


def test_the_ics_export_plans_them_first(
    workspace: Workspace, clock: FakeClock, qualified_lead: int, tmp_path: Path
) -> None:
    clock.now += timedelta(days=91)
    path = tmp_path / "reminders.ics"
    workspace.services.calendar.export(path)
    calendar = Calendar.from_ical(path.read_bytes())
    descriptions = [str(e.get("DESCRIPTION", "")) for e in calendar.walk("VEVENT")]
    assert any(REQUALIFY_NOTE in d for d in descriptions), descriptions


def test_the_report_plans_them_first(
    workspace: Workspace, clock: FakeClock, qualified_lead: int
) -> None:
    clock.now += timedelta(days=91)
    ws = workspace
    report = ReportService(ws.sessions, ws.clock, ws.settings, ws.followups, ws.zone).report()
    assert len(requalify_steps(ws, qualified_lead)) == 1
    # The re-qualify step is due at the next business moment: overdue by the time it is read.
    assert report.coverage.open_leads == 1 and report.coverage.with_next_step == 1


def test_a_lead_that_cannot_be_contacted_or_is_closed_gets_none(
    workspace: Workspace, clock: FakeClock, qualified_lead: int
) -> None:
    other = add_lead(workspace, email="other@x.example")
    workspace.qualifications.finish(other, NURTURE)
    workspace.leads.set_do_not_contact(qualified_lead)
    from repdesk.core.domain import LeadStatus

    workspace.leads.set_status(other, LeadStatus.LOST)
    clock.now += timedelta(days=91)
    workspace.followups.list("all")
    assert requalify_steps(workspace, qualified_lead) == []
    assert requalify_steps(workspace, other) == []


def test_a_lead_reopened_after_its_verdict_expired_is_asked_at_once(
    workspace: Workspace, clock: FakeClock, qualified_lead: int
) -> None:
    from repdesk.core.domain import LeadStatus

    other = add_lead(workspace, email="other@x.example")
    workspace.qualifications.finish(other, NURTURE)
    workspace.leads.set_status(qualified_lead, LeadStatus.LOST)
    workspace.leads.set_do_not_contact(other)
    clock.now += timedelta(days=91)
    workspace.followups.list("all")  # the check runs while neither may be asked
    clock.now += timedelta(days=30)
    workspace.followups.list("all")
    assert requalify_steps(workspace, qualified_lead) == requalify_steps(workspace, other) == []
    workspace.leads.set_status(qualified_lead, LeadStatus.CONTACTED, note="called back")
    workspace.leads.set_do_not_contact(other, False)
    for lead_id in (qualified_lead, other):
        (step,) = requalify_steps(workspace, lead_id)
        assert [r.note for r in workspace.followups.list("all") if r.lead_id == lead_id] == [
            REQUALIFY_NOTE
        ]
    workspace.leads.add_note(qualified_lead, "Still interested")
    assert len(requalify_steps(workspace, qualified_lead)) == 1  # once per expiry


@pytest.mark.parametrize("since", [False, True])
def test_the_check_reads_the_expiry_index_not_every_lead(workspace: Workspace, since: bool) -> None:
    from sqlalchemy import select as select_

    from repdesk.services.followups.requalify import expired_verdicts
    from repdesk.store.models import LeadRecord

    now = workspace.clock()
    lower = now - timedelta(days=2) if since else None
    statement = select_(LeadRecord.id).where(expired_verdicts(now, lower))
    with workspace.engine.connect() as conn:
        sql = str(statement.compile(conn, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_leads_qualification_expires" in plan, plan
    assert "SCAN leads" not in plan, plan


def test_a_reader_takes_no_write_lock_when_nothing_expired(
    workspace: Workspace, clock: FakeClock, qualified_lead: int, tmp_path: Path
) -> None:
    import sqlite3
    import time

    from repdesk.store.sqlite_file import sqlite_path

    clock.now += timedelta(minutes=10)  # within the hour after the load's check
    path = sqlite_path(workspace.url)
    assert path is not None
    other = sqlite3.connect(path, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")  # another program (the app) is writing
    try:
        started = time.perf_counter()
        assert [r.lead_id for r in workspace.followups.list("all")] == [qualified_lead]
        assert time.perf_counter() - started < 2.0  # no wait for the write lock
    finally:
        other.rollback()
        other.close()
