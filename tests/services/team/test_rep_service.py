"""Reps: add, edit, remove with validation; removing a rep unassigns their leads."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from repdesk.app import Workspace
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.team.rep_service import RepRow, RepService
from repdesk.store.models import LeadRecord
from tests.fixtures.workspace import FIXED_NOW

GOOD = RepRow(None, "  Sam   Ortiz ", "Sam@Example.COM", 40, "09:00", "17:30", True)


def test_add_list_edit_remove(workspace: Workspace) -> None:
    reps = RepService(workspace.sessions)
    rep_id = reps.add(GOOD)
    [row] = reps.list()
    assert (
        row.id,
        row.name,
        row.email,
        row.monthly_capacity,
        row.work_start,
        row.work_end,
        row.active,
    ) == (rep_id, "Sam Ortiz", "sam@example.com", 40, "09:00", "17:30", True)
    reps.update(replace(row, monthly_capacity=25, active=False, email=""))
    [row] = reps.list()
    assert (row.monthly_capacity, row.active, row.email) == (25, False, "")
    with workspace.sessions.begin() as s:
        lead = s.execute(
            insert(LeadRecord)
            .values(
                first_name="A",
                received_at=FIXED_NOW - timedelta(days=1),
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
                extra={},
                edited_fields=[],
                owner_id=rep_id,
            )
            .returning(LeadRecord.id)
        ).scalar_one()
    assert reps.list()[0].open_leads == 1
    assert reps.remove(rep_id).reps
    assert reps.list() == []
    with workspace.sessions() as s:
        assert s.scalar(select(LeadRecord.owner_id).where(LeadRecord.id == lead)) is None
    with pytest.raises(NotFoundError):
        reps.remove(rep_id)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": "   "}, "needs a name"),
        ({"email": "not-an-email"}, "not a valid email"),
        ({"monthly_capacity": -1}, "between 0 and"),
        ({"monthly_capacity": 10_001}, "between 0 and"),
        ({"work_start": "9"}, "like 09:00"),
        ({"work_end": "24:00"}, "like 09:00"),
        ({"work_start": "18:00", "work_end": "09:00"}, "end after they start"),
        ({"work_start": "09:00", "work_end": "09:00"}, "end after they start"),
    ],
)
def test_validation(workspace: Workspace, change: dict[str, object], message: str) -> None:
    with pytest.raises(UserError, match=message):
        RepService(workspace.sessions).add(replace(GOOD, **change))  # type: ignore[arg-type]
    assert RepService(workspace.sessions).list() == []


def test_names_are_unique_regardless_of_case(workspace: Workspace) -> None:
    reps = RepService(workspace.sessions)
    reps.add(GOOD)
    other = reps.add(replace(GOOD, name="Kim Lee", email=""))
    with pytest.raises(UserError, match="already a rep named"):
        reps.add(replace(GOOD, name="sam ortiz"))
    with pytest.raises(UserError, match="already a rep named"):
        reps.update(replace(GOOD, id=other, name="SAM ORTIZ"))
    reps.update(
        replace(GOOD, id=other, name="Kim Lee", monthly_capacity=0)
    )  # keeping its own name is fine
