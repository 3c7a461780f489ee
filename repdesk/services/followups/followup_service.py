"""Follow-up use cases: the Today list, completing, snoozing and moving steps, and coverage."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Literal

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.business_hours import next_business_time
from repdesk.core.domain import (
    CLOSED_STATUSES,
    ActivityKind,
    CallOutcome,
    FollowUpKind,
    FollowUpStatus,
    LeadStatus,
)
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.common.undo import UndoRecorder
from repdesk.services.followups import followup_coverage, step_guards, step_queries
from repdesk.services.followups.followup_coverage import Coverage
from repdesk.services.followups.followup_planner import FollowUpPlanner, needs_step
from repdesk.services.followups.requalify import Requalifier
from repdesk.services.followups.step_queries import FollowUpRow, StepWindow
from repdesk.services.leads.lead_service import LeadService
from repdesk.services.leads.lead_timeline import activity_label, record_activity
from repdesk.services.team import owner_scope
from repdesk.store.models import (
    DONE_STEP,
    FollowUpRecord,
    LeadRecord,
)

DUE_FILTERS = ("today", "overdue", "all")


@dataclass(frozen=True)
class TodayGroups:
    """Today's list in its three groups, each counted and fetched by window."""

    overdue: StepWindow
    today: StepWindow
    later: StepWindow


class FollowUpService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        planner: FollowUpPlanner,
        leads: LeadService,
        end_of_today: Callable[[datetime], datetime],
        zone: Callable[[], tzinfo],
        writable: Callable[[], ColumnElement[bool] | None] = lambda: None,
        my_rep: Callable[[], int | None] = lambda: None,
    ) -> None:
        """`writable`: the leads the signed-in login may change (services/team/identity);
        `my_rep`: the signed-in rep on a team database (None: a solo file's implicit me), whom
        the owner scopes "Mine" name (services/team/owner_scope)."""
        self._my_rep = my_rep
        self._zone = zone
        self._sessions = sessions
        self._clock = clock
        self.planner = planner
        self._requalifier = Requalifier(sessions, planner, writable)
        self._leads = leads
        self._end_of_today = end_of_today

    # -- reading ---------------------------------------------------------------------------------
    def list(
        self,
        due: str = "all",
        *,
        owner: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        lead_id: int | None = None,
    ) -> list[FollowUpRow]:
        """Pending steps, earliest first, as one list (a short one: views use windows, the CLI
        streams); `owner`: whose leads' steps, an owner scope (services/team/owner_scope: "Mine +
        Unassigned", …, or a rep's name)."""
        return list(self.stream(due, owner=owner, start=start, end=end, lead_id=lead_id))

    def stream(
        self,
        due: str = "all",
        *,
        owner: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        lead_id: int | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> Iterator[FollowUpRow]:
        """Pending steps, earliest first, read a page at a time as they are consumed."""
        return step_queries.stream(
            self._sessions,
            self._due_where(due, owner, start, end, lead_id),
            offset=offset,
            limit=limit,
        )

    def stream_json(
        self, due: str = "all", *, offset: int = 0, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """The `followups --json` objects of stream(), read from the steps alone."""
        return step_queries.stream_json(
            self._sessions, self._due_where(due, None, None, None, None), offset=offset, limit=limit
        )

    def _due_where(
        self,
        due: str,
        owner: str | None,
        start: datetime | None,
        end: datetime | None,
        lead_id: int | None,
    ) -> builtins.list[ColumnElement[bool]]:
        if due not in DUE_FILTERS:
            raise UserError(f"--due must be one of {', '.join(DUE_FILTERS)}, not {due!r}.")
        self.plan_requalifications()  # an expired verdict shows as its re-qualify step
        now = self._clock()
        until = {"overdue": now, "today": self._end_of_today(now)}.get(due)
        if until is not None:
            end = until if end is None else min(end, until)
        where = step_queries.pending_due(start, end, self._leads_of(owner))
        if lead_id is not None:
            where.append(FollowUpRecord.lead_id == lead_id)
        return where

    def _leads_of(self, owner: str | None) -> ColumnElement[bool] | None:
        return owner_scope.leads_of(owner, self._my_rep())

    def due_count(self, end: datetime, owner: str | None = None) -> int:
        """Pending steps due before `end` (overdue ones included) of the owner scope `owner`
        (services/team/owner_scope; None: every lead), counted in SQL: the sidebar's Today
        count, for the scope the Today page lists."""
        with self._sessions() as session:
            where = step_queries.pending_due(None, end, self._leads_of(owner))
            return step_queries.count(session, where)

    def done_count(
        self,
        start: datetime,
        end: datetime,
        *,
        owner: str | None = None,
    ) -> int:
        """Steps done in [start, end) (Today's "done today"), with the same owner scope as
        list()."""
        where = [
            DONE_STEP,  # the partial index of done steps by done time
            FollowUpRecord.done_at >= start,
            FollowUpRecord.done_at < end,
            *step_queries.owned_by(self._leads_of(owner)),
        ]
        with self._sessions() as session:
            return step_queries.count(session, where)

    def today(self, owner: str | None = None) -> StepWindow:
        """The Today list: pending steps due before the end of today, overdue first (by due time),
        counted and fetched by window."""
        self.plan_requalifications()  # an expired verdict shows as its re-qualify step
        return self.window(None, self._end_of_today(self._clock()), owner)

    def today_groups(self, owner: str | None = None, *, later_days: int = 7) -> TodayGroups:
        """Today's three groups, each a window: overdue, the rest of today, and the next
        `later_days` days; `owner`: an owner scope (services/team/owner_scope), counted in the
        windows' queries."""
        self.plan_requalifications()  # an expired verdict shows as its re-qualify step
        now = self._clock()
        end = self._end_of_today(now)
        later = end + timedelta(days=later_days)
        return TodayGroups(
            *(self.window(lo, hi, owner) for lo, hi in ((None, now), (now, end), (end, later)))
        )

    def window(
        self,
        start: datetime | None,
        end: datetime | None,
        owner: str | None = None,
    ) -> StepWindow:
        """Pending steps due in [start, end), by due time, counted and fetched by window."""
        now = self._clock()
        # A window wholly before now is all overdue, one from now on has none: not counted again.
        overdue: Literal["all", "none"] | None = None
        if end is not None and end <= now:
            overdue = "all"
        elif start is not None and start >= now:
            overdue = "none"
        return StepWindow(
            self._sessions,
            step_queries.pending_due(start, end, self._leads_of(owner)),
            now,
            overdue=overdue,
        )

    def day_counts(
        self, first: date, last: date, owner: str | None = None
    ) -> dict[date, tuple[int, int]]:
        """(pending, overdue) per local day, from first to last: the month view's badges."""
        self.plan_requalifications()
        with self._sessions() as session:
            return step_queries.day_counts(
                session, first, last, self._zone(), self._clock(), self._leads_of(owner)
            )

    def week(
        self, monday: date, per_slot: int, owner: str | None = None
    ) -> tuple[builtins.list[FollowUpRow], dict[tuple[date, int], int]]:
        """The week view's steps (at most per_slot a quarter hour) and each quarter hour's count."""
        with self._sessions() as session:
            return step_queries.week_rows(
                session, monday, self._zone(), per_slot, self._leads_of(owner)
            )

    def lead_of(self, followup_id: int) -> int:
        """The lead a follow-up (pending or not) belongs to."""
        with self._sessions() as session:
            lead_id = session.scalar(
                select(FollowUpRecord.lead_id).where(FollowUpRecord.id == followup_id)
            )
        if lead_id is None:
            raise NotFoundError(f"There is no follow-up with id {followup_id}.")
        return int(lead_id)

    def next_step(self, lead_id: int) -> FollowUpRow | None:
        """A lead's pending step (what `followup done` reports next)."""
        return next(self.stream(lead_id=lead_id, limit=1), None)

    def first_after(self, moment: datetime, owner: str | None = None) -> FollowUpRow | None:
        """The first pending step due at or after `moment` (Today's "next up" when clear)."""
        return next(self.stream(start=moment, owner=owner, limit=1), None)

    def coverage(self, owner: str | None = None) -> Coverage:
        """Open leads (not do-not-contact), how many have a next step and how many are overdue
        (followup_coverage), in `owner`'s scope."""
        with self._sessions() as session:
            return followup_coverage.coverage(session, self._clock(), self._leads_of(owner))

    # -- writing ---------------------------------------------------------------------------------
    def complete(self, followup_id: int, *, outcome: str | None = None, note: str = "") -> Changes:
        """Mark a step done: log what was done on the lead's timeline and schedule the next step."""
        if outcome is not None and outcome not in {o.value for o in CallOutcome}:
            choices = ", ".join(o.value for o in CallOutcome)
            raise UserError(f"Unknown outcome {outcome!r}; use one of {choices}.")
        now = self._clock()
        with self._sessions.begin() as session:
            record, lead = step_guards.pending_with_lead(session, followup_id)
            undo = UndoRecorder(session, [lead.id])
            self._leads.claim_in(session, lead)
            step_guards.claim(
                session,
                record,
                status=FollowUpStatus.DONE.value,
                done_at=now,
                outcome=outcome,
                sequence=record.sequence + 1,
                updated_at=now,
            )
            kind = {
                FollowUpKind.CALL.value: ActivityKind.CALL,
                FollowUpKind.EMAIL.value: ActivityKind.EMAIL,
            }.get(record.kind, ActivityKind.NOTE)
            body = note or (record.note if kind is ActivityKind.NOTE else "")
            if kind is ActivityKind.NOTE:
                body = f"Task done: {body}" if body else "Task done"
            record_activity(
                session,
                lead,
                kind,
                now,
                outcome=outcome if kind is ActivityKind.CALL else None,
                body=body,
                hours=self.planner.hours,
            )
            if outcome == CallOutcome.WRONG_NUMBER.value:
                lead.notes = (
                    lead.notes + "\n" if lead.notes else ""
                ) + f"Wrong number on {now:%Y-%m-%d}: {lead.phone}"
            # (no flush here: the lead's changes and its next step's go in one UPDATE)
            self.planner.next_after(session, record, lead, now)
            self._leads.run_hooks(session, lead, now)
            label = (
                activity_label(kind, outcome)
                if kind is ActivityKind.CALL
                else f"{record.kind.capitalize()} done"
            )
            step = undo.step(label)
        return Changes(leads=True, activities=True, follow_ups=True, undo=step)

    def move(
        self,
        followup_id: int,
        when: datetime,
        *,
        label: str = "Rescheduled",
        seen: FollowUpRow | None = None,
    ) -> Changes:
        """Reschedule a step (snooze, drag in the calendar, `followup move`). `seen`: the step as
        the user saw it; when someone changed it meanwhile (its version moved on, even if its time
        came back), nothing is changed (UserError saying who and where the step is now). Only the
        version tells: a view's copy of the due time (rounded, in its own zone) need not match."""
        if when.tzinfo is None:
            raise UserError("A new time needs a time zone.")
        now = self._clock()
        with self._sessions.begin() as session:
            record = step_guards.pending(session, followup_id)
            if seen is not None and record.version != seen.version:
                who = step_guards.who_changed(session, record.updated_by) or "Someone"
                raise UserError(
                    f"{who} changed this step meanwhile (it is due "
                    f"{record.due_at.astimezone():%a %d %b %H:%M}); nothing was changed."
                )
            undo = UndoRecorder(session, [record.lead_id])
            step_guards.claim(
                session,
                record,
                {} if seen is None else {"version": seen.version},  # the database checks it too
                due_at=when,
                sequence=record.sequence + 1,
                updated_at=now,
            )
            # The lead's next step is its earliest pending one, as the database holds it now (not
            # simply `when`: another step may have been planned meanwhile).
            session.execute(
                update(LeadRecord)
                .where(LeadRecord.id == record.lead_id)
                .values(next_follow_up_at=step_guards.earliest_pending(record.lead_id)),
                execution_options={"synchronize_session": "fetch"},
            )
            step = undo.step(label)
        return Changes(leads=True, follow_ups=True, undo=step)

    def snooze(
        self, followup_id: int, delta: timedelta, *, seen: FollowUpRow | None = None
    ) -> Changes:
        """Later by `delta` from now (or from its due time when that is later), moved on to the
        next business moment when that falls outside business hours. `seen`: as for move."""
        now = self._clock()
        with self._sessions() as session:
            record = step_guards.pending(session, followup_id)
            base = max(record.due_at, now)
        when = next_business_time(base + delta, self.planner.hours)
        hours = int(delta.total_seconds() // 3600)
        label = f"Snoozed {hours} h" if hours else "Snoozed"
        return self.move(followup_id, when, label=label, seen=seen)

    def plan_requalifications(self) -> int:
        """Give each open lead whose verdict expired its re-qualify step (at load, daily while the
        app is open, and before the follow-up list, the .ics export and the report)."""
        return self._requalifier.plan(self._clock())

    def ensure_all(self) -> int:
        """Give every open lead that lacks one its next step (start-up, demo, after repairs)."""
        now = self._clock()
        with self._sessions.begin() as session:
            ids = list(
                session.scalars(
                    select(LeadRecord.id).where(LeadRecord.status.not_in(CLOSED_STATUSES))
                )
            )
            return self.planner.plan_bulk(session, ids, now)


__all__ = [
    "Coverage",
    "FollowUpRow",
    "FollowUpService",
    "LeadStatus",
    "StepWindow",
    "TodayGroups",
    "needs_step",
]
