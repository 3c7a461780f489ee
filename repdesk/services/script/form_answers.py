"""Answers that arrive with a lead: the qualification "from the form" with its provisional verdict
(the same rules as a call), routing form-qualified leads, the not-a-fit reply, the latest form
answers for the call."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.conditions import AnswerValue
from repdesk.core.domain import ActivityKind, LeadStatus, Verdict
from repdesk.core.email_rules import NOT_A_FIT, Template, pick_template, placeholder_values
from repdesk.core.form_match import FormMatch, FormMatcher, form_summary
from repdesk.core.questions import TIMEFRAME_KEY, Question
from repdesk.core.script_flow import format_answer
from repdesk.core.verdict_rules import asked_questions, decide
from repdesk.formats.lead_file import ParsedLead
from repdesk.formats.template_file import load_default
from repdesk.services.common.errors import NotFoundError
from repdesk.services.leads.lead_timeline import record_activity
from repdesk.services.script.answer_json import answers_from_json, answers_to_json
from repdesk.services.script.form_arrivals import LeadLike, Prepared, take_arrivals
from repdesk.services.script.form_mappings import MAPPED
from repdesk.services.script.not_a_fit_reply import not_a_fit_draft, shipped_not_a_fit
from repdesk.services.script.rep_routing import overflow_note, route
from repdesk.services.script.script_service import ScriptService, StoredBundle, sets_by_ids
from repdesk.services.settings.settings_service import SettingsService
from repdesk.store.models import FormMappingRecord, LeadRecord, QualificationRecord, RepRecord

FORM, CALL = "form", "call"
#: Setting: a lead whose form answers qualify it goes straight to a rep by capacity.
ROUTE_SETTING = "route_form_qualified"
MAX_FORM_ID = 200
__all__ = ["FORM", "FormAnswerService", "FormAnswers", "form_summary", "latest_form_answers"]


@dataclass(frozen=True)
class FormAnswers:
    """The latest answers a lead sent on a form, with their provisional verdict."""

    qualification_id: int
    form_id: str
    verdict: Verdict
    score: int
    answers: dict[str, AnswerValue]
    received_at: datetime


class FormAnswerService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        settings: SettingsService,
        scripts: ScriptService,
        zone: Callable[[], tzinfo],
        templates: Callable[[Session], Mapping[tuple[str, str], Template]] | None = None,
    ) -> None:
        """`templates`: the email templates as stored, read in the caller's session
        (TemplateService.by_key_in); without it the shipped ones."""
        self._sessions = sessions
        self._templates = templates
        self._clock = clock
        self._settings = settings
        self._scripts = scripts
        self._zone = zone
        self._matchers: dict[tuple[object, ...], FormMatcher] = {}

    @property
    def scripts(self) -> ScriptService:
        return self._scripts

    # -- matching --------------------------------------------------------------------------------
    def take(
        self,
        session: Session,
        lead: LeadRecord,
        fields: Mapping[str, str],
        now: datetime,
        *,
        import_id: int | None = None,
        current: StoredBundle | None = None,
    ) -> QualificationRecord | None:
        """Store the answers among a lead's arriving fields (if any) as a form qualification."""
        current = current or self._scripts.current_in(session)
        matcher = self.matcher(current, lead.product or "", self.mapping(session))
        match = matcher.match(fields)
        if not match.matched:
            return None
        return self.record(session, lead, match, now, import_id=import_id, current=current)

    # -- storing ---------------------------------------------------------------------------------
    def record(
        self,
        session: Session,
        lead: LeadRecord,
        match: FormMatch,
        now: datetime,
        *,
        import_id: int | None = None,
        current: StoredBundle | None = None,
    ) -> QualificationRecord:
        """The qualification "from the form": score and verdict by the current rules; the lead's
        provisional verdict; a rep when routing is on; the helpful reply when not a fit."""
        current = current or self._scripts.current_in(session)
        prepared = self.prepare(lead, match, current, self.reply_templates(session))
        record = QualificationRecord(
            **prepared.values,
            lead_id=lead.id,
            import_id=import_id,
            started_at=now,
            completed_at=now,
        )
        session.add(record)
        lead.form_verdict, lead.form_note = prepared.verdict.value, prepared.time_frame
        body = prepared.note
        closed = LeadStatus(lead.status).is_closed  # a closed lead stays as it is, unrouted
        if (
            prepared.verdict is Verdict.QUALIFIED
            and self._settings.get(ROUTE_SETTING)
            and not closed
        ):
            body += self._route(session, lead, record, now)
        # A note, not an outbound step: the lead still waits for its first real answer.
        note = record_activity(session, lead, ActivityKind.NOTE, now, body=body)
        note.import_id = import_id  # Undo import takes it back with the answers
        session.flush()
        return record

    def reply_templates(self, session: Session) -> Mapping[tuple[str, str], Template]:
        """The email templates the not-a-fit reply is drafted from: as the user edited them."""
        if self._templates is None:
            return {(t.key, t.product): t for t in load_default()}
        return self._templates(session)

    def prepare(
        self,
        lead: LeadLike,
        match: FormMatch,
        current: StoredBundle,
        templates: Mapping[tuple[str, str], Template],
    ) -> Prepared:
        """Score and verdict of the answers by the current rules, the qualification's columns,
        and the note for the lead's timeline (with the helpful reply, from `templates`, when not a
        fit)."""
        sets = current.sets_for_product(lead.product or "")
        decision = decide(sets, current.bundle.rules, match.answers)
        questions = {q.key: q for q in asked_questions(sets)}
        note = f"From the form: {decision.verdict.value.replace('_', ' ')} · score {decision.score}"
        if decision.verdict is Verdict.NOT_A_FIT:
            note += self._draft_reply(lead, match.answers, templates)
        values = {
            "set_ids": [current.set_ids[s.key] for s in sets],
            "rule_set_id": current.rule_set_id,
            "answers": answers_to_json(match.answers),
            "score": decision.score,
            "verdict": decision.verdict.value,
            "is_draft": False,
            "origin": FORM,
            "form_id": _form_id(match, lead.source),
        }
        return Prepared(values, decision.verdict, note, _time_frame(questions, match.answers))

    def _route(
        self, session: Session, lead: LeadRecord, record: QualificationRecord, now: datetime
    ) -> str:
        if lead.owner_id is not None:
            record.rep_id = lead.owner_id
            return ""
        rep_id = route(session, now, self._zone())
        if rep_id is None:
            return f" · left unassigned: {overflow_note(session, now, self._zone())}"
        lead.owner_id = record.rep_id = rep_id
        rep = session.get(RepRecord, rep_id)
        return f" · routed to {rep.name if rep else rep_id}"

    def _draft_reply(
        self,
        lead: LeadLike,
        answers: Mapping[str, AnswerValue],
        templates: Mapping[tuple[str, str], Template],
    ) -> str:
        challenge = answers.get("challenge")
        values = placeholder_values(lead, challenge=challenge if isinstance(challenge, str) else "")
        try:
            template = pick_template(templates, NOT_A_FIT, lead.product)
        except KeyError:  # the workspace's set lacks it (it is required): the shipped one
            template = shipped_not_a_fit(lead.product)
        draft = not_a_fit_draft(template, lead.email, values)
        return f"\nHelpful reply drafted (not sent):\nSubject: {draft.subject}\n\n{draft.body}"

    # -- arrivals (every import: files, watched folders, mailboxes) ------------------------------
    def arrivals_hook(
        self,
        session: Session,
        pairs: Sequence[tuple[int, ParsedLead]],
        import_id: int,
        now: datetime,
    ) -> None:
        """ImportService.arrivals: the answers among each arriving row's extra fields become a
        form qualification, and those fields stop being extras; a form whose fields name no
        question is offered for mapping (once)."""
        route = bool(self._settings.get(ROUTE_SETTING))
        take_arrivals(self, session, pairs, import_id, now, route=route)

    def undo_hook(self, session: Session, import_id: int) -> None:
        """ImportService.undo_hooks: the form qualifications an import brought go with it."""
        rows = session.execute(
            select(QualificationRecord.id, QualificationRecord.lead_id).where(
                QualificationRecord.import_id == import_id, QualificationRecord.origin == FORM
            )
        ).all()
        if not rows:
            return
        session.execute(
            delete(QualificationRecord).where(QualificationRecord.id.in_([r[0] for r in rows]))
        )
        for lead_id in {r[1] for r in rows}:
            lead = session.get(LeadRecord, lead_id)
            if lead is not None:
                refresh_form_verdict(session, lead)

    def mapping(self, session: Session) -> dict[str, str]:
        """Every remembered field mapping (label -> question key) of the forms mapped so far."""
        found: dict[str, str] = {}
        for mapping in session.scalars(
            select(FormMappingRecord.mapping).where(FormMappingRecord.state == MAPPED)
        ):
            found.update(mapping or {})
        return found

    def matcher(
        self, current: StoredBundle, product: str | None, mapping: Mapping[str, str]
    ) -> FormMatcher:
        """Built once per set versions, product and mapping; product None: every set's questions
        (to tell cheaply whether a row names any question at all)."""
        sets = current.bundle.sets if product is None else current.sets_for_product(product)
        key = (
            tuple(current.set_ids[s.key] for s in sets),
            product is None,
            tuple(sorted(mapping.items())),
        )
        found = self._matchers.get(key)
        if found is None:
            questions = [q for s in sets for q in s.questions]
            found = self._matchers[key] = FormMatcher(questions, mapping)
        return found

    def reread(self, lead_id: int) -> FormAnswers | None:
        """Read a stored lead's extra fields again (after its form was mapped)."""
        now = self._clock()
        with self._sessions.begin() as session:
            lead = session.get(LeadRecord, lead_id)
            if lead is None:
                raise NotFoundError(f"There is no lead with id {lead_id}.")
            current = self._scripts.current_in(session)
            matcher = self.matcher(current, lead.product or "", self.mapping(session))
            match = matcher.match(dict(lead.extra or {}))
            if not match.matched:
                return None
            self.record(session, lead, match, now, current=current)
            taken = set(match.fields.values())
            lead.extra = {k: v for k, v in (lead.extra or {}).items() if k not in taken}
            return latest_form_answers(session, lead_id)

    def arrive(self, lead_id: int, fields: Mapping[str, str]) -> FormAnswers | None:
        """Take the answers among `fields` for a lead already stored, in one transaction."""
        now = self._clock()
        with self._sessions.begin() as session:
            lead = session.get(LeadRecord, lead_id)
            if lead is None:
                raise NotFoundError(f"There is no lead with id {lead_id}.")
            if self.take(session, lead, fields, now) is None:
                return None
            return latest_form_answers(session, lead_id)

    # -- reading ---------------------------------------------------------------------------------
    def latest(self, lead_id: int) -> FormAnswers | None:
        with self._sessions() as session:
            return latest_form_answers(session, lead_id)


def latest_form_answers(session: Session, lead_id: int) -> FormAnswers | None:
    """The newest form qualification of a lead, with its answers typed for its own questions."""
    record = session.scalars(
        select(QualificationRecord)
        .where(QualificationRecord.lead_id == lead_id, QualificationRecord.origin == FORM)
        .order_by(QualificationRecord.completed_at.desc(), QualificationRecord.id.desc())
        .limit(1)
    ).first()
    if record is None:
        return None
    questions = asked_questions(sets_by_ids(session, record.set_ids))
    return FormAnswers(
        record.id,
        record.form_id or "",
        Verdict(record.verdict or Verdict.NURTURE.value),
        int(record.score or 0),
        answers_from_json(questions, record.answers or {}),
        record.completed_at or record.started_at,
    )


def refresh_form_verdict(session: Session, lead: LeadRecord) -> None:
    """The lead's provisional verdict and time frame from its newest form qualification left."""
    session.flush()
    latest = latest_form_answers(session, lead.id)
    if latest is None:
        lead.form_verdict = lead.form_note = None
        return
    record = session.get(QualificationRecord, latest.qualification_id)
    questions = {q.key: q for q in asked_questions(sets_by_ids(session, record.set_ids))}  # type: ignore[union-attr]
    lead.form_verdict = latest.verdict.value
    lead.form_note = _time_frame(questions, latest.answers)


def _form_id(match: FormMatch, source: str) -> str:
    """The form the answers came from: what a repdesk form says it is, else the tool and keys."""
    if match.form_id:
        return f"repdesk form ({match.form_id})"[:MAX_FORM_ID]
    return f"{source or 'Form'} ({', '.join(match.answers)})"[:MAX_FORM_ID]


def _time_frame(questions: Mapping[str, Question], answers: Mapping[str, AnswerValue]) -> str:
    question = questions.get(TIMEFRAME_KEY)
    value = answers.get(TIMEFRAME_KEY)
    if question is None or value is None:
        return ""
    text = format_answer(question, value)
    return (text[:1].lower() + text[1:])[:200]
