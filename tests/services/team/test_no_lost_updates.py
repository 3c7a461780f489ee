"""No lost updates and nothing logged twice: two real logins working the same lead at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from repdesk.app import Workspace, open_workspace
from repdesk.core.domain import ActivityKind
from repdesk.services.common.errors import UserError
from repdesk.services.leads.edit_conflicts import StaleEditError
from repdesk.services.team.claims import ClaimedError
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord
from tests.fixtures.team import Team

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
FIELDS = (
    "first_name",
    "last_name",
    "company",
    "title",
    "email",
    "phone",
    "source",
    "product",
    "notes",
    "tags",
)


@pytest.fixture
def logins(team: Team) -> Iterator[dict[str, Workspace]]:
    opened = {who: open_workspace(team.url_for(who), clock=lambda: NOW) for who in team.logins}
    opened["owner"] = open_workspace(team.owner_url, clock=lambda: NOW)
    yield opened
    for ws in opened.values():
        ws.close()


def _lead(ws: Workspace, owner_id: int | None, company: str = "Acme") -> int:
    with ws.sessions.begin() as session:
        record = LeadRecord(
            first_name="Pat",
            company=company,
            phone="+14155550100",
            owner_id=owner_id,
            received_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(record)
        session.flush()
        lead_id = int(record.id)
    ws.followups.ensure_all()
    return lead_id


def _pending_step(ws: Workspace, lead_id: int) -> int:
    return ws.followups.list(lead_id=lead_id)[0].id


def _at_once(*actions: Callable[[], object]) -> list[object]:
    """Run the actions at the same moment on their own threads; each one's result or error."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = actions[i]()
        except Exception as exc:  # noqa: BLE001 (the test looks at what each one got)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.integration
def test_completing_the_same_step_at_once_logs_it_once(
    team: Team, logins: dict[str, Workspace]
) -> None:
    ann, mia = logins["ann"], logins["mia"]
    for _round in range(15):
        lead = _lead(logins["owner"], team.rep_ids["ann"])
        step = _pending_step(ann, lead)
        results = _at_once(
            lambda step=step: ann.followups.complete(step, outcome="voicemail"),
            lambda step=step: mia.followups.complete(step, outcome="voicemail"),
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], UserError)
        assert "already completed this step" in str(errors[0])
        assert "nothing was logged twice" in str(errors[0])
        with logins["owner"].sessions() as session:
            calls = session.scalar(
                select(func.count(ActivityRecord.id)).where(
                    ActivityRecord.lead_id == lead, ActivityRecord.kind == "call"
                )
            )
            pending = session.scalar(
                select(func.count(FollowUpRecord.id)).where(
                    FollowUpRecord.lead_id == lead, FollowUpRecord.status == "pending"
                )
            )
        assert (calls, pending) == (1, 1)  # one call logged, one next step planned


@pytest.mark.integration
def test_the_second_completion_names_who_did_it(team: Team, logins: dict[str, Workspace]) -> None:
    lead = _lead(logins["owner"], team.rep_ids["ann"])
    step = _pending_step(logins["ann"], lead)
    logins["mia"].followups.complete(step, outcome="connected")
    with pytest.raises(
        UserError,
        match=r"^Mia Novak already completed this step at 15:00|"
        r"^Mia Novak already completed this step at \d\d:\d\d",
    ):
        logins["ann"].followups.complete(step, outcome="connected")


@pytest.mark.integration
def test_moving_a_step_someone_else_moved_is_one_sentence(
    team: Team, logins: dict[str, Workspace]
) -> None:
    lead = _lead(logins["owner"], team.rep_ids["ann"])
    step = logins["ann"].followups.list(lead_id=lead)[0]
    logins["mia"].followups.move(step.id, NOW + timedelta(days=2), seen=step)
    with pytest.raises(
        UserError, match="^Mia Novak changed this step meanwhile .*; nothing was changed"
    ):
        logins["ann"].followups.move(step.id, NOW + timedelta(days=1), seen=step)
    assert logins["owner"].followups.list(lead_id=lead)[0].due_at == NOW + timedelta(days=2)


@pytest.mark.integration
def test_logging_a_call_claims_an_unassigned_lead_and_the_next_rep_is_told(
    team: Team, logins: dict[str, Workspace]
) -> None:
    lead = _lead(logins["owner"], None)
    logins["ann"].leads.log_activity(lead, ActivityKind.CALL, outcome="no_answer")
    assert logins["owner"].leads.detail(lead).lead.owner == "Ann Lee"
    with pytest.raises(ClaimedError, match="^Ann Lee has this lead now"):
        logins["ben"].leads.log_activity(lead, ActivityKind.CALL, outcome="no_answer")
    with pytest.raises(ClaimedError, match="^Ann Lee has this lead now"):
        logins["ben"].qualifications.start_or_resume(lead)
    with logins["owner"].sessions() as session:
        reps = session.scalars(
            select(ActivityRecord.rep_id).where(ActivityRecord.lead_id == lead)
        ).all()
    assert reps == [team.rep_ids["ann"]]  # every activity records which rep did it


def _seen(ws: Workspace, lead_id: int) -> dict[str, str]:
    detail = ws.leads.detail(lead_id)
    values = {k: str(getattr(detail.lead, k, "") or "") for k in FIELDS}
    values["tags"] = detail.tags
    return values


@pytest.mark.integration
def test_an_edit_from_a_stale_view_is_refused_then_kept_field_by_field(
    team: Team, logins: dict[str, Workspace]
) -> None:
    lead = _lead(logins["owner"], team.rep_ids["ann"])
    seen = _seen(logins["ann"], lead)
    logins["mia"].leads.update_lead(lead, {"company": "Acme Ltd", "title": "CEO"}, seen=seen)
    mine = {**seen, "company": "ACME Inc", "notes": "call after 3"}
    with pytest.raises(StaleEditError) as caught:
        logins["ann"].leads.update_lead(lead, mine, seen=seen)
    (conflict,) = caught.value.conflicts
    assert (conflict.field, conflict.mine, conflict.theirs, conflict.who) == (
        "company",
        "ACME Inc",
        "Acme Ltd",
        "Mia Novak",
    )
    assert str(caught.value).startswith("Mia Novak changed company to 'Acme Ltd' at ")
    assert logins["owner"].leads.detail(lead).lead.notes == ""  # nothing was saved
    logins["ann"].leads.update_lead(lead, mine, seen=seen, keep_mine={"company"})
    after = logins["owner"].leads.detail(lead).lead
    # Mine where I changed it, theirs where only they did: nobody's edit vanished.
    assert (after.company, after.notes, after.title) == ("ACME Inc", "call after 3", "CEO")


def test_a_second_window_on_a_solo_file_cannot_overwrite_either(sqlite_url: str) -> None:
    one = open_workspace(sqlite_url, clock=lambda: NOW)
    two = open_workspace(sqlite_url, clock=lambda: NOW)
    try:
        lead = _lead(one, None)
        seen = _seen(one, lead)
        two.leads.update_lead(lead, {**seen, "company": "Two Co"}, seen=seen)
        with pytest.raises(StaleEditError, match="^Someone changed company to 'Two Co'"):
            one.leads.update_lead(lead, {**seen, "company": "One Co"}, seen=seen)
    finally:
        one.close()
        two.close()


@pytest.mark.integration
def test_edits_from_the_same_view_at_once_one_is_saved_the_other_names_who(
    team: Team, logins: dict[str, Workspace]
) -> None:
    ann, mia = logins["ann"], logins["mia"]
    for round_ in range(10):
        lead = _lead(logins["owner"], team.rep_ids["ann"])
        seen, version = _seen(ann, lead), ann.leads.detail(lead).version
        results = _at_once(
            lambda i=lead, s=seen, v=version, n=round_: ann.leads.update_lead(
                i, {**s, "company": f"Ann {n}"}, seen=s, seen_version=v
            ),
            lambda i=lead, s=seen, v=version, n=round_: mia.leads.update_lead(
                i, {**s, "company": f"Mia {n}"}, seen=s, seen_version=v
            ),
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], StaleEditError), results
        company = logins["owner"].leads.detail(lead).lead.company
        loser = "Mia Novak" if company.startswith("Ann") else "Ann Lee"
        winner = "Ann Lee" if loser == "Mia Novak" else "Mia Novak"
        assert str(errors[0]).startswith(f"{winner} changed company to {company!r}")
        # A "keep mine" decided on that version holds, and only for it.
        refused = errors[0]
        assert refused.version == version + 1
        other = ann if loser == "Ann Lee" else mia
        mine = {**seen, "company": f"{loser} {round_}", "title": "kept"}
        other.leads.update_lead(
            lead, mine, seen=seen, seen_version=refused.version, keep_mine={"company"}
        )
        assert logins["owner"].leads.detail(lead).lead.company == mine["company"]


@pytest.mark.integration
def test_a_move_from_a_stale_view_is_refused_even_when_the_time_came_back(
    team: Team, logins: dict[str, Workspace]
) -> None:
    """Ann's Today shows the step; meanwhile Mia moves it away and back (same time, new version):
    Ann's move or snooze from what she saw is refused in one sentence and changes nothing."""
    lead = _lead(logins["owner"], team.rep_ids["ann"])
    seen = logins["ann"].followups.list(lead_id=lead)[0]
    mia = logins["mia"]
    away = mia.followups.list(lead_id=lead)[0]
    mia.followups.move(seen.id, NOW + timedelta(days=2), seen=away)
    mia.followups.move(seen.id, seen.due_at, seen=mia.followups.list(lead_id=lead)[0])
    with logins["owner"].sessions() as session:
        before = session.scalar(select(FollowUpRecord.version).where(FollowUpRecord.id == seen.id))
    for stale_move in (
        lambda: logins["ann"].followups.move(seen.id, NOW + timedelta(days=1), seen=seen),
        lambda: logins["ann"].followups.snooze(seen.id, timedelta(hours=1), seen=seen),
    ):
        with pytest.raises(UserError, match="^Mia Novak changed this step .*; nothing was changed"):
            stale_move()
    step = logins["owner"].followups.list(lead_id=lead)[0]
    assert (step.due_at, step.version) == (seen.due_at, before)
    # From what the database holds now, the move goes through.
    logins["ann"].followups.move(seen.id, NOW + timedelta(days=1), seen=step)
    assert logins["owner"].followups.list(lead_id=lead)[0].due_at == NOW + timedelta(days=1)


def test_a_move_compares_the_version_seen_not_the_time_a_view_shows(
    team: Team, logins: dict[str, Workspace]
) -> None:
    """A view's copy of the step (its time rounded, say) with the version the database holds is
    not stale: the move goes through."""
    lead = _lead(logins["owner"], team.rep_ids["ann"])
    step = logins["ann"].followups.list(lead_id=lead)[0]
    shown = replace(step, due_at=step.due_at + timedelta(seconds=1))
    logins["ann"].followups.move(step.id, NOW + timedelta(days=3), seen=shown)
    assert logins["owner"].followups.list(lead_id=lead)[0].due_at == NOW + timedelta(days=3)
