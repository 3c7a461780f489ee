"""Editing a lead: valid input is saved normalised, invalid input is one sentence and saves
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repdesk.app import Workspace
from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.services.common.errors import UserError
from repdesk.services.leads.lead_service import EDITABLE

#: The edit dialog's text fields (the extension goes with the phone).
FIELDS = tuple(field for field in EDITABLE if field != "phone_ext")


def one_lead(ws: Workspace, tmp_path: Path) -> int:
    path = tmp_path / "one.csv"
    path.write_text(
        "Name,Email,Phone,Company\nAna Ruiz,ana@x.example,555-010-7777,Ruiz Co\n", encoding="utf-8"
    )
    ws.imports.import_files([path])
    return ws.leads.list_leads()[0].id


def snapshot(ws: Workspace, lead_id: int) -> tuple[object, ...]:
    lead = ws.leads.detail(lead_id).lead
    return tuple(getattr(lead, f) for f in FIELDS if hasattr(lead, f))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=40), max_size=5))
def test_an_edit_is_all_or_nothing(
    workspace: Workspace, tmp_path: Path, values: dict[str, str]
) -> None:
    lead_id = (
        workspace.leads.list_leads()[0].id
        if workspace.leads.count()
        else one_lead(workspace, tmp_path)
    )
    before = snapshot(workspace, lead_id)
    try:
        workspace.leads.update_lead(lead_id, values)
    except UserError as exc:
        assert str(exc).endswith(".") and "\n" not in str(exc)
        assert snapshot(workspace, lead_id) == before
        return
    after = workspace.leads.detail(lead_id).lead
    for key, value in values.items():
        stored = getattr(after, key, None)
        if key == "email" and value.strip():
            assert stored == value.strip().lower()
        elif key == "phone" and value.strip():
            assert stored.startswith("+")
        elif stored is not None:
            assert stored == value.strip()


def test_invalid_email_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    lead_id = one_lead(workspace, tmp_path)
    with pytest.raises(UserError, match="not a valid email"):
        workspace.leads.update_lead(lead_id, {"email": "ana at example", "company": "Changed"})
    assert workspace.leads.detail(lead_id).lead.company == "Ruiz Co"


def test_an_unanswered_call_is_a_first_response_but_not_contact(
    workspace: Workspace, tmp_path: Path
) -> None:
    lead_id = one_lead(workspace, tmp_path)
    workspace.leads.log_activity(lead_id, ActivityKind.CALL, outcome="no_answer")
    lead = workspace.leads.detail(lead_id).lead
    assert lead.first_response_at is not None and lead.status == LeadStatus.NEW.value
    workspace.leads.log_activity(lead_id, ActivityKind.CALL, outcome="connected")
    assert workspace.leads.detail(lead_id).lead.status == LeadStatus.CONTACTED.value
