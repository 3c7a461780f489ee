"""Closed leads stay closed: finishing a script on a won or lost lead is refused with one sentence
(no status change, no cadence, no capacity used) until the rep reopens the lead."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from repdesk.app import Workspace
from repdesk.core.domain import LeadStatus, Verdict
from repdesk.services.common.errors import UserError
from repdesk.store.models import ActivityRecord, FollowUpRecord, QualificationRecord
from tests.services.script.test_qualification_service import QUALIFIED, add_lead, add_rep, lead

NURTURE = {**QUALIFIED, "authority": "influences", "budget": "none"}


def counts(ws: Workspace, lead_id: int) -> tuple[int, int, int]:
    """(activities, pending steps, finished qualifications) of the lead."""
    with ws.sessions() as session:

        def count(model: type, *where: object) -> int:
            stmt = select(func.count()).select_from(model).where(model.lead_id == lead_id, *where)  # type: ignore[attr-defined]
            return int(session.scalar(stmt) or 0)

        return (
            count(ActivityRecord),
            count(FollowUpRecord, FollowUpRecord.status == "pending"),
            count(QualificationRecord, QualificationRecord.is_draft.is_(False)),
        )


@pytest.mark.parametrize("closed", [LeadStatus.WON, LeadStatus.LOST])
@pytest.mark.parametrize("answers", [QUALIFIED, NURTURE], ids=["qualified", "nurture"])
def test_finishing_a_script_on_a_closed_lead_is_refused_and_changes_nothing(
    workspace: Workspace, closed: LeadStatus, answers: dict[str, object]
) -> None:
    rep = add_rep(workspace, "Priya Shah", 1)
    lead_id = add_lead(workspace)
    workspace.leads.set_status(lead_id, closed)
    workspace.qualifications.save_draft(lead_id, answers)  # the script panel's autosave
    before = counts(workspace, lead_id)
    with pytest.raises(UserError) as refused:
        workspace.qualifications.finish(lead_id, answers)
    sentence = str(refused.value)
    assert closed.value in sentence and "reopen" in sentence.lower()
    assert sentence.count(". ") == 0 and sentence.endswith(".")
    record = lead(workspace, lead_id)
    assert record.status == closed.value
    assert record.owner_id is None and record.verdict is None and record.score is None
    assert counts(workspace, lead_id) == before  # no activity, no step, no qualification
    assert before[1] == 0
    # The rep's capacity of one is still free for the next open lead.
    other = add_lead(workspace, email="other@x.example")
    assert workspace.qualifications.finish(other, QUALIFIED).owner == "Priya Shah"
    assert lead(workspace, other).owner_id == rep
    # The draft kept the answers: once reopened the same script finishes.
    workspace.leads.set_status(lead_id, LeadStatus.CONTACTED, note="came back")
    result = workspace.qualifications.finish(lead_id)
    assert result.verdict in (Verdict.QUALIFIED, Verdict.NURTURE)
    assert lead(workspace, lead_id).status == result.verdict.value
    assert counts(workspace, lead_id)[1:] == (1, 1)


def test_the_qualify_command_refuses_a_closed_lead_in_one_sentence(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    from repdesk.cli import main

    lead_id = add_lead(workspace)
    workspace.leads.set_status(lead_id, LeadStatus.WON)
    url = workspace.url
    workspace.close()
    pairs = [f"--answer={key}={str(value).lower()}" for key, value in QUALIFIED.items()]
    assert main(["--db", url, "qualify", str(lead_id), *pairs]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "won" in err and "reopen" in err.lower()
