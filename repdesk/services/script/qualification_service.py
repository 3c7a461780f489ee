"""Qualification use cases: start or resume a run, autosave the draft, finish with the verdict's
effects, expiry (the effects: verdict_effects; what they hand out: script_run)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, tzinfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.conditions import AnswerValue
from repdesk.core.contact import display_name
from repdesk.core.domain import LeadStatus
from repdesk.core.email_rules import Template
from repdesk.core.scoring import effective_answers
from repdesk.core.script_flow import parse_answer
from repdesk.core.verdict_rules import (
    RuleSet,
    asked_questions,
    decide,
    expires_at,
)
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.common.undo import UndoRecorder
from repdesk.services.followups.followup_planner import FollowUpPlanner
from repdesk.services.followups.requalify import plan_requalifications
from repdesk.services.leads.lead_service import LeadService
from repdesk.services.script.answer_json import answers_from_json, answers_to_json
from repdesk.services.script.form_answers import latest_form_answers
from repdesk.services.script.script_records import Stamp, stamp_columns, stamp_of
from repdesk.services.script.script_run import PastQualification, QualificationResult, ScriptRun
from repdesk.services.script.script_service import ScriptService, StoredBundle
from repdesk.services.script.verdict_effects import NURTURE_DAYS, OVER_CAPACITY_TAG, VerdictEffects
from repdesk.services.settings.settings_service import SettingsService
from repdesk.store.models import (
    LeadRecord,
    QualificationRecord,
)

__all__ = [
    "NURTURE_DAYS",
    "OVER_CAPACITY_TAG",
    "PastQualification",
    "QualificationResult",
    "QualificationService",
    "ScriptRun",
    "closed_refusal",
]


class QualificationService(VerdictEffects):
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
            lead, draft, stamp = _lead_and_draft(session, lead_id)
            self._leads.claim_in(session, lead)  # the script is a call: the lead becomes mine
            if draft is not None:
                sets = self._scripts.sets_in(session, draft.set_ids)
                rules = (
                    self._scripts.rules_in(session, draft.rule_set_id)
                    or self._scripts.current_in(session, stamp).bundle.rules
                )
                answers = answers_from_json(asked_questions(sets), draft.answers or {})
            else:
                current = self._scripts.current_in(session, stamp)
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
        """Autosave: the answers so far are a draft qualification, so nothing is lost on a crash.
        One read (the lead and its draft) and one write (the draft's INSERT or UPDATE)."""
        now = self._clock()
        with self._sessions.begin() as session:
            lead, draft, stamp = _lead_and_draft(session, lead_id)
            if draft is None:
                current = self._scripts.current_in(session, stamp)
                sets = current.sets_for_product(lead.product)
                decision = decide(sets, current.bundle.rules, answers)
                draft = self._new_record(session, lead, now, current, flush=False)
            else:
                run_sets = self._scripts.sets_in(session, draft.set_ids)
                rules = self._scripts.rules_in(session, draft.rule_set_id) or RuleSet(())
                decision = decide(run_sets, rules, answers)
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
            lead, draft, stamp = _lead_and_draft(session, lead_id)
            if LeadStatus(lead.status).is_closed:
                # A verdict would reopen the lead, start a cadence and route it to a rep: the
                # rep reopens it on purpose first (the autosaved draft keeps the answers).
                raise UserError(closed_refusal(lead))
            undo = UndoRecorder(session, [lead_id])
            record = draft or self._new_record(session, lead, now)
            sets = self._scripts.sets_in(session, record.set_ids)
            rules = (
                self._scripts.rules_in(session, record.rule_set_id)
                or self._scripts.current_in(session, stamp).bundle.rules
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
                sets = self._scripts.sets_in(session, r.set_ids)
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

    def _new_record(
        self,
        session: Session,
        lead: LeadRecord,
        now: datetime,
        current: StoredBundle | None = None,
        *,
        flush: bool = True,
    ) -> QualificationRecord:
        """A draft of the current sets for the lead's product; `flush` False: written with the
        transaction's next flush (once its answers are filled in: one INSERT)."""
        current = current or self._scripts.current_in(session)
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
        if flush:
            session.flush()
        return record


def closed_refusal(lead: LeadRecord) -> str:
    """Why a script cannot finish on a closed lead, in one sentence."""
    return (
        f"{display_name(lead)} is {LeadStatus(lead.status).value}, a closed lead: reopen the lead "
        "(give it an open status) before finishing the script."
    )


def _lead_and_draft(
    session: Session, lead_id: int
) -> tuple[LeadRecord, QualificationRecord | None, Stamp]:
    """The lead, its newest draft qualification (None: none) and the script's stamp (what
    current_in checks its kept bundle against), in one query."""
    row = session.execute(
        select(LeadRecord, QualificationRecord, *stamp_columns())
        .outerjoin(
            QualificationRecord,
            and_(
                QualificationRecord.lead_id == LeadRecord.id,
                QualificationRecord.is_draft.is_(True),
            ),
        )
        .where(LeadRecord.id == lead_id)
        .order_by(QualificationRecord.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(f"There is no lead with id {lead_id}.")
    return row[0], row[1], stamp_of(row[2:])


def _draft(session: Session, lead_id: int) -> QualificationRecord | None:
    return session.scalars(
        select(QualificationRecord)
        .where(QualificationRecord.lead_id == lead_id, QualificationRecord.is_draft.is_(True))
        .order_by(QualificationRecord.id.desc())
        .limit(1)
    ).first()
