"""Reports: speed to lead, follow-up coverage, call attempts, funnel, rep load and journey
stages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core import report_math as rm
from repdesk.core.domain import JourneyStage, LeadStatus, Verdict
from repdesk.core.form_learning import FormLearning, form_learning
from repdesk.formats.csv_export import write_csv
from repdesk.services.common.errors import UserError
from repdesk.services.followups.followup_service import FollowUpService
from repdesk.services.reports import report_queries
from repdesk.services.reports.form_report import form_learning_in, form_learning_json
from repdesk.services.script.script_service import ScriptService
from repdesk.services.settings.settings_service import SettingsService
from repdesk.store.models import FINAL_QUALIFICATION, LeadRecord, QualificationRecord, RepRecord

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class CoverageFigures:
    """Open leads now, how many have a pending next step, how many of those steps are overdue."""

    open_leads: int
    with_next_step: int
    with_next_step_share: float
    overdue: int


@dataclass(frozen=True)
class Funnel:
    """Leads received in the period by status and verdict, with qualified → won rates overall and by
    group."""

    by_status: dict[str, int]
    by_verdict: dict[str, int]
    qualified: int
    won: int
    qualified_to_won_rate: float
    by_source: tuple[rm.GroupFunnel, ...]
    by_product: tuple[rm.GroupFunnel, ...]


@dataclass(frozen=True)
class RepLoadRow:
    """One rep's qualified hand-overs this calendar month against their monthly capacity."""

    name: str
    capacity: int
    qualified_this_month: int
    active: bool

    @property
    def load_share(self) -> float:
        return rm.rate(self.qualified_this_month, self.capacity)


@dataclass(frozen=True)
class Report:
    """Everything the report CLI and the Reports page show, for one period and (optionally) one
    rep."""

    period_from: date
    period_to: date
    owner: str | None
    target_minutes: int
    speed: rm.SpeedFigures
    coverage: CoverageFigures
    attempts: rm.AttemptFigures
    funnel: Funnel
    reps: tuple[RepLoadRow, ...]
    journey: dict[str, int]
    #: Form answers against the call's: changes per question, verdict agreement per form/source.
    forms: FormLearning = field(default_factory=lambda: form_learning(()))
    #: Question key -> the rep's prompt, to name the questions of `forms`.
    prompts: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        s, f = self.speed, self.funnel
        return {
            "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
            "owner": self.owner,
            "speed_to_lead": {
                "median_minutes": s.median_minutes,
                "within_target_share": s.within_target_share,
                "within_hour_share": s.within_hour_share,
                "within_day_share": s.within_day_share,
                "never_contacted": s.never_contacted,
                "received": s.received,
                "target_minutes": self.target_minutes,
                "distribution": {b.label: b.count for b in s.buckets},
            },
            "coverage": {
                "open_leads": self.coverage.open_leads,
                "with_next_step_share": self.coverage.with_next_step_share,
                "overdue": self.coverage.overdue,
            },
            "attempts_before_connect": {
                "connected_leads": self.attempts.connected_leads,
                "median": self.attempts.median_attempts,
                "mean": self.attempts.mean_attempts,
                "max": self.attempts.max_attempts,
                "not_reached_yet": self.attempts.unreached_leads,
            },
            "funnel": dict(f.by_status),
            "verdicts": dict(f.by_verdict),
            "qualified_to_won_rate": f.qualified_to_won_rate,
            "by_source": [_group_json(g) for g in f.by_source],
            "by_product": [_group_json(g) for g in f.by_product],
            "reps": [
                {
                    "name": r.name,
                    "capacity": r.capacity,
                    "qualified_this_month": r.qualified_this_month,
                }
                for r in self.reps
            ],
            "journey": dict(self.journey),
            "form_answers": form_learning_json(self.forms, self.prompts),
        }


def default_period(today: date, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The last `days` calendar days, today included."""
    return today - timedelta(days=days - 1), today


class ReportService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        settings: SettingsService,
        followups: FollowUpService,
        zone: Callable[[], tzinfo],
        scripts: ScriptService | None = None,
    ) -> None:
        self._scripts = scripts
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._followups = followups
        self._zone = zone

    def today(self) -> date:
        return self._clock().astimezone(self._zone()).date()

    def export_table(
        self, path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> None:
        """Save one of the report's tables as CSV (formulas neutralised, UTF-8 for Excel)."""
        try:
            write_csv(path, headers, rows)
        except OSError as exc:
            raise UserError(
                f"The table could not be saved to {path}: {exc.strerror or exc}."
            ) from exc

    def report(
        self, start: date | None = None, end: date | None = None, owner: str | None = None
    ) -> Report:
        """The report over leads received from `start` to `end` (local dates, both included)."""
        self._followups.plan_requalifications()  # the figures count re-qualify steps as due
        default_start, default_end = default_period(self.today())
        start, end = start or default_start, end or default_end
        if start > end:
            raise UserError(f"The period starts ({start}) after it ends ({end}).")
        zone = self._zone()
        lo = datetime.combine(start, time.min, zone).astimezone(UTC)
        hi = datetime.combine(end + timedelta(days=1), time.min, zone).astimezone(UTC)
        target = int(self._settings.get("response_target_minutes"))
        with self._sessions() as session:
            owner_id = self._owner_id(session, owner)
            cohort = self._cohort(session, lo, hi)
            if owner_id is not None:
                cohort.append(LeadRecord.owner_id == owner_id)
            # Speed to lead is about inquiries: a known contact had no waiting clock.
            inquiries = [*cohort, LeadRecord.is_contact.is_(False)]
            speed = report_queries.speed(session, inquiries, target)
            attempts = report_queries.attempts(session, cohort)
            funnel = self._funnel(session, cohort)
            journey = self._journey(session, cohort)
            reps = self._rep_load(session, owner_id)
            forms = form_learning_in(session, cohort)
        cov = self._followups.coverage(owner)
        coverage = CoverageFigures(cov.open_leads, cov.with_next_step, cov.share, cov.overdue)
        return Report(
            start,
            end,
            owner,
            target,
            speed,
            coverage,
            attempts,
            funnel,
            reps,
            journey,
            forms,
            self._prompts(),
        )

    # -- pieces ----------------------------------------------------------------------------------
    def _prompts(self) -> dict[str, str]:
        if self._scripts is None:
            return {}
        return {q.key: q.prompt for s in self._scripts.current_bundle().sets for q in s.questions}

    def _owner_id(self, session: Session, owner: str | None) -> int | None:
        if not owner:
            return None
        rep_id = session.scalar(select(RepRecord.id).where(RepRecord.name == owner))
        if rep_id is None:
            raise UserError(f"There is no rep named {owner!r}.")
        return int(rep_id)

    def _cohort(self, session: Session, lo: datetime, hi: datetime) -> list[ColumnElement[bool]]:
        """Leads received in [lo, hi); no condition at all when that is every lead (an all-time
        report reads each lead once, in table order, instead of through the index)."""
        # Two queries: each is one index seek (SQLite walks the index for both in one).
        first = session.scalar(select(func.min(LeadRecord.received_at)))
        last = session.scalar(select(func.max(LeadRecord.received_at)))
        if first is None or last is None or (lo <= first and last < hi):
            return []
        return [LeadRecord.received_at >= lo, LeadRecord.received_at < hi]

    def _funnel(self, session: Session, cohort: list[ColumnElement[bool]]) -> Funnel:
        n = func.count(LeadRecord.id)
        by_status = {s.value: 0 for s in LeadStatus}
        by_verdict = {v.value: 0 for v in Verdict}
        qualified = won = 0
        for status, verdict, count in session.execute(
            select(LeadRecord.status, LeadRecord.verdict, n)
            .where(*cohort)
            .group_by(LeadRecord.status, LeadRecord.verdict)
        ):
            by_status[status] = by_status.get(status, 0) + count
            if verdict:
                by_verdict[verdict] = by_verdict.get(verdict, 0) + count
            qualified += count if rm.reached_qualified(status, verdict) else 0
            won += count if status == LeadStatus.WON.value else 0
        groups = {}
        for column in (LeadRecord.source, LeadRecord.product):
            stmt = (
                select(column, LeadRecord.status, LeadRecord.verdict, n)
                .where(*cohort)
                .group_by(column, LeadRecord.status, LeadRecord.verdict)
            )
            groups[column.key] = rm.group_funnels(
                (g or "", s, v, int(c)) for g, s, v, c in session.execute(stmt)
            )
        return Funnel(
            by_status,
            by_verdict,
            qualified,
            won,
            rm.rate(won, qualified),
            groups["source"],
            groups["product"],
        )

    def _journey(self, session: Session, cohort: list[ColumnElement[bool]]) -> dict[str, int]:
        counts = {s.value: 0 for s in JourneyStage}
        stmt = (
            select(LeadRecord.journey_stage, func.count(LeadRecord.id))
            .where(LeadRecord.status.not_in((LeadStatus.WON.value, LeadStatus.LOST.value)), *cohort)
            .group_by(LeadRecord.journey_stage)
        )
        for stage, count in session.execute(stmt):
            counts[stage] = counts.get(stage, 0) + int(count)
        return counts

    def _rep_load(self, session: Session, owner_id: int | None) -> tuple[RepLoadRow, ...]:
        local_now = self._clock().astimezone(self._zone())
        first = local_now.date().replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        month_lo = datetime.combine(first, time.min, self._zone()).astimezone(UTC)
        month_hi = datetime.combine(following, time.min, self._zone()).astimezone(UTC)
        # Leads whose latest finished qualification falls in this month: one finished in it (a
        # range of the partial index on finished qualifications) and none finished after it.
        in_month = select(QualificationRecord.lead_id).where(
            FINAL_QUALIFICATION,
            QualificationRecord.completed_at >= month_lo,
            QualificationRecord.completed_at < month_hi,
        )
        after = select(QualificationRecord.id).where(
            FINAL_QUALIFICATION,
            QualificationRecord.lead_id == LeadRecord.id,
            QualificationRecord.completed_at >= month_hi,
        )
        handed = (
            select(LeadRecord.owner_id, func.count(LeadRecord.id))
            .where(
                LeadRecord.id.in_(in_month),
                ~after.exists(),
                LeadRecord.verdict == Verdict.QUALIFIED.value,
                LeadRecord.owner_id.is_not(None),
            )
            .group_by(LeadRecord.owner_id)
        )
        counts = {int(rep or 0): int(c) for rep, c in session.execute(handed)}
        reps = select(
            RepRecord.id, RepRecord.name, RepRecord.monthly_capacity, RepRecord.active
        ).order_by(RepRecord.name)
        if owner_id is not None:
            reps = reps.where(RepRecord.id == owner_id)
        return tuple(
            RepLoadRow(name, int(cap or 0), counts.get(int(rep_id), 0), bool(active))
            for rep_id, name, cap, active in session.execute(reps)
            if active or counts.get(int(rep_id), 0) or owner_id is not None
        )


def _group_json(g: rm.GroupFunnel) -> dict[str, Any]:
    return {
        "name": g.name,
        "leads": g.leads,
        "qualified": g.qualified,
        "won": g.won,
        "won_rate": g.won_rate,
    }
