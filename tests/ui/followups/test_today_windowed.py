"""Today and the calendar on a busy day: the lists are lazy windows (only the pages on screen are
held), the week view draws a few steps per quarter hour with a "+N" chip for the rest, and the
models pass qtmodeltester."""

from __future__ import annotations

import tracemalloc
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from repdesk.app import Workspace, open_workspace
from repdesk.ui.calendar.calendar_page import CalendarPage
from repdesk.ui.followups.followup_table_model import MAX_PAGES, PAGE
from repdesk.ui.followups.today_page import TodayPage
from repdesk.ui.shell.pages import calendar_services, today_services
from tests.fixtures.workspace import FakeClock
from tests.services.followups.test_step_windows import NOW, add_steps


def busy_workspace(url: str, steps: int) -> Workspace:
    ws = open_workspace(url, clock=FakeClock(NOW))
    ws.settings.set("timezone", "Europe/Berlin")
    zone = ZoneInfo("Europe/Berlin")
    ten = datetime.combine(NOW.astimezone(zone).date(), time(10, 0), zone)
    add_steps(ws, [ten + timedelta(seconds=7 * i) for i in range(steps)])
    return ws


def test_today_holds_only_the_pages_on_screen(qtbot: QtBot, sqlite_url: str, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    ws = busy_workspace(sqlite_url, 6000)
    try:
        page = TodayPage(today_services(ws.services))
        qtbot.addWidget(page)
        page.resize(1400, 900)
        page.show()
        page.activate()
        model = page.model
        # The steps under their headings: NOW (16:00 in Berlin) falls among them.
        overdue = sum(1 for i in range(6000) if 7 * i < 6 * 3600)
        headings = [model.data(model.index(r, 0)) for r in model.heading_rows()]
        assert headings == [f"OVERDUE · {overdue:,}", f"TODAY · {6000 - overdue:,}"]
        assert model.rowCount() == 6000 + 2
        qtmodeltester.check(model)
        page.table.scrollToBottom()
        page.table.viewport().grab()
        last = model.row_at(model.rowCount() - 1)
        assert last is not None and last.lead_name == "P5999 Q"
        for row in range(0, model.rowCount(), PAGE):  # a rep paging through the whole list
            model.row_at(row)
        assert model.cached_rows() <= MAX_PAGES * PAGE
        qtbot.waitUntil(lambda: "6,000 open leads have a next step" in page.coverage_label.text())
    finally:
        ws.close()


def test_selecting_the_first_step_does_not_walk_every_row(qtbot: QtBot, sqlite_url: str) -> None:
    """The selection lands on the first step below a heading without a list of every row number
    (on a busy million-lead day that list alone was 26 MiB: tests/bench/bench_scale.py)."""
    ws = busy_workspace(sqlite_url, 6000)
    try:
        page = TodayPage(today_services(ws.services))
        qtbot.addWidget(page)
        page.reload()
        assert 0 in page.model.heading_rows()
        tracemalloc.start()
        try:
            page.table.clearSelection()
            page._select(0)  # the heading: the step below it is selected
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert page.current_row() is not None and page.table.currentIndex().row() == 1
        assert peak < 100_000, peak  # 12,000 row numbers in a list: about 430 kB
    finally:
        ws.close()


def test_the_week_view_folds_a_busy_quarter_hour_into_a_chip(
    qtbot: QtBot, sqlite_url: str, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    ws = busy_workspace(sqlite_url, 900)  # 10:00 to 11:45: about 128 steps a quarter hour
    try:
        page = CalendarPage(calendar_services(ws.services))
        qtbot.addWidget(page)
        page.resize(1400, 900)
        page.show()
        day = NOW.astimezone(ZoneInfo("Europe/Berlin")).date()
        assert page.month.count_on(day) == 900
        page.set_mode("week")
        assert page.model.rowCount() == 900  # the agenda: every step of the week, by window
        assert "900 steps" in page.agenda_title.text()
        qtmodeltester.check(page.model)
        week = page.week
        assert len(week.rows) <= 4 * 8  # four read per quarter hour, eight quarter hours
        chips = week.chips()
        assert chips and week.drawn() + sum(n for _rect, n in chips) == 900
        assert all(rect.width() > 10 for rect, _n in chips)
    finally:
        ws.close()
