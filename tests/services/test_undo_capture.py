"""Undo's capture on a server reads a lead's rows in one round trip (JSON per row): it must give
exactly the values one SELECT per table gives, and a completion undone through it is put back."""

from __future__ import annotations

import pytest

from repdesk.app import open_workspace
from repdesk.core.domain import ActivityKind
from repdesk.services.common.undo import _capture_by_table, _capture_in_one
from repdesk.store.models import LeadRecord


@pytest.mark.integration
def test_one_round_trip_gives_the_rows_one_select_per_table_gives(postgres_url: str) -> None:
    ws = open_workspace(postgres_url)
    try:
        s = ws.services
        lead, _ = s.leads.create_lead(
            {"first_name": "Ada", "company": "Acme", "email": "ada@acme.example"}
        )
        with ws.sessions.begin() as session:
            record = session.get(LeadRecord, lead)
            assert record is not None
            record.tags = ["vip", "q4"]
        s.leads.log_activity(lead, ActivityKind.CALL, outcome="voicemail", body="left a message")
        run = s.qualifications.start_or_resume(lead)
        s.qualifications.save_draft(lead, {run.questions[0].key: None})
        other, _ = s.leads.create_lead({"first_name": "Bo", "company": "Bolt"})
        with ws.sessions() as session:
            by_table = _capture_by_table(session, [lead, other])
            in_one = _capture_in_one(session, [lead, other])
            assert in_one == by_table
            assert {len(by_table[name]) > 0 for name in by_table} == {True}
            assert _capture_in_one(session, []) == {name: {} for name in by_table}
        step = s.followups.list(lead_id=lead)[0]
        changes = s.followups.complete(step.id, outcome="no_answer")
        assert changes.undo is not None
        s.undo.undo(changes.undo)
        assert s.followups.list(lead_id=lead)[0].id == step.id  # pending again
    finally:
        ws.close()
