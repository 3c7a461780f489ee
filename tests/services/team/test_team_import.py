"""A rep imports a file on the team database: owners who are reps already are set; an owner who
is not a rep yet cannot be made by a rep (the database refuses adding reps), which is one clear
sentence and nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from repdesk.app import open_workspace
from repdesk.services.common.errors import UserError
from repdesk.store.models import LeadRecord, RepRecord
from tests.fixtures.team import Team

pytestmark = pytest.mark.integration


def test_a_rep_importing_a_new_owner_is_told_why_and_nothing_is_imported(
    team: Team, tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        "Name,Email,Contact owner\nAna Ruiz,ana@x.example,Ann Lee\nBo Chen,bo@x.example,Zoe Park\n",
        encoding="utf-8",
    )
    ann = open_workspace(team.url_for("ann"))
    try:
        with pytest.raises(UserError) as caught:
            ann.imports.import_files([path])
        assert str(caught.value) == (
            "The import names Zoe Park as an owner, who is not a rep yet, and only a manager can "
            "add reps; nothing was imported. Ask a manager to add them (or to import the file), "
            "or leave the owner empty."
        )
        with ann.sessions() as session:
            assert session.scalar(select(func.count(LeadRecord.id))) == 0
            assert session.scalar(select(RepRecord.id).where(RepRecord.name == "Zoe Park")) is None
    finally:
        ann.close()
