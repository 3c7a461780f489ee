"""A manager marks any rep away or back from Settings ▸ Reps (a real manager login); a rep's
Settings are read-only, and the database refuses a rep's raw UPDATE of another rep's flag."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QTabWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from repdesk.app import open_workspace
from repdesk.store.models import LeadRecord, RepRecord
from repdesk.ui.shell.main_window import MainWindow
from repdesk.ui.team.reps_panel import RepsPanel
from tests.fixtures.team import Team

pytestmark = pytest.mark.integration


def _reps_tab(qtbot: QtBot, window: MainWindow) -> RepsPanel:
    window.show_page("settings")
    tabs = window.findChild(QTabWidget, "settingsTabs")
    assert tabs is not None
    tabs.setCurrentIndex([tabs.tabText(i) for i in range(tabs.count())].index("Reps and capacity"))
    panel = window.findChild(RepsPanel, "repsPanel")
    assert panel is not None
    return panel


def _select(panel: RepsPanel, name: str) -> None:
    rows = [panel.model.rep_at(r) for r in range(panel.model.rowCount())]
    panel.table.selectRow([r.name if r else "" for r in rows].index(name))


def _away(team: Team, who: str) -> bool:
    ws = open_workspace(team.owner_url)
    try:
        with ws.sessions() as session:
            return bool(
                session.scalar(select(RepRecord.away).where(RepRecord.id == team.rep_ids[who]))
            )
    finally:
        ws.close()


def test_a_manager_marks_another_rep_away_and_back_from_the_reps_tab(
    qtbot: QtBot, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = open_workspace(team.owner_url)
    with owner.sessions.begin() as session:
        now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
        session.add(
            LeadRecord(
                first_name="Pat",
                owner_id=team.rep_ids["ben"],
                received_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    owner.close()
    mia = open_workspace(team.url_for("mia"))
    try:
        window = MainWindow(mia)
        qtbot.addWidget(window)
        window.show()
        panel = _reps_tab(qtbot, window)
        button = panel.findChild(QPushButton, "repAway")
        assert button is not None and button.isVisible()
        _select(panel, "Ben Okafor")
        assert button.isEnabled() and button.text() == "Mark away"
        monkeypatch.setattr(
            QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes
        )
        button.click()
        assert _away(team, "ben")
        assert panel.said.text() == (
            "Ben Okafor is away: routing hands them no leads; 1 open lead is in the queue."
        )
        assert button.text() == "Mark back"  # Ben is still selected, now away
        button.click()
        assert not _away(team, "ben")
        assert panel.said.text() == "Ben Okafor is back: routing hands them leads again."
        window.close()
    finally:
        mia.close()


def test_a_reps_reps_tab_cannot_mark_anyone_away(qtbot: QtBot, team: Team) -> None:
    ann = open_workspace(team.url_for("ann"))
    try:
        window = MainWindow(ann)
        qtbot.addWidget(window)
        window.show()
        panel = _reps_tab(qtbot, window)
        _select(panel, "Ben Okafor")
        qtbot.waitUntil(lambda: not panel.away_button.isEnabled())  # the page is read-only
        # Even asked directly, the database keeps Ben's flag: the service says so in a sentence.
        panel.toggle_away()
        assert panel.said.text() == (
            "Only a manager can mark Ben Okafor away or back; nothing was changed."
        )
        assert not _away(team, "ben")
        window.close()
    finally:
        ann.close()
