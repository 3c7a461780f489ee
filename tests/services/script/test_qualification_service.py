"""Qualification: drafts, verdict effects (routing by capacity, nurture timing, not-a-fit reply),
expiry, versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from repdesk.app import Workspace
from repdesk.core.business_hours import local_days_later, next_business_time
from repdesk.core.domain import ActivityKind, Verdict
from repdesk.services.common.errors import UserError
from repdesk.services.followups.requalify import REQUALIFY_NOTE
from repdesk.store.models import FollowUpRecord, LeadRecord, QualificationRecord, RepRecord
from tests.fixtures.workspace import FakeClock

QUALIFIED = {
    "need": True,
    "challenge": "Site breaks on phones",
    "timeline": "this_month",
    "authority": "decides",
    "budget": "approved",
    "site_goal": "leads",
}


def add_lead(
    ws: Workspace,
    *,
    product: str = "website",
    first: str = "Ava",
    email: str = "ava@bakery.example",
    status: str = "new",
) -> int:
    now = ws.clock()
    with ws.sessions.begin() as session:
        lead = LeadRecord(
            first_name=first,
            last_name="Thompson",
            company="Thompson Bakery",
            email=email,
            product=product,
            status=status,
            received_at=now,
            created_at=now,
            updated_at=now,
            extra={},
            edited_fields=[],
        )
        session.add(lead)
        session.flush()
        ws.followups.planner.sync(session, lead, now)
        return lead.id


def add_rep(ws: Workspace, name: str, capacity: int) -> int:
    with ws.sessions.begin() as session:
        rep = RepRecord(name=name, monthly_capacity=capacity)
        session.add(rep)
        session.flush()
        return rep.id


def lead(ws: Workspace, lead_id: int) -> LeadRecord:
    with ws.sessions() as session:
        record = session.get(LeadRecord, lead_id)
        assert record is not None
        session.expunge(record)
        return record


def pending(ws: Workspace, lead_id: int) -> list[FollowUpRecord]:
    with ws.sessions() as session:
        return list(
            session.scalars(
                select(FollowUpRecord).where(
                    FollowUpRecord.lead_id == lead_id, FollowUpRecord.status == "pending"
                )
            )
        )


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.settings.set("timezone", "Europe/Berlin")
    return workspace


def test_start_offers_core_then_product_set_and_draft_survives(ws: Workspace) -> None:
    lead_id = add_lead(ws)
    run = ws.qualifications.start_or_resume(lead_id)
    assert [s.key for s in run.sets] == ["core", "website"]
    assert run.answers == {} and not run.resumed
    ws.qualifications.save_draft(
        lead_id, {"need": True, "timeline": "1_3_months", "start": date(2027, 1, 4)}
    )
    again = ws.qualifications.start_or_resume(lead_id)
    assert again.resumed
    assert again.answers["need"] is True and again.answers["timeline"] == "1_3_months"
    with ws.sessions() as session:
        drafts = list(
            session.scalars(
                select(QualificationRecord).where(QualificationRecord.lead_id == lead_id)
            )
        )
    assert len(drafts) == 1 and drafts[0].is_draft
    assert drafts[0].answers["start"] == "2027-01-04"  # dates stored as ISO strings


def test_finish_needs_the_required_answers(ws: Workspace) -> None:
    lead_id = add_lead(ws)
    with pytest.raises(UserError, match="required questions first: challenge"):
        ws.qualifications.finish(lead_id, {"need": True})
    assert lead(ws, lead_id).verdict is None


def test_qualified_routes_by_capacity_and_plans_a_hand_over(
    ws: Workspace, clock: FakeClock
) -> None:
    small = add_rep(ws, "Priya Shah", 1)
    big = add_rep(ws, "Sam Ortiz", 2)
    owners = []
    for i in range(3):
        lead_id = add_lead(ws, email=f"l{i}@x.example")
        result = ws.qualifications.finish(lead_id, QUALIFIED)
        assert result.verdict is Verdict.QUALIFIED
        owners.append(lead(ws, lead_id).owner_id)
        assert lead(ws, lead_id).status == "qualified"
        steps = pending(ws, lead_id)
        assert len(steps) == 1 and steps[0].cadence == "qualified" and steps[0].kind == "call"
        # Friday 16:00 in Berlin: the hand-over call is the next business morning, within one
        # business day.
        assert steps[0].due_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
        assert result.next_follow_up_at == steps[0].due_at
    assert sorted(owners) == sorted(
        [small, big, big]
    )  # each rep gets leads up to capacity, nobody over
    # Every rep is full: the lead is qualified but waits unassigned, tagged over capacity.
    fourth = add_lead(ws, email="l4@x.example")
    result = ws.qualifications.finish(fourth, QUALIFIED)
    record = lead(ws, fourth)
    assert result.owner is None and result.over_capacity
    assert (
        record.owner_id is None and record.status == "qualified" and "over_capacity" in record.tags
    )
    assert "over capacity" in result.next_steps(ZoneInfo("Europe/Berlin"))
    queue = ws.leads.list_leads(status="qualified")
    assert [lead_row.id for lead_row in queue if lead_row.owner is None] == [fourth]
    # A new month frees capacity again.
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    fifth = add_lead(ws, email="l5@x.example")
    assert ws.qualifications.finish(fifth, QUALIFIED).owner is not None


def test_qualified_at_closing_on_thursday_is_handed_over_on_friday(
    ws: Workspace, clock: FakeClock
) -> None:
    add_rep(ws, "Priya Shah", 5)
    berlin = ZoneInfo("Europe/Berlin")
    for hour, minute in ((17, 0), (19, 30)):  # Thursday at closing time, and later that evening
        clock.now = datetime(2026, 11, 19, hour, minute, tzinfo=berlin).astimezone(UTC)
        lead_id = add_lead(ws, email=f"{hour}@x.example")
        result = ws.qualifications.finish(lead_id, QUALIFIED)
        friday_opening = datetime(2026, 11, 20, 9, 0, tzinfo=berlin).astimezone(UTC)
        assert [s.due_at for s in pending(ws, lead_id)] == [friday_opening]
        assert result.next_follow_up_at == friday_opening
        assert "Fri 20 Nov 09:00" in result.next_steps(berlin)


def test_nurture_check_in_counts_local_days_across_daylight_saving(
    ws: Workspace, clock: FakeClock
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Tuesday 20 October 10:00 in Berlin; clocks go back on Sunday 25 October.
    clock.now = datetime(2026, 10, 20, 10, 0, tzinfo=berlin).astimezone(UTC)
    lead_id = add_lead(ws)
    answers = {**QUALIFIED, "timeline": "1_3_months", "authority": "influences", "budget": "none"}
    assert ws.qualifications.finish(lead_id, answers).verdict is Verdict.NURTURE
    (step,) = pending(ws, lead_id)
    assert step.due_at == datetime(2026, 11, 19, 10, 0, tzinfo=berlin).astimezone(UTC)


def test_inbox_unassigned_filter_shows_the_over_capacity_queue(ws: Workspace) -> None:
    from repdesk.services.inbox.inbox_service import InboxFilter, InboxService

    lead_id = add_lead(ws)
    ws.qualifications.finish(lead_id, QUALIFIED)  # no reps at all: over capacity
    snapshot = InboxService(ws.sessions, ws.clock).snapshot(
        InboxFilter(owner="-", status="qualified"), ws.end_of_today(ws.clock())
    )
    assert [row.id for row in snapshot.fetch(0, 10)] == [lead_id]


@pytest.mark.parametrize(
    "timeline, days",
    [
        ("this_month", 7),
        ("1_3_months", 30),
        ("3_6_months", 90),
        ("6_12_months", 180),
        ("no_plans", 180),
    ],
)
def test_nurture_first_check_in_follows_the_time_frame(
    ws: Workspace, timeline: str, days: int
) -> None:
    lead_id = add_lead(ws)
    answers = {**QUALIFIED, "timeline": timeline, "authority": "influences", "budget": "none"}
    result = ws.qualifications.finish(lead_id, answers)
    assert result.verdict is Verdict.NURTURE
    expected = local_days_later(ws.clock(), days, ws.followups.planner.hours)
    steps = pending(ws, lead_id)
    assert len(steps) == 1 and steps[0].cadence == "nurture"
    assert steps[0].due_at == expected.astimezone(UTC)
    assert lead(ws, lead_id).status == "nurture"


def test_not_a_fit_drafts_a_reply_keeps_the_lead_and_a_light_cadence(ws: Workspace) -> None:
    lead_id = add_lead(ws, product="seo")
    result = ws.qualifications.finish(
        lead_id,
        {
            "need": False,
            "timeline": "no_plans",
            "authority": "no_role",
            "budget": "none",
            "seo_goal": "rank_local",
        },
    )
    assert result.verdict is Verdict.NOT_A_FIT
    assert result.reply is not None
    assert "Ava" in result.reply.body and "Thompson Bakery" in result.reply.body
    assert "Local Listings" in result.reply.body  # the referral for the lead's product
    url = urlsplit(result.reply.mailto)
    assert url.scheme == "mailto" and url.path == "ava@bakery.example"
    assert parse_qs(url.query)["body"][0] == result.reply.body
    record = lead(ws, lead_id)
    assert record.status == "not_a_fit" and record.verdict == "not_a_fit"
    steps = pending(ws, lead_id)
    assert len(steps) == 1 and steps[0].cadence == "not_a_fit"
    assert steps[0].due_at >= ws.clock() + timedelta(days=90)
    assert ws.leads.detail(lead_id).lead.id == lead_id  # never deleted


def test_finish_logs_a_qualification_activity_and_expiry(ws: Workspace) -> None:
    ws.settings.set("qualification_days", 30)
    lead_id = add_lead(ws)
    ws.qualifications.save_draft(lead_id, {"need": True})
    ws.qualifications.finish(lead_id, QUALIFIED)
    detail = ws.leads.detail(lead_id)
    kinds = [a.kind for a in detail.activities]
    assert ActivityKind.QUALIFICATION.value in kinds
    body = next(a.body for a in detail.activities if a.kind == "qualification")
    assert "Qualified" in body and f"score {detail.lead.score}" in body
    assert detail.qualification_expires_at == ws.clock() + timedelta(days=30)
    with ws.sessions() as session:
        records = list(
            session.scalars(
                select(QualificationRecord).where(QualificationRecord.lead_id == lead_id)
            )
        )
    assert len(records) == 1 and not records[0].is_draft  # the draft became the qualification
    assert records[0].answers["need"] is True


def test_expired_qualification_gets_one_requalify_follow_up(
    ws: Workspace, clock: FakeClock
) -> None:
    lead_id = add_lead(ws)
    ws.qualifications.finish(lead_id, {**QUALIFIED, "authority": "influences", "budget": "none"})
    assert ws.qualifications.plan_requalifications() == 0
    clock.now += timedelta(days=91)
    assert ws.qualifications.plan_requalifications() == 1
    steps = pending(ws, lead_id)
    assert len(steps) == 1 and steps[0].note == REQUALIFY_NOTE
    assert steps[0].due_at == next_business_time(clock.now, ws.followups.planner.hours).astimezone(
        UTC
    )
    assert ws.qualifications.plan_requalifications() == 0  # once per expiry


def test_editing_a_set_makes_a_version_and_old_qualifications_keep_their_questions(
    ws: Workspace,
) -> None:
    lead_id = add_lead(ws)
    ws.qualifications.finish(lead_id, QUALIFIED)
    bundle = ws.scripts.current_bundle()
    core = bundle.sets[0]
    need = core.questions[0]
    edited = replace(
        core, questions=(replace(need, prompt="Is something broken?"), *core.questions[1:])
    )
    result = ws.scripts.save_bundle(replace(bundle, sets=(edited, *bundle.sets[1:])))
    assert result.new_versions == {"core": 2} and result.rules_version is None
    assert ws.scripts.versions("core") == [1, 2] and ws.scripts.versions("website") == [1]
    assert ws.scripts.current_bundle().sets[0].questions[0].prompt == "Is something broken?"
    assert ws.scripts.save_bundle(ws.scripts.current_bundle()).changed is False
    past = ws.qualifications.history(lead_id)
    assert len(past) == 1
    assert past[0].sets[0].version == 1
    assert past[0].sets[0].questions[0].prompt == "Is there a real problem to solve?"
    assert past[0].answers["timeline"] == "this_month"
    # A new run asks the new version.
    second = add_lead(ws, email="b@x.example")
    assert (
        ws.qualifications.start_or_resume(second).sets[0].questions[0].prompt
        == "Is something broken?"
    )


def test_save_bundle_stores_nothing_on_a_problem(ws: Workspace) -> None:
    bundle = ws.scripts.current_bundle()
    core = bundle.sets[0]
    broken = replace(core, questions=(replace(core.questions[0], key="9bad"), *core.questions[1:]))
    with pytest.raises(UserError):
        ws.scripts.save_bundle(replace(bundle, sets=(broken, *bundle.sets[1:])))
    assert ws.scripts.versions("core") == [1]


def test_import_text_names_the_line_and_changes_nothing(ws: Workspace) -> None:
    text = ws.scripts.export_text()
    lines = text.splitlines()
    index = lines.index("type: yes_no")
    lines[index] = "type: yesno"
    lines[1 + lines.index("[question challenge]") + 1] = "prompt: What is the challenge, really?"
    with pytest.raises(UserError, match=f"^line {index + 1}: unknown answer type 'yesno'"):
        ws.scripts.import_text("\n".join(lines) + "\n")
    assert ws.scripts.export_text() == text
    assert ws.scripts.versions("core") == [1]
