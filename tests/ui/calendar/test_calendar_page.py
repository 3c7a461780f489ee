"""Calendar page: month counts and agenda, dragging a step in the week view moves it, export dialog,
CalDAV panel."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace
from repdesk.services.settings.secrets import SecretStore
from repdesk.store.models import FollowUpRecord, LeadRecord, RepRecord
from repdesk.ui.calendar.caldav_panel import CalDavPanel
from repdesk.ui.calendar.calendar_page import CalendarPage
from repdesk.ui.followups.followup_dialogs import ExportDialog
from repdesk.ui.shell.pages import calendar_services, export_services
from tests.fixtures.workspace import FakeClock
from tests.services.calendar.test_caldav_sync import MemoryKeyring, caldav_sync


def seed(ws: Workspace, count: int = 3) -> list[int]:
    ws.settings.set("timezone", "America/New_York")
    now = ws.clock()
    ids = []
    with ws.sessions.begin() as session:
        rep = RepRecord(name="Sam Ortiz")
        session.add(rep)
        session.flush()
        for i in range(count):
            lead = LeadRecord(
                first_name=f"Lead{i}",
                last_name="Test",
                company=f"Co {i}",
                status="contacted",
                owner_id=rep.id if i == 0 else None,
                received_at=now,
                created_at=now,
                updated_at=now,
                extra={},
                edited_fields=[],
            )
            session.add(lead)
            session.flush()
            ws.followups.planner.sync(session, lead, now)
            ids.append(lead.id)
    return ids


def page_for(qtbot: QtBot, ws: Workspace) -> CalendarPage:
    page = CalendarPage(calendar_services(ws.services))
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    return page


def test_month_shows_counts_and_the_agenda_of_the_selected_day(
    qtbot: QtBot, workspace: Workspace, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    seed(workspace)
    rows = workspace.followups.list()
    page = page_for(qtbot, workspace)
    assert page.objectName() == "calendarView"
    day = rows[0].due_at.astimezone(workspace.zone()).date()
    assert page.month.count_on(day) == sum(
        1 for r in rows if r.due_at.astimezone(workspace.zone()).date() == day
    )
    page.month.setSelectedDate(day)
    assert [r.id for r in page.model.rows()] == [
        r.id for r in rows if r.due_at.astimezone(workspace.zone()).date() == day
    ]
    qtmodeltester.check(page.model)
    page.rep.setCurrentIndex(page.rep.findData("Sam Ortiz"))
    page.rep.activated.emit(page.rep.currentIndex())
    assert {r.lead_name for r in page.model.rows()} <= {"Lead0 Test"}


def test_the_day_name_row_is_only_as_tall_as_its_text(qtbot: QtBot, workspace: Workspace) -> None:
    from PySide6.QtWidgets import QTableView

    page = page_for(qtbot, workspace)
    view = page.findChild(QTableView, "qt_calendar_calendarview")
    assert view is not None
    assert (
        view.rowHeight(0) < view.rowHeight(1) / 2
    )  # the week rows share the height, not the names


def test_dragging_a_step_in_the_week_view_reschedules_it(
    qtbot: QtBot, workspace: Workspace, clock: FakeClock
) -> None:
    seed(workspace, 1)
    [row] = workspace.followups.list()
    page = page_for(qtbot, workspace)
    page.month.setSelectedDate(row.due_at.astimezone(workspace.zone()).date())
    page.set_mode("week")
    week = page.week
    rect = week.block_rect(row.id)
    assert rect is not None
    start = rect.center().toPoint()
    local = row.due_at.astimezone(workspace.zone())
    # One column to the right (next day) or left on Sundays, and one hour down.
    columns = -1 if local.weekday() == 6 else 1
    target = start + QPoint(int(week.day_width()) * columns, int(week.hour_height()))
    with qtbot.waitSignal(page.sig_followups_changed):
        qtbot.mousePress(week, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(week, start + QPoint(10 * columns, 10))
        qtbot.mouseMove(week, target)
        qtbot.mouseRelease(week, Qt.MouseButton.LeftButton, pos=target)
    with workspace.sessions() as session:
        record = session.get(FollowUpRecord, row.id)
        assert record is not None
        moved = record.due_at.astimezone(workspace.zone())
        lead = session.get(LeadRecord, row.lead_id)
        assert lead is not None and lead.next_follow_up_at == record.due_at
    assert moved - local == timedelta(days=columns, hours=1)
    assert record.sequence == 1
    assert page.model.row_of(row.id) >= 0  # the agenda shows the moved step


def test_export_button_and_menu_action_open_the_export_dialog(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    seed(workspace)
    page = page_for(qtbot, workspace)
    button = page.findChild(QPushButton, "exportIcsButton")
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.window().findChild(ExportDialog, "exportIcsDialog") or next(
        w for w in page.findChildren(QDialog) if isinstance(w, ExportDialog)
    )
    assert dialog.isVisible()
    dialog.path.setText(str(tmp_path / "out.ics"))
    dialog.all_dates.setChecked(True)
    dialog.alarm.setValue(7)
    with qtbot.waitSignal(dialog.sig_exported, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].events == 3
    text = (tmp_path / "out.ics").read_text(encoding="utf-8")
    assert text.count("BEGIN:VEVENT") == 3 and "TRIGGER:-PT7M" in text


def test_export_dialog_reports_an_unwritable_file(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    seed(workspace)
    dialog = ExportDialog(export_services(workspace.services))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(tmp_path / "missing" / "out.ics"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=10_000)
    assert dialog.status.text().startswith("The calendar file cannot be written")
    assert dialog.isVisible()


def test_export_can_be_cancelled_and_the_dialog_stays(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    import time

    seed(workspace)
    dialog = ExportDialog(export_services(workspace.services))
    qtbot.addWidget(dialog)
    dialog.show()
    reports: list[int] = []

    def slow_export(path: Path, flt: object, *, alarm_minutes: int, progress: object) -> None:
        for done in range(1, 2000):  # reports until the Cancel makes a report raise
            progress(done, 2000)  # type: ignore[operator]
            reports.append(done)
            time.sleep(0.005)
        raise AssertionError("the export was not cancelled")

    dialog.services.calendar.export = slow_export  # type: ignore[method-assign]
    dialog.path.setText(str(tmp_path / "out.ics"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(reports) >= 3, timeout=5000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc (or the Cancel button) stops the export
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=5000)
    assert dialog.status.text() == "Export cancelled; no file was written."
    assert dialog.isVisible() and len(reports) < 1999
    dialog.reject()  # nothing running now: the dialog closes
    assert not dialog.isVisible()


def test_main_window_action_opens_the_export_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    from repdesk.ui import build_main_window
    from repdesk.ui.common.actions import ActionId

    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    window.actions_[ActionId.EXPORT_ICS].trigger()
    dialogs = [w for w in window.findChildren(QWidget) if isinstance(w, ExportDialog)]
    assert dialogs and dialogs[-1].isVisible()
    dialogs[-1].reject()


def caldav_panel(qtbot: QtBot, workspace: Workspace, url: str) -> CalDavPanel:
    """The panel filled in for the test server (the password goes to an in-memory keyring)."""
    panel = CalDavPanel(caldav_sync(workspace, SecretStore(MemoryKeyring())))
    qtbot.addWidget(panel)
    panel.show()
    panel.url.setText(url)
    panel.username.setText("rep")
    panel.password.setText("secret")
    return panel


@pytest.mark.integration
def test_caldav_panel_pushes_to_radicale(
    qtbot: QtBot, workspace: Workspace, radicale_url: str
) -> None:
    seed(workspace, 2)
    panel = caldav_panel(qtbot, workspace, radicale_url)
    with qtbot.waitSignal(panel.sig_result_changed, timeout=30_000) as blocker:
        qtbot.mouseClick(panel.push_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].startswith("Pushed to repdesk follow-ups: 2 new"), blocker.args[0]
    assert panel.password.text() == "" and workspace.settings.get("caldav_url") == radicale_url


@pytest.mark.integration
def test_a_push_can_be_cancelled_and_the_next_push_finishes_it(
    qtbot: QtBot, workspace: Workspace, radicale_url: str
) -> None:
    from tests.services.calendar.test_caldav_sync import server_events

    seed(workspace, 40)
    panel = caldav_panel(qtbot, workspace, radicale_url)
    panel.push()
    assert panel.cancel_button.isVisible() and panel.task is not None
    panel.task.signals.sig_progressed.connect(lambda _done, _total: panel.cancel())
    with qtbot.waitSignal(panel.sig_result_changed, timeout=60_000) as blocker:
        pass
    assert blocker.args[0].startswith("Push cancelled"), blocker.args[0]
    assert not panel.cancel_button.isVisible() and panel.push_button.isEnabled()
    assert 0 < len(server_events(radicale_url)) < 40
    with qtbot.waitSignal(panel.sig_result_changed, timeout=60_000) as blocker:
        panel.push()
    assert blocker.args[0].startswith("Pushed to repdesk follow-ups"), blocker.args[0]
    assert len(server_events(radicale_url)) == 40


def test_a_narrow_week_block_never_shows_a_cut_off_time(qtbot: QtBot) -> None:
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QWidget

    from repdesk.ui.calendar.week_view import block_text

    metrics = QFontMetrics(QWidget().font())
    seen = set()
    for room in range(0, 240, 3):
        text = block_text(metrics, "09:45", "☎", "Priya Fischer", room)
        assert metrics.horizontalAdvance(text) <= room or text == ""
        assert text in ("", "☎", "09:45", "09:45 ☎") or text.startswith("09:45 ☎ Pri"), text
        seen.add(text)
    assert {"☎", "09:45", "09:45 ☎", "09:45 ☎ Priya Fischer"} <= seen
