"""Two real logins on a team database: a rep's Today starts on Mine + Unassigned and shows a
colleague's step only under Everyone (the sidebar's Today count follows the choice); Reports start
on the signed-in rep for a rep and on the whole team for a manager."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace, open_workspace
from repdesk.store.models import LeadRecord
from repdesk.ui.followups.today_page import TodayPage
from repdesk.ui.reports.reports_page import ReportsPage
from repdesk.ui.shell.main_window import MainWindow
from tests.fixtures.team import Team
from tests.ui.followups.test_today_owner import CHOICES, _pick

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def leads(team: Team) -> Iterator[dict[str, int]]:
    """A lead (with its first step, due now) of Ann's, Ben's and nobody's."""
    owner = open_workspace(team.owner_url, clock=lambda: NOW)
    found: dict[str, int] = {}
    with owner.sessions.begin() as session:
        for company, who in (("Anns Co", "ann"), ("Bens Co", "ben"), ("Free Co", None)):
            lead = LeadRecord(
                first_name="Pat",
                company=company,
                owner_id=team.rep_ids[who] if who else None,
                received_at=NOW - timedelta(hours=1),
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(lead)
            session.flush()
            found[company] = int(lead.id)
    owner.followups.ensure_all()
    owner.close()
    yield found


def _window(qtbot: QtBot, ws: Workspace) -> MainWindow:
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    return window


def _companies(page: TodayPage) -> set[str]:
    return {r.company for r in page.model.rows()}


def test_a_reps_today_shows_mine_and_unassigned_and_everyone_shows_a_colleagues_step(
    qtbot: QtBot, team: Team, leads: dict[str, int]
) -> None:
    ann = open_workspace(team.url_for("ann"), clock=lambda: NOW)
    try:
        window = _window(qtbot, ann)
        window.show_page("today")
        page: TodayPage = window.pages["today"]  # type: ignore[assignment]
        box = page.findChild(QComboBox, "todayOwner")
        assert box is not None
        assert [box.itemText(i) for i in range(box.count())] == CHOICES
        assert box.currentText() == "Mine + Unassigned"
        qtbot.waitUntil(lambda: _companies(page) == {"Anns Co", "Free Co"})
        assert window.sidebar.counts.get("today") == 2  # the sidebar counts the same steps
        _pick(qtbot, box, "Everyone")
        assert _companies(page) == {"Anns Co", "Bens Co", "Free Co"}
        assert window.sidebar.counts.get("today") == 3
        bens = next(r for r in page.model.rows() if r.company == "Bens Co")
        assert bens.owner == "Ben Okafor"
        _pick(qtbot, box, "Mine")
        assert _companies(page) == {"Anns Co"}
        assert window.sidebar.counts.get("today") == 1
        _pick(qtbot, box, "Unassigned")
        assert _companies(page) == {"Free Co"}
        assert window.sidebar.counts.get("today") == 1
        window.close()
    finally:
        ann.close()


def _report_rep(qtbot: QtBot, window: MainWindow) -> str:
    page: ReportsPage = window.pages["reports"]  # type: ignore[assignment]
    with qtbot.waitSignal(page.sig_report_loaded, timeout=20_000):
        window.show_page("reports")
    box = page.findChild(QComboBox, "reportRep")
    assert box is not None
    page.shutdown()
    return box.currentText()


def test_reports_start_on_me_for_a_rep_and_on_the_team_for_a_manager(
    qtbot: QtBot, team: Team, leads: dict[str, int]
) -> None:
    ann = open_workspace(team.url_for("ann"), clock=lambda: NOW)
    mia = open_workspace(team.url_for("mia"), clock=lambda: NOW)
    try:
        ann_window = _window(qtbot, ann)
        assert _report_rep(qtbot, ann_window) == "Ann Lee"
        ann_report = ann_window.pages["reports"].report  # type: ignore[attr-defined]
        assert ann_report is not None and ann_report.owner == "Ann Lee"
        mia_window = _window(qtbot, mia)
        assert _report_rep(qtbot, mia_window) == "Whole team"
        mia_report = mia_window.pages["reports"].report  # type: ignore[attr-defined]
        assert mia_report is not None and mia_report.owner is None
        # The rep can still look at the whole team: the chooser is a keyboard pick away.
        box = ann_window.pages["reports"].findChild(QComboBox, "reportRep")
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Home)
        assert box.currentText() == "Whole team"
        ann_window.close()
        mia_window.close()
    finally:
        mia.close()
        ann.close()
