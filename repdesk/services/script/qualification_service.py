"""Qualification use cases: start or resume a run, autosave the draft, finish with the verdict's
effects, expiry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.business_hours import local_days_later
from repdesk.core.cadence import next_step_after
from repdesk.core.conditions import AnswerValue
from repdesk.core.contact import display_name
from repdesk.core.domain import ActivityKind, FollowUpStatus, LeadStatus, Verdict
from repdesk.core.email_rules import NOT_A_FIT, Template, placeholder_values
from repdesk.core.questions import TIMEFRAME_KEY, Question, QuestionSet
from repdesk.core.scoring import effective_answers
from repdesk.core.script_flow import parse_answer
from repdesk.core.verdict_rules import (
    Decision,
    RuleSet,
    asked_questions,
    decide,
    expires_at,
    rules_from_data,
)
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.common.undo import UndoRecorder
from repdesk.services.followups.followup_planner import FollowUpPlanner, needs_step
from repdesk.services.followups.requalify import plan_requalifications
from repdesk.services.leads.lead_service import LeadService, change_status, record_activity
from repdesk.services.script.answer_json import answers_from_json, answers_to_json
from repdesk.services.script.form_answers import FORM, FormAnswers, latest_form_answers
from repdesk.services.script.not_a_fit_reply import (
    ReplyDraft,
    not_a_fit_draft,
    shipped_not_a_fit,
)
from repdesk.services.script.rep_routing import overflow_note, route
from repdesk.services.script.script_service import ScriptService, sets_by_ids
from repdesk.services.settings.settings_service import SettingsService
from repdesk.store.models import (
    FollowUpRecord,
    LeadRecord,
    QualificationRecord,
    RepRecord,
    RuleSetRecord,
)

OVER_CAPACITY_TAG = "over_capacity"
#: The first nurture check-in comes at the lead's own time frame (answer to `timeline`).
NURTURE_DAYS = {
    "this_month": 7,
    "1_3_months": 30,
    "3_6_months": 90,
    "6_12_months": 180,
    "no_plans": 180,
}


@dataclass(frozen=True)
class ScriptRun:
    """One run of the script for a lead: the set versions asked, the rules, and the answers so
    far."""

    lead_id: int | None
    lead_name: str
    company: str
    product: str
    sets: tuple[QuestionSet, ...]
    rules: RuleSet
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    resumed: bool = False
    #: What the lead wrote on a form, if it arrived with answers: the call confirms or changes it.
    form: FormAnswers | None = None

    @property
    def form_answers(self) -> dict[str, AnswerValue]:
        return dict(self.form.answers) if self.form is not None else {}

    @property
    def questions(self) -> list[Question]:
        return asked_questions(self.sets)

    def decide(self, answers: Mapping[str, AnswerValue | None]) -> Decision:
        return decide(self.sets, self.rules, answers)


@dataclass(frozen=True)
class QualificationResult:
    lead_id: int
    score: int
    verdict: Verdict
    owner: str | None
    next_follow_up_at: datetime | None
    next_step_kind: str
    over_capacity: bool = False
    reply: ReplyDraft | None = None
    changes: Changes = Changes(leads=True, activities=True, follow_ups=True)

    def to_json(self) -> dict[str, Any]:
        when = self.next_follow_up_at.isoformat() if self.next_follow_up_at else None
        return {
            "lead_id": self.lead_id,
            "score": self.score,
            "verdict": self.verdict.value,
            "owner": self.owner,
            "next_follow_up_at": when,
        }

    def next_steps(self, zone: tzinfo, *, clipboard: bool = True) -> str:
        """What happens next, in one line for the rep."""
        when = self.next_follow_up_at.astimezone(zone) if self.next_follow_up_at else None
        if self.verdict is Verdict.QUALIFIED:
            call = (
                f"hand-over {self.next_step_kind} {when:%a %d %b %H:%M}"
                if when
                else "no hand-over step"
            )
            if self.owner:
                return f"Handed to {self.owner}; {call}"
            return f"Unassigned — over capacity: every rep is full this month; {call}"
        if self.verdict is Verdict.NURTURE:
            return f"Nurture: next check-in {when:%d %b}" if when else "Nurture"
        if self.reply is None:
            return "Not a fit: no reply drafted, the lead is marked do not contact"
        return "Not a fit: reply drafted" + (" and copied to the clipboard" if clipboard else "")


@dataclass(frozen=True)
class PastQualification:
    """A finished qualification with the exact questions it asked."""

    id: int
    completed_at: datetime
    verdict: str
    score: int
    sets: tuple[QuestionSet, ...]
    answers: dict[str, AnswerValue]


class QualificationService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        settings: SettingsService,
        scripts: ScriptService,
        planner: FollowUpPlanner,
        leads: LeadService,
        zone: Callable[[], tzinfo],
        templates: Callable[[str, str], Template] | None = None,
    ) -> None:
        self._templates = templates
        """The email template (key, product) for the not-a-fit reply (services/email)."""
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._scripts = scripts
        self._planner = planner
        self._leads = leads
        self._zone = zone

    # -- runs ------------------------------------------------------------------------------------
    def start_or_resume(self, lead_id: int) -> ScriptRun:
        """The core set and the lead's product set, with the draft's answers when a draft exists."""
        with self._sessions.begin() as session:
            lead = _lead(session, lead_id)
            self._leads.claim_in(session, lead)  # the script is a call: the lead becomes mine
            draft = _draft(session, lead_id)
            if draft is not None:
                sets = sets_by_ids(session, draft.set_ids)
                rules = (
                    _rules(session, draft.rule_set_id)
                    or self._scripts.current_in(session).bundle.rules
                )
                answers = answers_from_json(asked_questions(sets), draft.answers or {})
            else:
                current = self._scripts.current_in(session)
                sets, rules, answers = (
                    current.sets_for_product(lead.product),
                    current.bundle.rules,
                    {},
                )
            return ScriptRun(
                lead.id,
                display_name(lead),
                lead.company,
                lead.product,
                sets,
                rules,
                answers,
                draft is not None,
                latest_form_answers(session, lead.id),
            )

    def save_draft(self, lead_id: int, answers: Mapping[str, AnswerValue | None]) -> Changes:
        """Autosave: the answers so far are a draft qualification, so nothing is lost on a crash."""
        now = self._clock()
        with self._sessions.begin() as session:
            lead = _lead(session, lead_id)
            draft = _draft(session, lead_id) or self._new_record(session, lead, now)
            run_sets = sets_by_ids(session, draft.set_ids)
            decision = decide(run_sets, _rules(session, draft.rule_set_id) or RuleSet(()), answers)
            draft.answers = answers_to_json(answers)
            draft.score, draft.verdict = decision.score, decision.verdict.value
        return Changes()

    def discard_draft(self, run: ScriptRun) -> Changes:
        """Discard — no call happened: the draft goes back to what it was when `run` started (none
        when the run was not resumed), so the mistaken start leaves nothing behind."""
        if run.lead_id is None:
            return Changes()
        if run.resumed:
            return self.save_draft(run.lead_id, run.answers)
        with self._sessions.begin() as session:
            draft = _draft(session, run.lead_id)
            if draft is not None:
                session.delete(draft)
        return Changes()

    def parse_answers(self, lead_id: int, pairs: Mapping[str, str]) -> dict[str, AnswerValue]:
        """Typed answers from 'key=value' text (the CLI); UserError names the key and the
        problem."""
        run = self.start_or_resume(lead_id)
        by_key = {q.key: q for q in run.questions}
        parsed: dict[str, AnswerValue] = dict(run.answers)
        for key, text in pairs.items():
            question = by_key.get(key)
            if question is None:
                raise UserError(
                    f"There is no question '{key}' in this lead's script; the keys are "
                    f"{', '.join(by_key)}."
                )
            try:
                parsed[key] = parse_answer(question, text)
            except ValueError as exc:
                raise UserError(f"The answer to '{key}': {exc}.") from None
        return parsed

    def finish(
        self, lead_id: int, answers: Mapping[str, AnswerValue | None] | None = None
    ) -> QualificationResult:
        """Store the qualification and apply what its verdict does (routing, follow-up, reply)."""
        now = self._clock()
        with self._sessions.begin() as session:
            lead = _lead(session, lead_id)
            if LeadStatus(lead.status).is_closed:
                # A verdict would reopen the lead, start a cadence and route it to a rep: the
                # rep reopens it on purpose first (the autosaved draft keeps the answers).
                raise UserError(closed_refusal(lead))
            undo = UndoRecorder(session, [lead_id])
            record = _draft(session, lead_id) or self._new_record(session, lead, now)
            sets = sets_by_ids(session, record.set_ids)
            rules = (
                _rules(session, record.rule_set_id)
                or self._scripts.current_in(session).bundle.rules
            )
            questions = asked_questions(sets)
            if answers is None:
                answers = answers_from_json(questions, record.answers or {})
            decision = decide(sets, rules, answers)
            if decision.missing_required:
                raise UserError(
                    "Answer the required questions first: "
                    + ", ".join(decision.missing_required)
                    + "."
                )
            days = int(self._settings.get("qualification_days"))
            record.answers = answers_to_json(answers)
            record.score, record.verdict = decision.score, decision.verdict.value
            record.is_draft, record.completed_at = False, now
            record.expires_at = expires_at(now, days)
            lead.verdict, lead.score, lead.qualification_expires_at = (
                decision.verdict.value,
                decision.score,
                record.expires_at,
            )
            result = self._apply_verdict(
                session, lead, record, decision, effective_answers(questions, answers), now
            )
            step = undo.step(f"Qualified: {decision.verdict.value.replace('_', ' ')}")
        return replace(result, changes=replace(result.changes, undo=step))

    def history(self, lead_id: int) -> list[PastQualification]:
        """Finished qualifications of a lead, newest first, each with its own question-set
        versions."""
        with self._sessions() as session:
            records = session.scalars(
                select(QualificationRecord)
                .where(
                    QualificationRecord.lead_id == lead_id, QualificationRecord.is_draft.is_(False)
                )
                .order_by(QualificationRecord.completed_at.desc(), QualificationRecord.id.desc())
            )
            out = []
            for r in records:
                sets = sets_by_ids(session, r.set_ids)
                out.append(
                    PastQualification(
                        r.id,
                        r.completed_at or r.started_at,
                        r.verdict or "",
                        r.score or 0,
                        sets,
                        answers_from_json(asked_questions(sets), r.answers or {}),
                    )
                )
            return out

    def plan_requalifications(self) -> int:
        """Give each open lead whose qualification expired one re-qualify follow-up (once per
        expiry); see services/followups/requalify."""
        return plan_requalifications(self._sessions, self._planner, self._clock())

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

    def _new_record(self, session: Session, lead: LeadRecord, now: datetime) -> QualificationRecord:
        current = self._scripts.current_in(session)
        sets = current.sets_for_product(lead.product)
        record = QualificationRecord(
            lead_id=lead.id,
            set_ids=[current.set_ids[s.key] for s in sets],
            rule_set_id=current.rule_set_id,
            answers={},
            is_draft=True,
            started_at=now,
        )
        session.add(record)
        session.flush()
        return record


def closed_refusal(lead: LeadRecord) -> str:
    """Why a script cannot finish on a closed lead, in one sentence."""
    return (
        f"{display_name(lead)} is {LeadStatus(lead.status).value}, a closed lead: reopen the lead "
        "(give it an open status) before finishing the script."
    )


def _lead(session: Session, lead_id: int) -> LeadRecord:
    lead = session.get(LeadRecord, lead_id)
    if lead is None:
        raise NotFoundError(f"There is no lead with id {lead_id}.")
    return lead


def _draft(session: Session, lead_id: int) -> QualificationRecord | None:
    return session.scalars(
        select(QualificationRecord)
        .where(QualificationRecord.lead_id == lead_id, QualificationRecord.is_draft.is_(True))
        .order_by(QualificationRecord.id.desc())
        .limit(1)
    ).first()


def _rules(session: Session, rule_set_id: int | None) -> RuleSet | None:
    record = session.get(RuleSetRecord, rule_set_id) if rule_set_id is not None else None
    return rules_from_data(record.rules) if record is not None else None


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
