"""The follow-up invariant under random user actions (hypothesis state machine): every open lead has
exactly one pending step and next_follow_up_at equals its due time; closed and do-not-contact leads
have none."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from repdesk.app import open_workspace
from repdesk.core.calendar_uids import follow_up_id_of
from repdesk.core.domain import ActivityKind, CallOutcome, LeadStatus
from repdesk.services.common.errors import UserError
from repdesk.store.locations import resolve_url
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord
from tests.fixtures.workspace import FakeClock

CSV = (
    "First Name,Last Name,Email,Phone,Company,Status\n"
    "Ana,Ruiz,ana@ruiz.example,555-010-1001,Ruiz Co,new\n"
    "Ben,Okafor,ben@okafor.example,555-010-1002,Okafor HVAC,contacted\n"
    "Cleo,Lee,cleo@lee.example,,Lee Dental,nurture\n"
    "Dev,Patel,dev@patel.example,555-010-1004,,qualified\n"
    "Eva,Berg,eva@berg.example,555-010-1005,Berg Bakery,new\n"
)
ANSWERS = [
    {
        "need": True,
        "challenge": "Site breaks on phones",
        "timeline": "this_month",
        "authority": "decides",
        "budget": "approved",
        "site_goal": "leads",
    },
    {
        "need": True,
        "challenge": "Later",
        "timeline": "this_year",
        "authority": "influences",
        "budget": "none",
        "site_goal": "refresh",
    },
    {
        "need": False,
        "timeline": "no_plans",
        "authority": "no_role",
        "budget": "none",
        "site_goal": "refresh",
    },
]


class FollowUpMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(prefix="repdesk-invariant-")
        self.clock = FakeClock()
        self.ws = open_workspace(
            resolve_url(str(Path(self.folder.name) / "w.sqlite3")), clock=self.clock
        )
        self.lead_ids: list[int] = []
        self.first_import: int | None = None
        self.exporter = self.ws.services.calendar
        self.asked: list[int] = []  # the re-inquiry imports not undone yet, oldest first
        self.files = 0
        #: What the rep typed, by (lead index, field): no import or undo of one may change it (the
        #: rows that ask again carry no company or title).
        self.typed: dict[tuple[int, str], str] = {}
        #: When each lead was closed by the rep (a later inquiry reopens it).
        self.closed_at: dict[int, datetime] = {}

    def teardown(self) -> None:
        self.ws.close()
        self.folder.cleanup()

    @initialize()
    def import_leads(self) -> None:
        path = Path(self.folder.name) / "leads.csv"
        path.write_text(CSV, encoding="utf-8")
        summary = self.ws.imports.import_files([path])
        assert summary.added == 5
        self.first_import = summary.import_id
        with self.ws.sessions() as session:
            self.lead_ids = list(session.scalars(select(LeadRecord.id).order_by(LeadRecord.id)))

    # -- helpers -----------------------------------------------------------------------------------
    def pending_ids(self) -> list[int]:
        with self.ws.sessions() as session:
            return list(
                session.scalars(
                    select(FollowUpRecord.id)
                    .where(FollowUpRecord.status == "pending")
                    .order_by(FollowUpRecord.id)
                )
            )

    # -- user actions ------------------------------------------------------------------------------
    @rule(minutes=st.integers(min_value=0, max_value=60 * 24 * 9))
    def time_passes(self, minutes: int) -> None:
        self.clock.now += timedelta(minutes=minutes)

    def log(self, lead_id: int, kind: ActivityKind, outcome: str | None = None) -> None:
        """Log an activity; calls and emails to a lead marked do not contact must be refused."""
        marked = self.ws.leads.detail(lead_id).lead.do_not_contact
        refused = marked and kind in (ActivityKind.CALL, ActivityKind.EMAIL)
        try:
            self.ws.leads.log_activity(lead_id, kind, outcome=outcome, body="x")
        except UserError as exc:
            assert refused, f"lead {lead_id}: {exc}"
            assert "do not contact" in str(exc)
            return
        assert not refused, f"lead {lead_id} is marked do not contact but was sent a {kind}"

    @rule(index=st.integers(0, 4), outcome=st.sampled_from(list(CallOutcome)))
    def log_call(self, index: int, outcome: CallOutcome) -> None:
        self.log(self.lead_ids[index], ActivityKind.CALL, outcome.value)

    @rule(
        index=st.integers(0, 4),
        kind=st.sampled_from([ActivityKind.EMAIL, ActivityKind.NOTE, ActivityKind.MEETING]),
    )
    def log_other(self, index: int, kind: ActivityKind) -> None:
        self.log(self.lead_ids[index], kind)

    @rule(index=st.integers(0, 4), status=st.sampled_from(list(LeadStatus)))
    def change_status(self, index: int, status: LeadStatus) -> None:
        self.ws.leads.set_status(self.lead_ids[index], status)
        if status.is_closed:
            self.closed_at[index] = self.clock()
        else:
            self.closed_at.pop(index, None)

    @rule(index=st.integers(0, 4), flag=st.booleans())
    def do_not_contact(self, index: int, flag: bool) -> None:
        self.ws.leads.set_do_not_contact(self.lead_ids[index], flag)

    @precondition(lambda self: bool(self.pending_ids()))
    @rule(data=st.data(), hours=st.integers(min_value=-48, max_value=24 * 30))
    def move(self, data: st.DataObject, hours: int) -> None:
        followup_id = data.draw(st.sampled_from(self.pending_ids()))
        self.ws.followups.move(followup_id, self.clock() + timedelta(hours=hours))

    @precondition(lambda self: bool(self.pending_ids()))
    @rule(data=st.data(), hours=st.sampled_from([1, 24]))
    def snooze(self, data: st.DataObject, hours: int) -> None:
        self.ws.followups.snooze(
            data.draw(st.sampled_from(self.pending_ids())), timedelta(hours=hours)
        )

    @precondition(lambda self: bool(self.pending_ids()))
    @rule(
        data=st.data(),
        outcome=st.one_of(st.none(), st.sampled_from([o.value for o in CallOutcome])),
    )
    def complete(self, data: st.DataObject, outcome: str | None) -> None:
        self.ws.followups.complete(data.draw(st.sampled_from(self.pending_ids())), outcome=outcome)

    @rule(index=st.integers(0, 4), message=st.sampled_from(["Call me back", "", "Price?"]))
    def asks_again_a_moment_ago(self, index: int, message: str) -> None:
        """One of the five fills in the form again: an import row of its own time (a moment ago)."""
        name, last, email = CSV.splitlines()[index + 1].split(",")[:3]
        self.files += 1
        path = Path(self.folder.name) / f"again-{self.files}.csv"
        when = self.clock() - timedelta(minutes=5)  # the form was sent a moment ago
        header = "First Name,Last Name,Email,Timestamp,Message"
        row = f"{name},{last},{email},{when.isoformat()},{message} ({self.files})"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        lead_id = self.lead_ids[index]
        closed = self.closed_at.get(index)
        summary = self.ws.imports.import_files([path])
        assert summary.added == 0, "a person already known is merged, never added twice"
        assert summary.import_id is not None
        self.asked.append(summary.import_id)
        lead = self.ws.leads.detail(lead_id).lead
        if closed is not None and closed < when:
            # A closed lead who asks again is a new inquiry, waiting from the row's own time.
            assert lead.status == LeadStatus.NEW.value, f"lead {lead_id} asked again: {lead.status}"
            assert lead.received_at == when
            del self.closed_at[index]
        with self.ws.sessions() as session:
            asked_at = session.scalar(
                select(func.max(ActivityRecord.occurred_at)).where(
                    ActivityRecord.lead_id == lead_id,
                    ActivityRecord.kind == ActivityKind.INQUIRY.value,
                    ActivityRecord.import_id == summary.import_id,
                )
            )
        assert asked_at == when, "the re-inquiry carries the row's time, not the import's"

    @rule(
        index=st.integers(0, 4),
        field=st.sampled_from(["company", "title"]),
        value=st.sampled_from(["Typed Co", "Owner", ""]),
    )
    def edit(self, index: int, field: str, value: str) -> None:
        self.ws.leads.update_lead(self.lead_ids[index], {field: value})
        self.typed[(index, field)] = value

    @precondition(lambda self: bool(self.asked))
    @rule(data=st.data())
    def undo_import(self, data: st.DataObject) -> None:
        import_id = data.draw(st.sampled_from(self.asked))
        self.ws.imports.undo_import(import_id)
        self.asked.remove(import_id)
        with self.ws.sessions() as session:
            kept = session.scalar(select(func.count(LeadRecord.id)))
        assert kept == 5, "undoing a merge keeps the person"

    @rule(index=st.integers(0, 4), answers=st.sampled_from(ANSWERS))
    def qualify(self, index: int, answers: dict[str, object]) -> None:
        # A refusal (a closed lead) is fine; breaking the invariant is not.
        with contextlib.suppress(UserError):
            self.ws.qualifications.finish(self.lead_ids[index], answers)

    @rule()
    def requalify(self) -> None:
        self.ws.followups.plan_requalifications()

    def import_text(self, name: str, text: str) -> int | None:
        path = Path(self.folder.name) / name
        path.write_text(text, encoding="utf-8")
        return self.ws.imports.import_files([path]).import_id

    @rule(index=st.integers(0, 4), message=st.sampled_from(["Back again", "Call me", ""]))
    def asks_again(self, index: int, message: str) -> None:
        """The lead fills in the form again: a closed lead is a new inquiry from the row's time,
        an open one keeps its status; both get the inquiry at that time (issue 13.2)."""
        self.clock.now += timedelta(minutes=1)
        lead_id = self.lead_ids[index]
        before = self.ws.leads.detail(lead_id).lead
        when = self.clock.now
        self.import_text(
            "again.csv",
            "Timestamp,Name,Email,Message\n"
            f"{when:%Y-%m-%dT%H:%M:%SZ},{before.first_name} {before.last_name},{before.email},"
            f"{message}\n",
        )
        after = self.ws.leads.detail(lead_id)
        if LeadStatus(before.status).is_closed:
            assert (after.lead.status, after.lead.received_at) == ("new", when)
            self.closed_at.pop(index, None)
        else:
            assert after.lead.status == before.status
        assert any(a.kind == "inquiry" and a.occurred_at == when for a in after.activities)

    @rule(index=st.integers(0, 4), typed=st.sampled_from(["Boss", "Founder"]))
    def edit_after_an_import_then_undo(self, index: int, typed: str) -> None:
        """An import fills the lead's title, the rep types another, Undo import keeps the rep's
        (issue 13.1)."""
        lead_id = self.lead_ids[index]
        lead = self.ws.leads.detail(lead_id).lead
        import_id = self.import_text("titles.csv", f"Email,Title\n{lead.email},Imported title\n")
        self.ws.leads.update_lead(lead_id, {"title": typed})
        self.typed[(index, "title")] = typed
        if import_id is not None:
            self.ws.imports.undo_import(import_id)
        assert self.ws.leads.detail(lead_id).lead.title == typed

    @rule()
    def undo_last_import(self) -> None:
        """Undo the newest import (a re-inquiry's puts a reopened lead back as it was), never the
        first one (it made the leads)."""
        last = self.ws.imports.last_import()
        if last is not None and last.id != self.first_import:
            self.ws.imports.undo_import(last.id)
            if last.id in self.asked:
                self.asked.remove(last.id)

    # -- the invariant -----------------------------------------------------------------------------
    @invariant()
    def what_the_rep_typed_stays(self) -> None:
        """Undo of an import never undoes a later edit."""
        for (index, field), value in self.typed.items():
            lead = self.ws.leads.detail(self.lead_ids[index]).lead
            assert getattr(lead, field) == value, f"lead {lead.id}'s {field} lost the rep's edit"

    @invariant()
    def reminders_leave_out_leads_marked_do_not_contact(self) -> None:
        if not self.lead_ids:
            return
        workspace_id = str(self.ws.settings.get("workspace_id"))
        exported = {
            follow_up_id_of(r.uid, workspace_id)
            for r in self.exporter.reminders(include_changed=False)
        }
        with self.ws.sessions() as session:
            expected = set(
                session.scalars(
                    select(FollowUpRecord.id)
                    .join(LeadRecord, LeadRecord.id == FollowUpRecord.lead_id)
                    .where(FollowUpRecord.status == "pending", LeadRecord.do_not_contact.is_(False))
                )
            )
        assert exported == expected

    @invariant()
    def every_open_lead_has_exactly_one_next_step(self) -> None:
        if not self.lead_ids:
            return
        with self.ws.sessions() as session:
            pending = dict(
                session.execute(
                    select(FollowUpRecord.lead_id, func.count(FollowUpRecord.id))
                    .where(FollowUpRecord.status == "pending")
                    .group_by(FollowUpRecord.lead_id)
                ).all()
            )
            for lead in session.scalars(select(LeadRecord)):
                is_open = not LeadStatus(lead.status).is_closed and not lead.do_not_contact
                if not is_open:
                    assert pending.get(lead.id, 0) == 0, (
                        f"closed lead {lead.id} ({lead.status}) has a step"
                    )
                    assert lead.next_follow_up_at is None
                    continue
                assert pending.get(lead.id, 0) == 1, (
                    f"open lead {lead.id} ({lead.status}) has {pending.get(lead.id, 0)}"
                )
                step = session.scalars(
                    select(FollowUpRecord).where(
                        FollowUpRecord.lead_id == lead.id, FollowUpRecord.status == "pending"
                    )
                ).one()
                assert lead.next_follow_up_at == step.due_at


FollowUpMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestFollowUpInvariant = FollowUpMachine.TestCase
