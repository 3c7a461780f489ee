"""Two real logins on one step, in the Today page: a move or a completion from a stale view is one
sentence, and the step stays as the other rep left it (nothing logged twice)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from repdesk.app import Workspace
from repdesk.store.models import ActivityRecord
from repdesk.ui.followups.today_page import TodayPage
from repdesk.ui.shell.pages import today_services
from tests.fixtures.team import Team
from tests.services.team.test_no_lost_updates import NOW, add_team_lead
from tests.ui.team.conftest import Login, boxes_answered

pytestmark = pytest.mark.integration


@pytest.fixture
def two(login: Login) -> tuple[Workspace, Workspace]:
    return login("ann", clock=lambda: NOW), login("mia", clock=lambda: NOW)


def _page(qtbot: QtBot, ws: Workspace, lead_id: int) -> TodayPage:
    """Ann's Today, on her step (no live feed: the view stays as she saw it)."""
    page = TodayPage(today_services(ws.services))
    qtbot.addWidget(page)
    page.show()
    page.activate()
    step = ws.followups.list(lead_id=lead_id)[0]
    page.table.selectRow(page.model.row_of(step.id))
    page.table.setFocus()
    return page


def test_snoozing_a_step_someone_moved_meanwhile_is_one_sentence(
    qtbot: QtBot, team: Team, two: tuple[Workspace, Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, mia = two
    lead = add_team_lead(ann, team.rep_ids["ann"])
    page = _page(qtbot, ann, lead)
    seen = ann.followups.list(lead_id=lead)[0]
    # Mia moves it away and back: the same time, yet not the step Ann saw.
    mia.followups.move(seen.id, NOW + timedelta(days=2))
    mia.followups.move(seen.id, seen.due_at)
    said = boxes_answered(monkeypatch, "warning", QMessageBox.StandardButton.Ok)
    qtbot.keyClick(page.table, Qt.Key.Key_S)
    assert len(said) == 1
    assert said[0].startswith("Mia Novak changed this step meanwhile (it is due ")
    assert said[0].endswith("; nothing was changed.")
    assert mia.followups.list(lead_id=lead)[0].due_at == seen.due_at


def test_completing_a_step_someone_completed_logs_nothing_twice(
    qtbot: QtBot, team: Team, two: tuple[Workspace, Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, mia = two
    lead = add_team_lead(ann, team.rep_ids["ann"])
    page = _page(qtbot, ann, lead)
    step = ann.followups.list(lead_id=lead)[0]
    assert step.kind == "call"
    mia.followups.complete(step.id, outcome="voicemail")
    said = boxes_answered(monkeypatch, "warning", QMessageBox.StandardButton.Ok)
    qtbot.keyClick(page.table, Qt.Key.Key_D)
    qtbot.keyClick(page.table, Qt.Key.Key_2)  # voicemail
    assert len(said) == 1
    assert said[0].startswith("Mia Novak already completed this step at ")
    assert said[0].endswith("; nothing was logged twice.")
    with mia.sessions() as session:
        calls = session.scalar(
            select(func.count(ActivityRecord.id)).where(
                ActivityRecord.lead_id == lead, ActivityRecord.kind == "call"
            )
        )
    assert calls == 1
