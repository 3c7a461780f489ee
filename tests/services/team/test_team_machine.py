"""Two reps and a manager interleave their work on one team database (hypothesis state machine),
each as their own PostgreSQL login: claims, calls, completed and moved steps, edits, going away.
After every step: each open lead has exactly one pending step; every lead's owner is who the
model says (a rep never took or changed another rep's lead: the database refused it); each call
that succeeded is logged once, and a refused one not at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from repdesk.app import Workspace, open_workspace
from repdesk.core.domain import CLOSED_STATUSES, ActivityKind
from repdesk.services.common.errors import UserError, user_sentence
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord
from tests.fixtures.team import Team

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
REPS = ("ann", "ben")
WHO = (*REPS, "mia")  # Mia is the manager (and a rep who claims free leads too)
REFUSED = (UserError, SQLAlchemyError)  # the app's sentence, or the database's refusal


def test_two_reps_and_a_manager_keep_the_team_invariants(team: Team) -> None:
    opened = {who: open_workspace(team.url_for(who), clock=lambda: NOW) for who in team.logins}
    opened["owner"] = open_workspace(team.owner_url, clock=lambda: NOW)

    class TeamMachine(RuleBasedStateMachine):
        leads = Bundle("leads")

        def __init__(self) -> None:
            super().__init__()
            self.owner: dict[int, str | None] = {}  # lead -> who owns it, as the model says
            self.calls: dict[int, int] = {}  # lead -> calls logged that succeeded

        def ws(self, who: str) -> Workspace:
            return opened[who]

        def _refused_unless_mine(
            self, who: str, lead: int, action: object, *, claims: bool = False
        ) -> bool:
            """Run `action`: on a lead that is mine or free (or by the manager) it succeeds, and
            a free one becomes mine when the action `claims`; on another rep's lead it is refused
            with one sentence and nothing changes. True when it succeeded."""
            owner = self.owner[lead]
            allowed = owner in (None, who) or who == "mia"
            try:
                action()  # type: ignore[operator]
            except REFUSED as exc:
                said = user_sentence(exc)
                assert not allowed, f"{who} was refused on {owner}'s lead {lead}: {said or exc!r}"
                assert said and "\n" not in said, repr(exc)
                return False
            assert allowed, f"{who} changed {owner}'s lead {lead}"
            if owner is None and claims:
                self.owner[lead] = who
            return True

        @rule(target=leads, who=st.sampled_from((None, *REPS)))
        def a_lead_arrives(self, who: str | None) -> int:
            with opened["owner"].sessions.begin() as session:
                record = LeadRecord(
                    first_name="Pat",
                    company="Acme",
                    phone="+14155550100",
                    owner_id=team.rep_ids[who] if who else None,
                    received_at=NOW,
                    created_at=NOW,
                    updated_at=NOW,
                )
                session.add(record)
                session.flush()
                lead = int(record.id)
            opened["owner"].followups.ensure_all()
            self.owner[lead] = who
            self.calls[lead] = 0
            return lead

        @rule(lead=leads, who=st.sampled_from(WHO))
        def log_a_call(self, lead: int, who: str) -> None:
            leads = self.ws(who).leads
            if self._refused_unless_mine(
                who,
                lead,
                lambda: leads.log_activity(lead, ActivityKind.CALL, outcome="no_answer"),
                claims=True,
            ):
                self.calls[lead] += 1

        @rule(lead=leads, who=st.sampled_from(WHO))
        def complete_the_step(self, lead: int, who: str) -> None:
            followups = self.ws(who).followups
            steps = followups.list(lead_id=lead)
            if not steps:
                return
            step = steps[0]
            if (
                self._refused_unless_mine(
                    who, lead, lambda: followups.complete(step.id, outcome="voicemail"), claims=True
                )
                and step.kind == "call"
            ):
                self.calls[lead] += 1

        @rule(lead=leads, who=st.sampled_from(WHO), days=st.integers(1, 9))
        def move_the_step(self, lead: int, who: str, days: int) -> None:
            followups = self.ws(who).followups
            steps = followups.list(lead_id=lead)
            if not steps:
                return
            step = steps[0]
            self._refused_unless_mine(
                who,
                lead,
                lambda: followups.move(step.id, NOW + timedelta(days=days), seen=step),
            )

        @rule(lead=leads, who=st.sampled_from(WHO), company=st.sampled_from("XYZ"))
        def edit_the_lead(self, lead: int, who: str, company: str) -> None:
            leads = self.ws(who).leads
            detail = leads.detail(lead)
            if detail.lead.company == company:
                return  # nothing to change: no write for the database to refuse
            seen = {"company": detail.lead.company}
            self._refused_unless_mine(
                who,
                lead,
                lambda: leads.update_lead(
                    lead, {"company": company}, seen=seen, seen_version=detail.version
                ),
            )

        @rule(who=st.sampled_from(REPS))
        def go_away_and_release(self, who: str) -> None:
            result = self.ws(who).services.away.mark(True, release=True)
            for lead in result.lead_ids:
                if lead in self.owner:
                    assert self.owner[lead] == who
                    self.owner[lead] = None
            self.ws(who).services.away.mark(False)

        @invariant()
        def each_open_lead_has_one_pending_step_and_its_owner(self) -> None:
            if not self.owner:
                return
            ids = list(self.owner)
            with opened["owner"].sessions() as session:
                rows = session.execute(
                    select(LeadRecord.id, LeadRecord.owner_id, LeadRecord.status).where(
                        LeadRecord.id.in_(ids)
                    )
                ).all()
                pending = dict(
                    session.execute(
                        select(FollowUpRecord.lead_id, func.count(FollowUpRecord.id))
                        .where(FollowUpRecord.lead_id.in_(ids), FollowUpRecord.status == "pending")
                        .group_by(FollowUpRecord.lead_id)
                    ).all()
                )
                calls = dict(
                    session.execute(
                        select(ActivityRecord.lead_id, func.count(ActivityRecord.id))
                        .where(ActivityRecord.lead_id.in_(ids), ActivityRecord.kind == "call")
                        .group_by(ActivityRecord.lead_id)
                    ).all()
                )
            by_rep = {v: k for k, v in team.rep_ids.items()}
            for lead, owner_id, status in rows:
                if status not in CLOSED_STATUSES:
                    assert pending.get(lead, 0) == 1, (lead, status, pending.get(lead))
                assert (by_rep.get(owner_id) if owner_id else None) == self.owner[lead]
                assert calls.get(lead, 0) == self.calls[lead]

    try:
        run_state_machine_as_test(
            TeamMachine,
            settings=settings(
                max_examples=8,
                stateful_step_count=12,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        for ws in opened.values():
            ws.close()
