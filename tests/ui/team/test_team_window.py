"""The team in the window: who is signed in, a rep's read-only manager pages, and other clients'
changes in this window's inbox by themselves (SQLite and PostgreSQL), offline and back, and a
closing window that stops listening."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace, open_workspace
from repdesk.store.models import LeadRecord
from repdesk.ui.shell.main_window import MainWindow
from repdesk.ui.team.live_queue import GATHER_MS
from tests.fixtures.team import Team

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
# Generous on purpose: the two-second promise is measured by tests/bench/bench_team.py; these
# tests only prove that a change arrives by itself (a loaded machine must not make them flaky).
ARRIVES_MS = 10_000


def _add_lead(ws: Workspace, company: str) -> int:
    with ws.sessions.begin() as session:
        record = LeadRecord(
            first_name="Pat", company=company, received_at=NOW, created_at=NOW, updated_at=NOW
        )
        session.add(record)
        session.flush()
        return int(record.id)


def _inbox_companies(window: MainWindow) -> set[str]:
    model = window.pages["inbox"].model  # type: ignore[attr-defined]
    return {
        lead.company for row in range(model.rowCount()) if (lead := model.lead_at(row)) is not None
    }


def _window(qtbot: QtBot, ws: Workspace) -> MainWindow:
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_second_window_or_the_cli_on_the_same_file_shows_up_at_once(
    qtbot: QtBot, sqlite_url: str
) -> None:
    mine = open_workspace(sqlite_url)
    other = open_workspace(sqlite_url)
    try:
        window = _window(qtbot, mine)
        assert window.windowTitle() == "repdesk — test.sqlite3"  # solo: nobody to name
        lead = _add_lead(other, "Globex")
        qtbot.waitUntil(lambda: "Globex" in _inbox_companies(window), timeout=ARRIVES_MS)
        other.leads.update_lead(lead, {"company": "Globex Ltd"})
        qtbot.waitUntil(lambda: "Globex Ltd" in _inbox_companies(window), timeout=ARRIVES_MS)
        window.close()
    finally:
        other.close()
        mine.close()


def test_a_closing_window_stops_listening_and_applies_nothing_it_gathered(
    qtbot: QtBot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The feed's catch-up can arrive as the window closes; once closed, its workspace may be gone,
    # so a change gathered (or queued from the feed's thread) then must not reload any page.
    from repdesk.services.common.changes import Changes

    ws = open_workspace(sqlite_url)
    try:
        window = _window(qtbot, ws)
        applied: list[Changes] = []
        monkeypatch.setattr(window.pages["inbox"], "apply_changes", applied.append)
        window.live_queue.sig_changed.emit(Changes(leads=True), None)  # gathered, not applied yet
        window.close()
        window.live_queue.sig_changed.emit(Changes(leads=True), None)  # heard after closing
        qtbot.wait(3 * GATHER_MS)
        assert applied == []
    finally:
        ws.close()


def _assert_read_only_but_scrollable(qtbot: QtBot, window: MainWindow) -> None:
    """The script's lists and texts still scroll (they are enabled, not editable); the buttons and
    fields are disabled, also those of Settings' tabs, which are built when first shown."""
    from PySide6.QtWidgets import QAbstractSpinBox, QListWidget, QPlainTextEdit, QPushButton

    scripts = window.pages["scripts"]
    questions = scripts.findChild(QListWidget, "scriptQuestionList")
    rules = scripts.findChild(QPlainTextEdit, "scriptRules")
    assert questions.isEnabled() and rules.isEnabled() and rules.isReadOnly()
    assert not any(b.isEnabled() for b in scripts.findChildren(QPushButton))
    window.show_page("settings")
    settings = window.pages["settings"]
    qtbot.waitUntil(
        lambda: (
            bool(settings.findChildren(QAbstractSpinBox))
            and not any(w.isEnabled() for w in settings.findChildren(QAbstractSpinBox))
        )
    )
    window.show_page("inbox")


@pytest.mark.integration
def test_a_rep_is_named_sees_others_changes_live_and_reads_the_script_only(
    qtbot: QtBot, team: Team
) -> None:
    ann = open_workspace(team.url_for("ann"))
    ben = open_workspace(team.url_for("ben"))
    try:
        window = _window(qtbot, ann)
        who = f"Ann Lee ({team.logins['ann']}, rep)"
        assert window.windowTitle().startswith(f"repdesk — {who} — ")
        assert window.status_workspace.text().startswith(f"Signed in as {who}")
        banner = window.pages["scripts"].findChild(QLabel, "readOnlyBanner")
        assert banner is not None and "Only a manager can change" in banner.text()
        assert window.pages["inbox"].findChild(QLabel, "readOnlyBanner") is None
        _assert_read_only_but_scrollable(qtbot, window)
        # A rep may not change the sources: their window does not poll them (to be refused).
        assert getattr(window, "inquiry_watcher", None) is None
        lead = _add_lead(ben, "Initech")
        qtbot.waitUntil(lambda: "Initech" in _inbox_companies(window), timeout=ARRIVES_MS)
        ben.leads.update_lead(lead, {"company": "Initech Corp"})  # ben's unassigned lead edit
        qtbot.waitUntil(lambda: "Initech Corp" in _inbox_companies(window), timeout=ARRIVES_MS)
        window.close()
    finally:
        ben.close()
        ann.close()


@pytest.mark.integration
def test_a_lost_connection_says_offline_and_catches_up(qtbot: QtBot, team: Team) -> None:
    mia = open_workspace(team.url_for("mia"))
    owner = open_workspace(team.owner_url)
    try:
        window = _window(qtbot, mia)
        seen: list[bool] = []
        window.live_queue.sig_online_changed.connect(seen.append)
        status: QWidget = window.live_queue.status
        admin = team.owner_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            qtbot.waitUntil(
                lambda: (
                    conn.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE usename = %s "
                        "AND query = 'LISTEN repdesk'",
                        (team.logins["mia"],),
                    ).fetchone()
                    == (1,)
                ),
                timeout=ARRIVES_MS,
            )
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s "
                "AND query = 'LISTEN repdesk'",
                (team.logins["mia"],),
            )
        qtbot.waitUntil(lambda: seen[:1] == [False], timeout=ARRIVES_MS)
        _add_lead(owner, "Umbrella")  # made while the window was offline
        qtbot.waitUntil(lambda: seen == [False, True], timeout=ARRIVES_MS)
        assert not status.isVisible()
        qtbot.waitUntil(lambda: "Umbrella" in _inbox_companies(window), timeout=ARRIVES_MS)
        window.close()
    finally:
        owner.close()
        mia.close()


@pytest.mark.integration
def test_on_a_call_shows_in_the_other_window_which_asks_before_calling_too(
    qtbot: QtBot, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from repdesk.services.team.claims import TeamQueue
    from repdesk.services.team.identity import IdentityService

    mia = open_workspace(team.url_for("mia"))
    ann = open_workspace(team.url_for("ann"))
    try:
        lead = _add_lead(ann, "Hooli")
        window = _window(qtbot, mia)
        inbox = window.pages["inbox"]
        qtbot.waitUntil(lambda: "Hooli" in _inbox_companies(window), timeout=ARRIVES_MS)
        # Everyone's leads: Ann's claim keeps the lead in the list, so it stays in focus (a lead
        # the list no longer shows leaves the pane, issue 21).
        inbox.filters["owner"].setCurrentIndex(0)  # type: ignore[attr-defined]
        inbox.reload()  # type: ignore[attr-defined]
        model = inbox.model  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: any(model.lead_at(r).id == lead for r in range(model.rowCount())))
        row = next(r for r in range(model.rowCount()) if model.lead_at(r).id == lead)
        inbox.table.selectRow(row)  # type: ignore[attr-defined]  # the lead in focus
        ann_queue = TeamQueue(ann.sessions, IdentityService(ann.sessions))
        ann_queue.start_call(lead)  # Ann starts her call: the lead is hers now
        owner = inbox.detail.fields["owner"]  # type: ignore[attr-defined]
        qtbot.waitUntil(
            lambda: owner.text() == "Ann Lee · on a call with Ann Lee now", timeout=ARRIVES_MS
        )
        asked: list[str] = []

        def say_no(_parent: object, _title: str, text: str, *_args: object) -> object:
            asked.append(text)
            return QMessageBox.StandardButton.No

        monkeypatch.setattr(QMessageBox, "question", say_no)
        script = inbox.prepare_script_panel()  # type: ignore[attr-defined]
        script.start(lead)
        assert asked == ["Ann Lee is on a call with this lead — call anyway?"]
        assert script.run is None  # Mia did not start a second call
        ann_queue.end_call(lead)
        qtbot.waitUntil(lambda: owner.text() == "Ann Lee", timeout=ARRIVES_MS)
        window.close()
    finally:
        ann.close()
        mia.close()


@pytest.mark.integration
def test_a_reps_inbox_shows_mine_and_unassigned_first_and_everyone_on_request(
    qtbot: QtBot, team: Team
) -> None:
    owner = open_workspace(team.owner_url)
    ann = open_workspace(team.url_for("ann"))
    try:
        with owner.sessions.begin() as session:
            for company, who in (("Mine Co", "ann"), ("Free Co", None), ("Bens Co", "ben")):
                session.add(
                    LeadRecord(
                        first_name="Pat",
                        company=company,
                        owner_id=team.rep_ids[who] if who else None,
                        received_at=NOW,
                        created_at=NOW,
                        updated_at=NOW,
                    )
                )
        window = _window(qtbot, ann)
        box = window.pages["inbox"].filters["owner"]  # type: ignore[attr-defined]
        assert box.currentText() == "Mine + Unassigned"
        assert [box.itemText(i) for i in range(3)] == ["Everyone", "Mine + Unassigned", "Mine"]
        assert _inbox_companies(window) == {"Mine Co", "Free Co"}
        box.setCurrentIndex(0)
        box.activated.emit(0)
        assert _inbox_companies(window) == {"Mine Co", "Free Co", "Bens Co"}
        box.setCurrentIndex(box.findText("Mine"))
        box.activated.emit(box.currentIndex())
        assert _inbox_companies(window) == {"Mine Co"}
        window.close()
    finally:
        ann.close()
        owner.close()


@pytest.mark.integration
def test_a_rep_marks_themselves_away_from_the_file_menu_and_gets_back_what_nobody_took(
    qtbot: QtBot, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from repdesk.store.models import RepRecord
    from repdesk.ui.common.actions import ActionId

    owner = open_workspace(team.owner_url)
    ann = open_workspace(team.url_for("ann"))
    try:
        with owner.sessions.begin() as session:
            session.add(
                LeadRecord(
                    first_name="Pat",
                    company="Mine Co",
                    owner_id=team.rep_ids["ann"],
                    received_at=NOW,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        window = _window(qtbot, ann)
        action = window.actions_[ActionId.AWAY]
        assert action.isVisible() and action in window.file_menu.actions()
        asked: list[str] = []

        def say_yes(_parent: object, _title: str, text: str, *_args: object) -> object:
            asked.append(text)
            return QMessageBox.StandardButton.Yes

        monkeypatch.setattr(QMessageBox, "question", say_yes)
        action.trigger()
        assert asked and asked[0].startswith("You have 1 open lead. Put them back in the queue")
        message = window.statusBar().currentMessage()
        assert (
            message == "Ann Lee is away: routing hands them no leads; 1 open lead is in the queue."
        )

        def state() -> tuple[bool, int | None]:
            with owner.sessions() as session:
                away = session.get(RepRecord, team.rep_ids["ann"]).away  # type: ignore[union-attr]
                lead = session.query(LeadRecord).filter_by(company="Mine Co").one()
                return bool(away), lead.owner_id

        assert state() == (True, None)
        action.trigger()  # back: the lead nobody took is mine again
        assert state() == (False, team.rep_ids["ann"])
        assert window.statusBar().currentMessage() == (
            "Ann Lee is back: routing hands them leads again. "
            "1 lead you put in the queue that nobody took is yours again."
        )
        window.close()
    finally:
        ann.close()
        owner.close()


@pytest.mark.integration
def test_a_lead_a_colleague_claims_leaves_mine_and_unassigned_and_the_rep_is_told(
    qtbot: QtBot, team: Team
) -> None:
    owner = open_workspace(team.owner_url)
    ann = open_workspace(team.url_for("ann"))
    ben = open_workspace(team.url_for("ben"))
    try:
        ids = {}
        with owner.sessions.begin() as session:
            for first, company, minutes in (("Kim", "First Co", 20), ("Lou", "Second Co", 30)):
                record = LeadRecord(
                    first_name=first,
                    company=company,
                    received_at=NOW.replace(minute=minutes),
                    created_at=NOW,
                    updated_at=NOW,
                )
                session.add(record)
                session.flush()
                ids[company] = int(record.id)
        window = _window(qtbot, ann)
        inbox = window.pages["inbox"]
        assert inbox.filters["owner"].currentText() == "Mine + Unassigned"  # type: ignore[attr-defined]
        model = inbox.model  # type: ignore[attr-defined]
        row = next(r for r in range(model.rowCount()) if model.lead_at(r).id == ids["First Co"])
        inbox.table.selectRow(row)  # type: ignore[attr-defined]
        assert inbox.detail.lead_id == ids["First Co"]  # type: ignore[attr-defined]
        following = model.lead_at(row + 1)
        qtbot.wait(1500)  # the feed's first LISTEN (the known race above)
        from repdesk.core.domain import ActivityKind

        # Ben calls it, which claims it: no longer Ann's to take.
        ben.leads.log_activity(ids["First Co"], ActivityKind.CALL, outcome="voicemail")
        qtbot.waitUntil(lambda: "First Co" not in _inbox_companies(window), timeout=ARRIVES_MS)
        # The focus moved on to the lead that took its place, pane and highlight alike …
        assert following is not None
        assert inbox.detail.lead_id == following.id  # type: ignore[attr-defined]
        assert inbox.table.selectionModel().selectedRows()[0].row() == row  # type: ignore[attr-defined]
        # … and Ann is told why, and who is in focus now.
        message = window.undo_bar.message.text()
        assert window.undo_bar.isVisible()
        assert message == f"Kim is now Ben Okafor's lead · now on {following.display_name}"
        assert not window.undo_bar.button.isVisible()  # nothing of Ann's to undo
        window.close()
    finally:
        ben.close()
        ann.close()
        owner.close()


def test_changes_that_keep_coming_reload_a_window_at_most_once_a_second(
    qtbot: QtBot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twenty reps' commits must not keep every window re-reading its inbox: after a reload, what
    arrives next waits for the rest of REFRESH_EVERY_MS, then comes in one go."""
    from repdesk.services.common.changes import Changes
    from repdesk.ui.team.live_queue import REFRESH_EVERY_MS

    ws = open_workspace(sqlite_url)
    try:
        window = _window(qtbot, ws)
        applied: list[Changes] = []
        live = window.live_queue
        monkeypatch.setattr(live, "_apply", lambda changes, _ids: applied.append(changes))
        live.sig_changed.emit(Changes(leads=True), None)
        qtbot.waitUntil(lambda: len(applied) == 1, timeout=ARRIVES_MS)
        for _ in range(3):
            live.sig_changed.emit(Changes(follow_ups=True), frozenset({7}))
        qtbot.wait(REFRESH_EVERY_MS // 3)
        assert len(applied) == 1  # still within the second after the first reload
        qtbot.waitUntil(lambda: len(applied) == 2, timeout=ARRIVES_MS)
        assert applied[1] == Changes(follow_ups=True)  # the three in one
        window.close()
    finally:
        ws.close()
