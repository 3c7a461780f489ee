"""The report's figures aggregated by the database: one pass over the cohort's leads for speed to
lead (in business hours), a sorted read of the answered delays for their median, and a window
function over the cohort's calls for attempts before connecting. Nothing is read row by row into
Python."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, ColumnElement, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from repdesk.core import report_math as rm
from repdesk.core.domain import ActivityKind, CallOutcome
from repdesk.store.models import ActivityRecord, LeadRecord

MINUTE_MICROS = 60_000_000

#: Micros of business time from inquiry to first response: the wait stored with the first
#: response (core.business_hours.business_seconds_between: a Friday-evening inquiry answered
#: Monday at 09:03 waited three minutes; a response stamped before the inquiry waited 0).
DELAY = func.coalesce(
    type_coerce(LeadRecord.first_response_business_seconds, BigInteger), literal(0, BigInteger)
) * literal(1_000_000, BigInteger)


def _micros(minutes: float) -> ColumnElement[int]:
    """Minutes as a BIGINT literal of micros (an INTEGER parameter overflows on PostgreSQL)."""
    return literal(round(minutes * MINUTE_MICROS), BigInteger)


def _sum(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def speed(session: Session, cohort: Sequence[ColumnElement[bool]], target: int) -> rm.SpeedFigures:
    bounds = rm.bucket_bounds(target)
    limits = [_micros(b) for b in bounds]
    answered = LeadRecord.first_response_at.is_not(None)
    bucket_sums = [
        _sum(answered & (limit >= DELAY) & ((limits[i - 1] < DELAY) if i else answered))
        for i, limit in enumerate(limits)
    ]
    received, contacted, in_target, in_hour, in_day, *buckets, over = session.execute(
        select(
            func.count(),
            func.count(LeadRecord.first_response_at),
            _sum(answered & (target * MINUTE_MICROS >= DELAY)),
            _sum(answered & (DELAY <= 60 * MINUTE_MICROS)),
            _sum(answered & (DELAY <= 1440 * MINUTE_MICROS)),
            *bucket_sums,
            _sum(answered & (limits[-1] < DELAY)),
        )
        .select_from(LeadRecord)
        .where(*cohort)
    ).one()
    counts = [int(n) for n in (*buckets, over)] + [int(received) - int(contacted)]
    return rm.speed_from_counts(
        target,
        int(received),
        (int(in_target), int(in_hour), int(in_day)),
        counts,
        _median_delay(session, cohort, int(contacted)),
    )


def _median_delay(
    session: Session, cohort: Sequence[ColumnElement[bool]], answered: int
) -> float | None:
    """The middle one or two answered delays, in minutes (a sorted read, not every row)."""
    if answered == 0:
        return None
    delays = list(
        session.scalars(
            select(DELAY)
            .where(LeadRecord.first_response_at.is_not(None), *cohort)
            .order_by(DELAY)
            .offset((answered - 1) // 2)
            .limit(2 - answered % 2)
        )
    )
    # In minutes (business seconds, then minutes).
    middle = [int(d) / 1_000_000 / 60.0 for d in delays]
    return middle[0] if len(middle) == 1 else (middle[0] + middle[1]) / 2.0


def attempts(session: Session, cohort: Sequence[ColumnElement[bool]]) -> rm.AttemptFigures:
    """Calls before the first connected one, per lead reached, as a histogram: each call numbered
    in its lead's order (time, then id) by a window function; a lead's attempts are the number of
    its first connected call less one."""
    connected = ActivityRecord.outcome == CallOutcome.CONNECTED.value
    numbered = (
        select(
            ActivityRecord.lead_id.label("lead_id"),
            case((connected, 1), else_=0).label("connected"),
            func.row_number()
            .over(
                partition_by=ActivityRecord.lead_id,
                order_by=(ActivityRecord.occurred_at, ActivityRecord.id),
            )
            .label("n"),
        )
        .join(LeadRecord, LeadRecord.id == ActivityRecord.lead_id)
        .where(ActivityRecord.kind == ActivityKind.CALL.value, *cohort)
        .subquery()
    )
    first = func.min(case((numbered.c.connected == 1, numbered.c.n))) - 1
    per_lead = select(first.label("attempts")).group_by(numbered.c.lead_id).subquery()
    histogram: dict[int, int] = {}
    unreached = 0
    for tried, count in session.execute(
        select(per_lead.c.attempts, func.count()).group_by(per_lead.c.attempts)
    ):
        if tried is None:
            unreached = int(count)
        else:
            histogram[int(tried)] = int(count)
    return rm.attempt_figures_from(histogram, unreached)
