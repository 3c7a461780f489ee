"""What a qualification hands out: the run of the script (the set versions and rules asked, the
answers so far, what the form said), the finished result with its next steps, and a past run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from repdesk.core.conditions import AnswerValue
from repdesk.core.domain import Verdict
from repdesk.core.questions import Question, QuestionSet
from repdesk.core.verdict_rules import Decision, RuleSet, asked_questions, decide
from repdesk.services.common.changes import Changes
from repdesk.services.script.form_answers import FormAnswers
from repdesk.services.script.not_a_fit_reply import ReplyDraft


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
