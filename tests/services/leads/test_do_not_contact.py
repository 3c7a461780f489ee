"""Do not contact is real: the mark cancels the lead's steps and plans no new ones, its reminders
leave the calendar, and calls and emails are refused with one sentence until the mark is cleared."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import func, select

from repdesk.app import Workspace
from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord
from tests.fixtures.workspace import FakeClock
from tests.services.script.test_qualification_service import QUALIFIED

CSV = "First Name,Last Name,Email,Phone\nAna,Ruiz,ana@ruiz.example,555-010-1001\n"


@pytest.fixture
def ana(workspace: Workspace, tmp_path: Path) -> int:
    path = tmp_path / "leads.csv"
    path.write_text(CSV, encoding="utf-8")
    (lead_id,) = workspace.imports.import_files([path]).added_ids
    return int(lead_id)


def steps(ws: Workspace, lead_id: int, status: str = "pending") -> list[FollowUpRecord]:
    with ws.sessions() as session:
        return list(
            session.scalars(
                select(FollowUpRecord).where(
                    FollowUpRecord.lead_id == lead_id, FollowUpRecord.status == status
                )
            )
        )


def outbound(ws: Workspace, lead_id: int) -> int:
    with ws.sessions() as session:
        stmt = select(func.count(ActivityRecord.id)).where(
            ActivityRecord.lead_id == lead_id,
            ActivityRecord.kind.in_(("call", "email", "meeting")),
        )
        return int(session.scalar(stmt) or 0)


def test_the_mark_cancels_the_steps_says_so_on_the_timeline_and_clears(
    workspace: Workspace, clock: FakeClock, ana: int
) -> None:
    assert len(steps(workspace, ana)) == 1
    changes = workspace.leads.set_do_not_contact(ana)
    assert changes == Changes(leads=True, activities=True, follow_ups=True)
    assert steps(workspace, ana) == [] and len(steps(workspace, ana, "cancelled")) == 1
    detail = workspace.leads.detail(ana)
    assert detail.lead.do_not_contact and detail.lead.next_follow_up_at is None
    assert "do not contact" in detail.activities[0].body.lower()
    assert workspace.leads.set_do_not_contact(ana) == Changes()  # already marked: nothing to do
    clock.now += timedelta(hours=3)
    workspace.leads.set_do_not_contact(ana, False)
    (step,) = steps(workspace, ana)
    assert step.cadence == "new_inquiry" and step.due_at >= clock.now - timedelta(minutes=1)
    assert not workspace.leads.detail(ana).lead.do_not_contact


def test_a_marked_lead_gets_no_new_steps_whatever_happens(
    workspace: Workspace, clock: FakeClock, ana: int, tmp_path: Path
) -> None:
    workspace.leads.set_do_not_contact(ana)
    workspace.leads.set_status(ana, LeadStatus.CONTACTED)
    workspace.leads.add_note(ana, "Asked us to stop calling")
    workspace.qualifications.finish(ana, {**QUALIFIED, "authority": "influences"})
    again = tmp_path / "again.csv"
    again.write_text(CSV.replace("Ana,Ruiz", "Ana,Ruiz-Diaz"), encoding="utf-8")
    assert workspace.imports.import_files([again]).merged == 1
    workspace.followups.ensure_all()
    clock.now += timedelta(days=200)  # the verdict expires: no re-qualify step either
    workspace.followups.list("all")
    assert steps(workspace, ana) == []
    assert workspace.followups.coverage().open_leads == 0  # not counted as a lead without a step


@pytest.mark.parametrize("kind", [ActivityKind.CALL, ActivityKind.EMAIL])
def test_calling_or_emailing_a_marked_lead_is_refused_in_one_sentence(
    workspace: Workspace, ana: int, kind: ActivityKind
) -> None:
    workspace.leads.set_do_not_contact(ana)
    before = workspace.leads.detail(ana)
    with pytest.raises(UserError) as refused:
        workspace.leads.log_activity(ana, kind, outcome=None, body="x")
    sentence = str(refused.value)
    assert "Ana Ruiz" in sentence and "do not contact" in sentence
    assert sentence.endswith(".") and ". " not in sentence
    after = workspace.leads.detail(ana)
    assert after.activities == before.activities and after.lead.first_response_at is None
    workspace.leads.add_note(ana, "Notes are still fine")  # the timeline stays usable
    assert outbound(workspace, ana) == 0


def test_a_not_a_fit_verdict_drafts_no_reply_to_a_marked_lead(
    workspace: Workspace, ana: int
) -> None:
    workspace.leads.set_do_not_contact(ana)
    answers = {
        "need": False,
        "timeline": "no_plans",
        "authority": "no_role",
        "budget": "none",
        "site_goal": "refresh",
    }
    result = workspace.qualifications.finish(ana, answers)
    assert result.verdict.value == "not_a_fit"
    assert result.reply is None  # the script panel would open it in the mail program
    assert result.next_follow_up_at is None and steps(workspace, ana) == []


def test_its_reminders_leave_the_calendar(
    workspace: Workspace, clock: FakeClock, ana: int, tmp_path: Path
) -> None:
    service = workspace.services.calendar
    path = tmp_path / "reminders.ics"
    service.export(path)
    (uid,) = {str(e["UID"]) for e in _events(path)}
    workspace.leads.set_do_not_contact(ana)
    clock.now += timedelta(minutes=5)
    service.export(path)
    (event,) = _events(path)
    assert str(event["UID"]) == uid and str(event["STATUS"]) == "CANCELLED"
    service.export(path)
    assert _events(path) == []  # the cancellation went out once
    assert service.reminders() == []


def test_a_pending_step_left_by_an_older_version_is_not_exported(
    workspace: Workspace, ana: int, tmp_path: Path
) -> None:
    # An older repdesk on the same team database set the flag without cancelling the step.
    with workspace.sessions.begin() as session:
        lead = session.get(LeadRecord, ana)
        assert lead is not None
        lead.do_not_contact = True
    assert len(steps(workspace, ana)) == 1
    service = workspace.services.calendar
    assert service.reminders() == []
    path = tmp_path / "reminders.ics"
    service.export(path)
    assert _events(path) == []


def _events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
