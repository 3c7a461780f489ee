"""The inbox query: its index-only counts and windows agree with a brute-force reading of the
rules."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from repdesk.app import Workspace
from repdesk.core.domain import LeadStatus
from repdesk.core.inbox import inbox_order
from repdesk.launch import ensure_demo
from repdesk.services.inbox.inbox_service import InboxFilter, InboxService


def demo(workspace: Workspace) -> InboxService:
    ensure_demo(workspace)
    return InboxService(workspace.sessions, workspace.clock)


def test_unfiltered_inbox_is_the_rule_read_in_python_lead_by_lead(any_workspace: Workspace) -> None:
    """core.inbox's table, read in Python over every lead, gives the query's rows in its order."""
    service = demo(any_workspace)
    everyone = any_workspace.leads.list_leads()
    for hours in (-30, 0, 30):  # the end of today moves leads between segments
        end = any_workspace.end_of_today(any_workspace.clock()) + timedelta(hours=hours)
        late = any_workspace.clock() - timedelta(minutes=5)  # the default response target
        for include_closed, late_before in ((False, None), (True, None), (False, late)):
            flt = InboxFilter(include_closed=include_closed)
            snapshot = service.snapshot(flt, end, late_before)
            rows = snapshot.fetch(0, snapshot.total + 10)
            assert rows == inbox_order(everyone, end, include_closed, late_before)
            assert len(rows) == snapshot.total
    open_ids = {lead.id for lead in everyone if not LeadStatus(lead.status).is_closed}
    plain = service.snapshot(InboxFilter(), any_workspace.end_of_today(any_workspace.clock()))
    assert {r.id for r in plain.fetch(0, plain.total)} == open_ids
    assert plain.waiting == sum(
        1 for r in everyone if r.status == "new" and not r.first_response_at
    )


def test_filtered_counts_agree_with_unfiltered_ones(workspace: Workspace) -> None:
    service = demo(workspace)
    end = workspace.end_of_today(workspace.clock())
    plain = service.snapshot(InboxFilter(), end)
    per_status = [
        service.snapshot(InboxFilter(status=s.value), end).total
        for s in LeadStatus
        if not s.is_closed
    ]
    assert sum(per_status) == plain.total
    with_closed = service.snapshot(InboxFilter(include_closed=True), end)
    assert with_closed.total == len(workspace.leads.list_leads())


def test_search_finds_open_and_closed_leads_newest_first(
    workspace: Workspace, tmp_path: Path
) -> None:
    service = demo(workspace)
    everyone = workspace.leads.list_leads()
    won = next(lead for lead in everyone if lead.status == "won")
    found = service.any_snapshot(
        InboxFilter(search=won.last_name), workspace.end_of_today(workspace.clock())
    )
    rows = found.fetch(0, 1000)
    assert found.total == len(rows) == len(workspace.leads.list_leads(search=won.last_name))
    assert won.id in {r.id for r in rows}
    assert [r.id for r in rows] == sorted((r.id for r in rows), reverse=True)
    assert found.fetch(1, 1) == rows[1:2]  # windows line up with the whole


def test_leads_due_at_the_same_time_are_ordered_closer_to_a_decision_first(
    workspace: Workspace, tmp_path: Path
) -> None:
    from sqlalchemy import update

    from repdesk.store.models import LeadRecord

    path = tmp_path / "three.csv"
    path.write_text(
        "Name,Email\nAa Awareness,a@x.example\nCc Consider,c@x.example\nDd Decide,d@x.example\n",
        encoding="utf-8",
    )
    workspace.imports.import_files([path])
    due = workspace.clock() + timedelta(days=3)
    stages = {"a@x.example": "awareness", "c@x.example": "consideration", "d@x.example": "decision"}
    with workspace.sessions.begin() as session:
        for email, stage in stages.items():
            session.execute(
                update(LeadRecord)
                .where(LeadRecord.email == email)
                .values(journey_stage=stage, next_follow_up_at=due, status="contacted")
            )
    service = InboxService(workspace.sessions, workspace.clock)
    rows = service.snapshot(InboxFilter(), workspace.end_of_today(workspace.clock())).fetch(0, 10)
    assert [r.email for r in rows] == ["d@x.example", "c@x.example", "a@x.example"]
