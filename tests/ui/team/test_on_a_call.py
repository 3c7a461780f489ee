"""On a call (issue 16.4), with real logins: while Ann is on a call with a lead, Mia's window shows
it on the lead's inbox row and in the detail, asks before calling too, and stops showing it when
Ann's call ends, is discarded, her window closes, or her client crashed and its lease ran out. A
solo file shows nothing of the kind."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace, open_workspace
from repdesk.services.team.claims import TeamQueue
from repdesk.services.team.identity import IdentityService
from repdesk.ui.inbox.inbox_page import InboxPage
from repdesk.ui.inbox.lead_table_model import COLUMNS
from repdesk.ui.shell.main_window import MainWindow
from tests.ui.team.conftest import Login, boxes_answered
from tests.ui.team.test_team_window import ARRIVES_MS, _add_lead, _window

STATUS = COLUMNS.index("Status")


def _inbox(window: MainWindow) -> InboxPage:
    page = window.pages["inbox"]
    assert isinstance(page, InboxPage)
    return page


def _status_cell(page: InboxPage, lead: int) -> str | None:
    row = page.row_of(lead)
    return None if row < 0 else page.model.index(row, STATUS).data()


def _everyone(qtbot: QtBot, page: InboxPage, lead: int) -> None:
    """Everyone's leads (a colleague's claim keeps the lead listed), the lead in focus."""
    qtbot.waitUntil(lambda: page.filters["owner"].count() > 1, timeout=ARRIVES_MS)
    page.filters["owner"].setCurrentIndex(0)
    page.reload()
    qtbot.waitUntil(lambda: page.row_of(lead) >= 0, timeout=ARRIVES_MS)
    page.table.selectRow(page.row_of(lead))


@pytest.fixture
def mia(login: Login) -> Workspace:
    return login("mia")


def _watching(qtbot: QtBot, mia: Workspace, company: str) -> tuple[int, MainWindow, InboxPage]:
    """A new lead of `company`, in focus on Mia's inbox (everyone's leads): its id, her window."""
    lead = _add_lead(mia, company)
    window = _window(qtbot, mia)
    page = _inbox(window)
    _everyone(qtbot, page, lead)
    return lead, window, page


@pytest.mark.integration
def test_the_row_shows_who_is_on_a_call_and_a_crashed_clients_marker_ends_by_itself(
    qtbot: QtBot, login: Login, mia: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, window, page = _watching(qtbot, mia, "Initech")
    # Ann's client, with a short lease (its setting): it starts the call, then crashes (it
    # renews nothing, and nothing tells the others when the lease runs out).
    ann = login("ann")
    TeamQueue(ann.sessions, IdentityService(ann.sessions), lease_ms=1500).start_call(lead)
    qtbot.waitUntil(lambda: _status_cell(page, lead) == "☎ on a call · Ann Lee", timeout=ARRIVES_MS)
    tip = page.model.index(page.row_of(lead), STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Ann Lee is on a call with this lead now (status new)."
    owner = page.detail.fields["owner"]
    assert owner.text() == "Ann Lee · on a call with Ann Lee now"
    asked = boxes_answered(monkeypatch, "question", QMessageBox.StandardButton.No)
    script = page.prepare_script_panel()
    script.start(lead)
    assert asked == ["Ann Lee is on a call with this lead — call anyway?"]
    assert script.run is None  # Mia did not start a second call
    # The crash: the row and the detail go back by themselves once the lease is over.
    qtbot.waitUntil(lambda: _status_cell(page, lead) == "new", timeout=ARRIVES_MS)
    assert owner.text() == "Ann Lee"
    assert page.model.on_call(lead) is None
    window.close()


@pytest.mark.integration
def test_discarding_the_call_or_closing_the_window_clears_the_marker_at_once(
    qtbot: QtBot, login: Login, mia: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, watcher, page = _watching(qtbot, mia, "Hooli")
    ann = login("ann")
    calling = _window(qtbot, ann)
    theirs = _inbox(calling)
    _everyone(qtbot, theirs, lead)
    script = theirs.prepare_script_panel()
    script.start(lead)  # Ann's window: the lead is hers now, and she is on the phone
    assert script.run is not None
    qtbot.waitUntil(lambda: _status_cell(page, lead) == "☎ on a call · Ann Lee", timeout=ARRIVES_MS)
    script._discard()  # no call happened
    qtbot.waitUntil(lambda: _status_cell(page, lead) == "new", timeout=ARRIVES_MS)
    script.start(lead)
    qtbot.waitUntil(lambda: _status_cell(page, lead) == "☎ on a call · Ann Lee", timeout=ARRIVES_MS)
    calling.close()  # mid-call: the others stop seeing it now, not after the lease
    qtbot.waitUntil(lambda: _status_cell(page, lead) == "new", timeout=ARRIVES_MS)
    watcher.close()


def test_a_solo_file_shows_no_call_marker_and_asks_nothing(
    qtbot: QtBot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = open_workspace(sqlite_url), open_workspace(sqlite_url)
    try:
        lead = _add_lead(one, "Globex")
        first, second = _window(qtbot, one), _window(qtbot, two)
        a, b = _inbox(first), _inbox(second)
        for page in (a, b):
            qtbot.waitUntil(lambda page=page: page.row_of(lead) >= 0, timeout=ARRIVES_MS)
            page.table.selectRow(page.row_of(lead))
        a.prepare_script_panel().start(lead)
        b.reload()
        assert b.model.on_call(lead) is None
        assert _status_cell(b, lead) == "new"
        asked = boxes_answered(monkeypatch, "question", QMessageBox.StandardButton.No)
        script = b.prepare_script_panel()
        script.start(lead)
        assert asked == [] and script.run is not None  # the same person in two windows
        first.close()
        second.close()
    finally:
        one.close()
        two.close()
