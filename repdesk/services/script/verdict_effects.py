"""What a finished qualification does to the lead: a qualified lead is handed to a rep (or
tagged over capacity), a nurture lead gets its first check-in at its own time frame, a lead who is
not a fit gets the helpful reply drafted; the status, the timeline entry and the verdict's cadence.
Mixed into QualificationService, whose planner, lead service, zone and templates it uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from repdesk.core.business_hours import local_days_later
from repdesk.core.cadence import next_step_after
from repdesk.core.conditions import AnswerValue
from repdesk.core.domain import ActivityKind, FollowUpStatus, LeadStatus, Verdict
from repdesk.core.email_rules import NOT_A_FIT, Template, placeholder_values
from repdesk.core.questions import TIMEFRAME_KEY
from repdesk.core.verdict_rules import Decision
from repdesk.services.followups.followup_planner import FollowUpPlanner, needs_step
from repdesk.services.leads.lead_service import LeadService
from repdesk.services.leads.lead_timeline import change_status, record_activity
from repdesk.services.script.form_answers import FORM
from repdesk.services.script.not_a_fit_reply import ReplyDraft, not_a_fit_draft, shipped_not_a_fit
from repdesk.services.script.rep_routing import overflow_note, route
from repdesk.services.script.script_run import QualificationResult
from repdesk.store.models import FollowUpRecord, LeadRecord, QualificationRecord, RepRecord

OVER_CAPACITY_TAG = "over_capacity"
#: The first nurture check-in comes at the lead's own time frame (answer to `timeline`).
NURTURE_DAYS = {
    "this_month": 7,
    "1_3_months": 30,
    "3_6_months": 90,
    "6_12_months": 180,
    "no_plans": 180,
}


class VerdictEffects:
    _planner: FollowUpPlanner
    _leads: LeadService
    _zone: Callable[[], tzinfo]
    _templates: Callable[[str, str], Template] | None

    # -- verdict effects -------------------------------------------------------------------------
    def _apply_verdict(
        self,
        session: Session,
        lead: LeadRecord,
        record: QualificationRecord,
        decision: Decision,
        answers: Mapping[str, AnswerValue],
        now: datetime,
    ) -> QualificationResult:
        verdict = decision.verdict
        owner_name: str | None = None
        over = False
        reply = None
        first_due: datetime | None = None
        if verdict is Verdict.QUALIFIED:
            owner_id: int | None = lead.owner_id
            # A lead already handed over keeps its owner when re-qualified, and so does one its
            # form answers routed to that rep; anyone else is routed.
            kept = owner_id is not None and (
                lead.status == LeadStatus.QUALIFIED.value or _routed_by_form(session, lead)
            )
            if not kept:
                owner_id = route(session, now, self._zone())
                lead.owner_id = owner_id
                record.rep_id = owner_id
            over = owner_id is None
            _set_tag(lead, OVER_CAPACITY_TAG, over)
            owner_name = session.get(RepRecord, owner_id).name if owner_id is not None else None  # type: ignore[union-attr]
        elif verdict is Verdict.NURTURE:
            days = NURTURE_DAYS.get(str(answers.get(TIMEFRAME_KEY, "")))
            if days is not None:  # local calendar days, like every cadence step
                first_due = local_days_later(now, days, self._planner.hours).astimezone(UTC)
        elif not lead.do_not_contact:  # nobody writes to a lead marked do not contact
            owner = session.get(RepRecord, lead.owner_id) if lead.owner_id is not None else None
            reply = self._reply(lead, answers, owner.name if owner is not None else "")
        if verdict is not Verdict.QUALIFIED:
            _set_tag(lead, OVER_CAPACITY_TAG, False)
        status = LeadStatus(verdict.value)
        if lead.status != status.value:
            change_status(session, lead, status, now, note=f"qualification score {decision.score}")
        body = f"{verdict.value.replace('_', ' ').capitalize()} · score {decision.score}"
        if verdict is Verdict.QUALIFIED:
            body += (
                f" · handed to {owner_name}"
                if owner_name
                else f" · unassigned: {overflow_note(session, now, self._zone())}"
            )
        record_activity(session, lead, ActivityKind.QUALIFICATION, now, body=body)
        if needs_step(lead):
            if first_due is None:
                cadence = self._planner.cadence_for(lead.status)
                if (
                    cadence is not None
                ):  # a qualification always starts the verdict's cadence afresh
                    first_due = next_step_after(cadence, -1, now, self._planner.hours, now)[1]
            self._planner.sync(session, lead, now, first_due=first_due)
        self._leads.run_hooks(session, lead, now)
        pending = session.scalars(
            select(FollowUpRecord)
            .where(
                FollowUpRecord.lead_id == lead.id,
                FollowUpRecord.status == FollowUpStatus.PENDING.value,
            )
            .order_by(FollowUpRecord.due_at)
        ).first()
        return QualificationResult(
            lead_id=lead.id,
            score=decision.score,
            verdict=verdict,
            owner=owner_name,
            next_follow_up_at=pending.due_at if pending else None,
            next_step_kind=pending.kind if pending else "",
            over_capacity=over,
            reply=reply,
        )

    def _reply(
        self, lead: LeadRecord, answers: Mapping[str, AnswerValue], owner: str
    ) -> ReplyDraft:
        """The not-a-fit template filled in; what the lead has no value for stays written
        ("{company}") for the rep to fill in before sending."""
        template = (
            shipped_not_a_fit(lead.product)
            if self._templates is None
            else self._templates(NOT_A_FIT, lead.product)
        )
        challenge = answers.get("challenge")
        values = placeholder_values(
            lead, challenge=challenge if isinstance(challenge, str) else "", rep_name=owner
        )
        return not_a_fit_draft(template, lead.email, values)


def _routed_by_form(session: Session, lead: LeadRecord) -> bool:
    """The lead's owner is the rep its latest form answers routed it to."""
    rep = session.scalar(
        select(QualificationRecord.rep_id)
        .where(QualificationRecord.lead_id == lead.id, QualificationRecord.origin == FORM)
        .order_by(QualificationRecord.completed_at.desc(), QualificationRecord.id.desc())
        .limit(1)
    )
    return rep is not None and rep == lead.owner_id


def _set_tag(lead: LeadRecord, tag: str, present: bool) -> None:
    tags = [t.strip() for t in (lead.tags or "").split(",") if t.strip()]
    if present and tag not in tags:
        tags.append(tag)
    elif not present and tag in tags:
        tags.remove(tag)
    lead.tags = ", ".join(tags)
