"""While the window stays open, expired verdicts get their re-qualify steps (the hourly check runs
off the GUI thread and the pages refresh)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from repdesk.app import open_workspace
from repdesk.services.followups.requalify import REQUALIFY_NOTE
from repdesk.store.locations import resolve_url
from repdesk.ui.followups.requalify_timer import INTERVAL_MS
from repdesk.ui.shell.main_window import MainWindow
from tests.fixtures.workspace import FakeClock
from tests.services.script.test_qualification_service import QUALIFIED, add_lead


def test_an_open_window_plans_requalifications_as_verdicts_expire(
    qtbot: QtBot, tmp_path: Path
) -> None:
    clock = FakeClock()
    workspace = open_workspace(resolve_url(str(tmp_path / "w.sqlite3")), clock=clock)
    lead_id = add_lead(workspace)
    workspace.qualifications.finish(lead_id, {**QUALIFIED, "authority": "influences"})
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    timer = window.requalify_timer
    assert timer.findChild(QTimer).interval() == INTERVAL_MS
    clock.now += timedelta(days=91)  # the app stayed open for three months
    with qtbot.waitSignal(timer.sig_leads_requalified, timeout=10_000) as caught:
        timer.check_now()
    assert caught.args == [1]
    notes = [r.note for r in workspace.followups.list("all") if r.lead_id == lead_id]
    assert notes == [REQUALIFY_NOTE]
    with qtbot.assertNotEmitted(timer.sig_leads_requalified, wait=500):
        timer.check_now()  # once per expiry
    qtbot.waitUntil(lambda: not timer.busy)
    window.close()
    workspace.close()
