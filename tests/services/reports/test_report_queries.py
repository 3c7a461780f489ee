"""The report figures the database aggregates equal core.report_math's over the same rows: random
cohorts with ties, never-answered leads, responses stamped before the inquiry (waits in business
hours), calls at the same moment (hypothesis)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from repdesk.core import report_math as rm
from repdesk.core.business_hours import BusinessHours, business_seconds_between
from repdesk.services.reports import report_queries
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.migrate import ensure_schema
from repdesk.store.models import ActivityRecord, LeadRecord

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HOURS = BusinessHours(time(9), time(17), frozenset(range(5)), UTC)
_FOLDER = tempfile.TemporaryDirectory(prefix="repdesk-report-queries-")
ENGINE = make_engine(f"sqlite:///{Path(_FOLDER.name) / 'r.sqlite3'}")
ensure_schema(ENGINE)
SESSIONS = make_session_factory(ENGINE)

minutes = st.one_of(
    st.none(),
    st.sampled_from([0.0, 5.0, 60.0, 1440.0, 10080.0, -3.0]),  # the bounds themselves
    st.floats(min_value=-30, max_value=20000, allow_nan=False).map(lambda m: round(m, 4)),
)
call = st.tuples(
    st.integers(min_value=0, max_value=5),  # minutes after the inquiry: ties are likely
    st.sampled_from(["connected", "voicemail", "no_answer", "wrong_number"]),
)
lead = st.tuples(st.integers(min_value=0, max_value=600), minutes, st.lists(call, max_size=5))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lead, max_size=25), st.integers(min_value=1, max_value=90))
def test_sql_figures_equal_the_reference(leads: list, target: int) -> None:  # type: ignore[type-arg]
    delays: list[float | None] = []
    calls: list[tuple[int, datetime, int, str | None]] = []
    with SESSIONS.begin() as session:
        session.execute(delete(ActivityRecord))
        session.execute(delete(LeadRecord))
        for received_minutes, response, lead_calls in leads:
            received = T0 + timedelta(minutes=received_minutes)
            answered = None if response is None else received + timedelta(minutes=response)
            # The wait stored with the first response: business time (nights and weekends out).
            wait = None if answered is None else business_seconds_between(received, answered, HOURS)
            lead_id = session.execute(
                insert(LeadRecord)
                .values(
                    first_name="L",
                    received_at=received,
                    first_response_at=answered,
                    first_response_business_seconds=wait,
                    created_at=received,
                    updated_at=received,
                    extra={},
                    edited_fields=[],
                    status="new",
                )
                .returning(LeadRecord.id)
            ).scalar_one()
            delays.append(None if wait is None else wait / 60.0)
            for after, outcome in lead_calls:
                when = received + timedelta(minutes=after)
                call_id = session.execute(
                    insert(ActivityRecord)
                    .values(lead_id=lead_id, kind="call", outcome=outcome, occurred_at=when)
                    .returning(ActivityRecord.id)
                ).scalar_one()
                calls.append((lead_id, when, call_id, outcome))
    with SESSIONS() as session:
        assert report_queries.speed(session, [], target) == rm.speed_figures(delays, target)
        assert report_queries.attempts(session, []) == rm.attempt_figures(
            rm.attempts_before_connect(calls)
        )
