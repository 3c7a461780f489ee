"""Report figures against a hand-built workspace with known times (FakeClock, UTC zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, update

from repdesk.app import Workspace
from repdesk.core.business_hours import business_seconds_between
from repdesk.core.domain import ActivityKind
from repdesk.services.common.errors import UserError
from repdesk.services.leads.journey_service import refresh_journey_stages
from repdesk.store.models import (
    ActivityRecord,
    FollowUpRecord,
    LeadRecord,
    QualificationRecord,
    RepRecord,
)
from tests.fixtures.workspace import FIXED_NOW, FakeClock

NOW = FIXED_NOW  # Friday 20 Nov 2026, 15:00 UTC
DAY = date(2026, 11, 20)


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.settings.set("timezone", "UTC")
    return workspace


def add_rep(ws: Workspace, name: str, capacity: int, active: bool = True) -> int:
    with ws.sessions.begin() as s:
        return int(
            s.execute(
                insert(RepRecord)
                .values(name=name, monthly_capacity=capacity, active=active)
                .returning(RepRecord.id)
            ).scalar_one()
        )


def add_lead(
    ws: Workspace, received: datetime, response_min: float | None = None, **values: Any
) -> int:
    first = received + timedelta(minutes=response_min) if response_min is not None else None
    row = dict(
        first_name="L",
        received_at=received,
        first_response_at=first,
        # As the app stores it when the first response is recorded (LeadService.log_activity).
        first_response_business_seconds=(
            business_seconds_between(received, first, ws.leads.hours()) if first else None
        ),
        created_at=received,
        updated_at=received,
        extra={},
        edited_fields=[],
        status="new",
    )
    row.update(values)
    with ws.sessions.begin() as s:
        return int(
            s.execute(insert(LeadRecord).values(**row).returning(LeadRecord.id)).scalar_one()
        )


def add_call(ws: Workspace, lead_id: int, when: datetime, outcome: str, kind: str = "call") -> None:
    with ws.sessions.begin() as s:
        s.execute(
            insert(ActivityRecord).values(
                lead_id=lead_id, kind=kind, outcome=outcome, occurred_at=when
            )
        )


def add_qualification(
    ws: Workspace,
    lead_id: int,
    completed: datetime | None,
    verdict: str = "qualified",
    draft: bool = False,
    answers: dict[str, str] | None = None,
) -> None:
    with ws.sessions.begin() as s:
        s.execute(
            insert(QualificationRecord).values(
                lead_id=lead_id,
                set_ids=[],
                answers=answers or {},
                verdict=verdict,
                is_draft=draft,
                started_at=completed or NOW,
                completed_at=completed,
            )
        )


def add_followup(ws: Workspace, lead_id: int, due: datetime, status: str = "pending") -> None:
    """A step, and (pending) the lead's next_follow_up_at with it, as every change of the app
    writes them together (tests/services/followups/test_followup_invariant.py)."""
    with ws.sessions.begin() as s:
        if status == "pending":
            s.execute(
                update(LeadRecord).where(LeadRecord.id == lead_id).values(next_follow_up_at=due)
            )
        s.execute(
            insert(FollowUpRecord).values(
                lead_id=lead_id,
                due_at=due,
                kind="call",
                status=status,
                updated_at=NOW,
            )
        )


def test_no_leads_gives_null_median_and_zero_shares(ws: Workspace) -> None:
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    assert r.speed.median_minutes is None
    assert (r.speed.within_target_share, r.speed.within_hour_share, r.speed.within_day_share) == (
        0,
        0,
        0,
    )
    assert r.speed.never_contacted == 0 and r.speed.received == 0
    assert r.coverage.open_leads == 0 and r.coverage.overdue == 0
    assert r.funnel.qualified_to_won_rate == 0.0 and sum(r.funnel.by_status.values()) == 0
    assert r.reps == ()


def test_speed_to_lead_over_every_lead_received_in_the_period(ws: Workspace) -> None:
    base = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)  # a Tuesday, 10:00 (hours 09:00–17:00 UTC)
    for minutes in (3, 5, 20, 61, 600, 3000):
        add_lead(ws, base, minutes, status="contacted")
    add_lead(ws, base)  # never contacted: in every denominator
    add_lead(ws, base)
    add_lead(ws, datetime(2026, 10, 31, 23, 59, tzinfo=UTC), 1)  # before the period
    add_lead(ws, datetime(2026, 11, 21, 0, 0, tzinfo=UTC), 1)  # after the period
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    s = r.speed
    assert s.received == 8 and s.never_contacted == 2
    # Business hours only: 600 min (20:00) waited the 7 h until closing; 3000 min (Thursday
    # 12:00) waited 7 h + 8 h + 3 h.
    assert s.median_minutes == (20 + 61) / 2
    assert s.within_target_share == 2 / 8
    assert s.within_hour_share == 3 / 8
    assert s.within_day_share == 6 / 8
    assert [b.count for b in s.buckets] == [2, 1, 3, 0, 0, 2]


def test_a_friday_evening_inquiry_answered_monday_0903_waited_three_minutes(
    ws: Workspace, clock: FakeClock
) -> None:
    friday_evening = datetime(2026, 11, 13, 19, 0, tzinfo=UTC)
    lead = add_lead(ws, friday_evening)
    clock.now = datetime(2026, 11, 16, 9, 3, tzinfo=UTC)
    ws.leads.log_activity(lead, ActivityKind.CALL, outcome="connected")
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    assert r.speed.median_minutes == 3.0 and r.speed.within_target_share == 1.0


def test_the_response_target_setting_moves_the_target_share(ws: Workspace) -> None:
    base = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    for minutes in (3, 8, 14, 40):
        add_lead(ws, base, minutes, status="contacted")
    ws.settings.set("response_target_minutes", 15)
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    assert r.speed.within_target_share == 0.75 and r.target_minutes == 15


def test_period_days_are_local_dates(ws: Workspace) -> None:
    ws.settings.set("timezone", "America/New_York")  # UTC-5 in November
    add_lead(ws, datetime(2026, 11, 10, 4, 30, tzinfo=UTC), 1)  # 9 Nov 23:30 in New York
    add_lead(ws, datetime(2026, 11, 10, 5, 30, tzinfo=UTC), 1)  # 10 Nov 00:30 in New York
    service = ws.services.reports
    assert service.report(date(2026, 11, 10), date(2026, 11, 10)).speed.received == 1
    assert service.report(date(2026, 11, 9), date(2026, 11, 9)).speed.received == 1


def test_default_period_is_the_last_thirty_days(ws: Workspace) -> None:
    r = ws.services.reports.report()
    assert (r.period_from, r.period_to) == (date(2026, 10, 22), DAY)


def test_owner_filter_and_unknown_owner(ws: Workspace) -> None:
    sam = add_rep(ws, "Sam", 10)
    add_rep(ws, "Kim", 5)
    base = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    add_lead(ws, base, 2, owner_id=sam, status="contacted")
    add_lead(ws, base)
    r = ws.services.reports.report(date(2026, 11, 1), DAY, "Sam")
    assert r.speed.received == 1 and r.speed.never_contacted == 0
    assert [rep.name for rep in r.reps] == ["Sam"]
    with pytest.raises(UserError, match="no rep named 'Nobody'"):
        ws.services.reports.report(None, None, "Nobody")
    with pytest.raises(UserError, match="after it ends"):
        ws.services.reports.report(DAY, date(2026, 11, 1))


def test_coverage_follows_the_followup_service(ws: Workspace) -> None:
    base = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    a = add_lead(ws, base, 2, status="contacted")
    b = add_lead(ws, base, 2, status="nurture")
    add_lead(ws, base, 2, status="contacted")  # open, no next step
    c = add_lead(ws, base, 2, status="won")  # closed: not counted
    add_followup(ws, a, NOW - timedelta(hours=1))
    add_followup(ws, b, NOW + timedelta(days=2))
    add_followup(ws, c, NOW - timedelta(days=1))
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    assert (r.coverage.open_leads, r.coverage.with_next_step, r.coverage.overdue) == (3, 2, 1)
    assert r.coverage.with_next_step_share == 2 / 3


def test_attempts_before_the_first_connect(ws: Workspace) -> None:
    base = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    a = add_lead(ws, base, 1, status="contacted")
    b = add_lead(ws, base, 1, status="contacted")
    c = add_lead(ws, base, 1, status="new")
    for i, outcome in enumerate(["no_answer", "voicemail", "no_answer", "connected", "no_answer"]):
        add_call(ws, a, base + timedelta(hours=i), outcome)
    add_call(ws, a, base + timedelta(minutes=30), "", kind="email")  # not a call attempt
    add_call(ws, b, base, "connected")
    add_call(ws, c, base, "voicemail")
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    assert r.attempts.connected_leads == 2
    assert r.attempts.median_attempts == 1.5 and r.attempts.max_attempts == 3
    assert r.attempts.unreached_leads == 1


def test_funnel_by_status_verdict_source_and_product(ws: Workspace) -> None:
    base = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    spec = [
        ("won", "qualified", "Web", "seo"),
        ("won", None, "Web", "seo"),
        ("qualified", "qualified", "Ads", "seo"),
        ("lost", "qualified", "Ads", "website"),
        ("nurture", "nurture", "Web", "website"),
        ("not_a_fit", "not_a_fit", "Ads", "website"),
        ("new", None, "Ads", "website"),
    ]
    for status, verdict, source, product in spec:
        add_lead(ws, base, 1, status=status, verdict=verdict, source=source, product=product)
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    f = r.funnel
    assert f.by_status == {
        "new": 1,
        "contacted": 0,
        "qualified": 1,
        "nurture": 1,
        "not_a_fit": 1,
        "won": 2,
        "lost": 1,
    }
    assert f.by_verdict == {"qualified": 3, "nurture": 1, "not_a_fit": 1}
    assert (f.qualified, f.won, f.qualified_to_won_rate) == (4, 2, 0.5)
    web = next(g for g in f.by_source if g.name == "Web")
    assert (web.leads, web.qualified, web.won) == (3, 2, 2)
    website = next(g for g in f.by_product if g.name == "website")
    assert (website.leads, website.qualified, website.won, website.won_rate) == (4, 1, 0, 0.0)


def test_rep_load_counts_final_qualifications_completed_this_month(ws: Workspace) -> None:
    sam = add_rep(ws, "Sam", 10)
    kim = add_rep(ws, "Kim", 4)
    add_rep(ws, "Gone", 9, active=False)
    old = datetime(2026, 9, 1, tzinfo=UTC)
    this_month = datetime(2026, 11, 3, 12, tzinfo=UTC)
    l1 = add_lead(ws, old, 1, owner_id=sam, verdict="qualified", status="qualified")
    add_qualification(ws, l1, datetime(2026, 10, 20, tzinfo=UTC), "nurture")
    add_qualification(ws, l1, this_month)  # final one this month: counts
    l2 = add_lead(ws, old, 1, owner_id=sam, verdict="qualified", status="qualified")
    add_qualification(
        ws, l2, datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
    )  # last month: does not count
    add_qualification(ws, l2, NOW, draft=True)  # a draft is not a hand-over
    l3 = add_lead(ws, old, 1, owner_id=kim, verdict="qualified", status="won")
    add_qualification(ws, l3, datetime(2026, 11, 1, 0, 0, tzinfo=UTC))
    l4 = add_lead(ws, old, 1, owner_id=kim, verdict="nurture", status="nurture")
    add_qualification(ws, l4, this_month, "nurture")  # not qualified
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    assert [(x.name, x.capacity, x.qualified_this_month) for x in r.reps] == [
        ("Kim", 4, 1),
        ("Sam", 10, 1),
    ]
    # Rep load does not depend on the report period: it is always this calendar month.
    r2 = ws.services.reports.report(date(2026, 1, 1), date(2026, 1, 31))
    assert [x.qualified_this_month for x in r2.reps] == [1, 1]


def test_month_boundary_follows_the_workspace_zone(ws: Workspace, clock: FakeClock) -> None:
    ws.settings.set("timezone", "Europe/Berlin")
    sam = add_rep(ws, "Sam", 10)
    lead = add_lead(ws, datetime(2026, 10, 1, tzinfo=UTC), 1, owner_id=sam, verdict="qualified")
    add_qualification(ws, lead, datetime(2026, 10, 31, 23, 30, tzinfo=UTC))  # 1 Nov 00:30 in Berlin
    assert ws.services.reports.report().reps[0].qualified_this_month == 1


def test_journey_counts_open_leads_after_refresh(ws: Workspace) -> None:
    base = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    hot = add_lead(ws, base, 1, status="contacted", email_clicks=3, site_visits=7)
    warm = add_lead(ws, base, 1, status="contacted")
    add_qualification(ws, warm, base + timedelta(hours=1), "nurture", answers={"need": "yes"})
    add_lead(ws, base, 1, status="contacted")
    add_lead(ws, base, 1, status="won", email_clicks=9, site_visits=9)  # closed: not counted
    with ws.sessions.begin() as s:
        assert refresh_journey_stages(s) == 3
    with ws.sessions.begin() as s:
        assert refresh_journey_stages(s, [hot, warm]) == 0  # nothing changed since
    r = ws.services.reports.report(date(2026, 11, 1), DAY)
    assert r.journey == {"awareness": 1, "consideration": 1, "decision": 1}


def test_journey_uses_the_latest_completed_qualification(ws: Workspace) -> None:
    base = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    lead = add_lead(ws, base, 1, status="contacted")
    add_qualification(ws, lead, base, answers={"timeline": "this_month", "budget": "approved"})
    add_qualification(ws, lead, base + timedelta(days=1), "nurture", answers={"need": "yes"})
    add_qualification(
        ws, lead, None, draft=True, answers={"timeline": "this_month", "budget": "approved"}
    )
    with ws.sessions.begin() as s:
        refresh_journey_stages(s, [lead])
    assert ws.leads.detail(lead).lead.journey_stage == "consideration"
