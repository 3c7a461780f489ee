"""Fits a laptop: at 1024×640 and 1280×720 the Inbox (with a call open and without), the Scripts,
Calendar and Reports pages and the Import dialog's preview show every named widget whole (its
visible rect is not smaller than its size hint; inside a page that scrolls, vertical scrolling
reveals the rest, but nothing is cut sideways); a named table shows each column's heading whole,
above its values and aligned as they are, and the values in view whole; a named list shows its
items whole, without scrolling sideways; a lead with long names, addresses and links fits too, and
an address that wraps breaks only where an address may (before "@" or ".", after "-")."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.helpers import copy_demo, ctrl, key, open_window

SIZES = [(1024, 640), (1280, 720)]


def visible_rect(widget: QWidget) -> QRect:
    """The part of `widget` (its own coordinates) its ancestors let show; inside a scroll area's
    content the vertical extent counts whole (scrolling shows it), the horizontal one does not."""
    rect = QRect(QPoint(0, 0), widget.size())
    child, offset = widget, QPoint(0, 0)  # offset: widget's origin in child's coordinates
    while not child.isWindow() and child.parentWidget() is not None:
        parent = child.parentWidget()
        area = parent.parentWidget()
        if isinstance(area, QScrollArea) and area.widget() is child:
            bounds = QRect(0, 0, min(child.width(), area.viewport().width()), child.height())
            return rect.intersected(bounds.translated(-offset))
        offset += child.pos()
        rect = rect.intersected(parent.rect().translated(-offset))
        child = parent
    return rect


def clipped(widget: QWidget) -> str | None:
    """Why `widget` is cut off, or None when it shows whole. A leaf (a label, a button, a line
    edit) needs its size hint; a container or a scrolling view (a panel, a list, a text box)
    lays out or scrolls what it holds, and needs its minimum size."""
    seen = visible_rect(widget).size()
    if isinstance(widget, QAbstractScrollArea) or widget.layout() is not None:
        need = widget.minimumSize().expandedTo(QSize(0, 0))
        hint = widget.minimumSizeHint()
        need = QSize(need.width() or hint.width(), need.height() or hint.height())
    elif isinstance(widget, QLabel) and widget.wordWrap():
        need = widget.sizeHint()
        need.setWidth(min(need.width(), widget.width()))
        need.setHeight(widget.heightForWidth(widget.width()))
    else:
        need = widget.sizeHint()
    if seen.width() < need.width() or seen.height() < need.height():
        shows = f"{seen.width()}×{seen.height()}"
        return f"{widget.objectName()}: shows {shows} of {need.width()}×{need.height()}"
    return None


def named_widgets(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.objectName() and not w.objectName().startswith("qt_") and w.isVisible()
    ]


def _horizontal(alignment: object) -> Qt.AlignmentFlag:
    """The horizontal part of a model's alignment (None: Qt's default, the leading edge)."""
    if alignment is None:
        return Qt.AlignmentFlag.AlignLeft
    flags = Qt.AlignmentFlag(int(alignment))  # type: ignore[call-overload]
    horizontal = flags & Qt.AlignmentFlag.AlignHorizontal_Mask
    if horizontal in (Qt.AlignmentFlag.AlignLeading, Qt.AlignmentFlag(0)):
        return Qt.AlignmentFlag.AlignLeft
    if horizontal == Qt.AlignmentFlag.AlignTrailing:
        return Qt.AlignmentFlag.AlignRight
    return horizontal


def table_problems(table: QTableView) -> list[str]:
    """What a named table cuts or misplaces: a heading narrower than its text, a heading not
    aligned as its column's values, a value in view cut off."""
    model, header = table.model(), table.horizontalHeader()
    name = table.objectName()
    problems = []
    rows = range(table.rowAt(0), table.rowAt(table.viewport().height() - 1) + 1)
    if table.rowAt(0) < 0:
        rows = range(0)
    elif table.rowAt(table.viewport().height() - 1) < 0:
        rows = range(table.rowAt(0), model.rowCount())
    for column in range(model.columnCount()):
        if table.isColumnHidden(column):
            continue
        title = model.headerData(column, Qt.Orientation.Horizontal)
        width = header.sectionSize(column)
        if width < header.sectionSizeHint(column):
            problems.append(
                f"{name}: heading {title!r} has {width} of {header.sectionSizeHint(column)} px"
            )
        if model.rowCount():
            heading = model.headerData(
                column, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole
            )
            shown = _horizontal(header.defaultAlignment() if heading is None else heading)
            values = _horizontal(model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole))
            if shown != values:
                problems.append(f"{name}: heading {title!r} is not aligned as its values")
        for row in rows:
            index = model.index(row, column)
            if index.data() and table.sizeHintForIndex(index).width() > width:
                problems.append(f"{name}: {index.data()!r} cut in column {title!r} ({width} px)")
                break
    return problems


def list_problems(view: QListView) -> list[str]:
    """What a named list cuts: items wider than it shows (it would scroll sideways to show them,
    or cuts them where it does not scroll)."""
    model, width = view.model(), view.viewport().width()
    problems = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if view.isRowHidden(row) or not view.visualRect(index).intersects(view.viewport().rect()):
            continue
        needs, shows = view.sizeHintForIndex(index), view.visualRect(index).size()
        if (
            needs.width() > width
            or shows.width() < needs.width()
            or shows.height() < needs.height()
        ):
            text = str(index.data()).replace("\n", " / ")
            problems.append(
                f"{view.objectName()}: {text!r} needs {needs.width()}×{needs.height()}, has"
                f" {shows.width()}×{shows.height()} of {width} px"
            )
    return problems


def assert_whole(root: QWidget, shot: Path) -> None:
    (root if root.isWindow() else root.window()).grab().save(str(shot))
    problems = [p for w in named_widgets(root) if (p := clipped(w))]
    problems += [
        p for w in named_widgets(root) if isinstance(w, QTableView) for p in table_problems(w)
    ]
    problems += [
        p for w in named_widgets(root) if isinstance(w, QListView) for p in list_problems(w)
    ]
    assert not problems, f"clipped in {shot.name}:\n" + "\n".join(problems)


def test_the_check_sees_a_clipped_widget(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(60, 30)
    button = QPushButton("A button with a rather long label", host)
    button.setObjectName("longButton")
    button.resize(button.sizeHint())
    host.show()
    assert clipped(button) is not None


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_inbox_with_a_call_scripts_and_reports_show_every_named_widget_whole(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, width: int, height: int
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path), (width, height))
    assert window.size().width() == width and window.size().height() == height
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    table.setFocus()
    QApplication.processEvents()
    assert_whole(window.pages["inbox"], tmp_path / f"inbox-{width}x{height}.png")
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    key(window, Qt.Key.Key_Y)  # on to a typed question: the answer field shows too
    QApplication.processEvents()
    assert window.size().width() == width and window.size().height() == height, "not grown"
    assert_whole(window.pages["inbox"], tmp_path / f"inbox-call-{width}x{height}.png")
    ctrl(window, Qt.Key.Key_6)
    assert_whole(window.pages["scripts"], tmp_path / f"scripts-{width}x{height}.png")
    assert window.findChild(QPushButton, "scriptsSave").isVisible()
    ctrl(window, Qt.Key.Key_5)
    reports = window.pages["reports"]
    end = time.monotonic() + 20
    while reports.is_busy() and time.monotonic() < end:
        qtbot.wait(20)
    assert_whole(reports, tmp_path / f"reports-{width}x{height}.png")
    sources = window.findChild(QTableView, "table_source")
    assert sources.columnWidth(0) >= sources.sizeHintForColumn(0), "whole source names"
    assert window.size().width() == width and window.size().height() == height


LONG = {
    "first_name": "Maximiliane-Alexandra",
    "last_name": "Featherstonehaugh-Worthington",
    "company": "Featherstonehaugh International Accounting and Tax Advisory Partners",
    "title": "Chief Operating Officer",
    "email": "maximiliane-alexandra.featherstonehaugh@featherstonehaugh-accounting.example",
    "message": "Please see https://www.featherstonehaugh-international-accounting.example/about/"
    "our-locations/downtown-office?ref=contact-form-footer and call me back.",
}


def _a_lead_with_long_lines(path: Path) -> None:
    """The first lead of the inbox gets a long name, company, address and a link in its inquiry."""
    import sqlite3

    with sqlite3.connect(path) as con:
        (lead_id,) = con.execute(
            "SELECT id FROM leads WHERE first_name = 'Anika' AND last_name = 'Berg'"
        ).fetchone()
        assignments = ", ".join(f"{column} = ?" for column in LONG)
        con.execute(f"UPDATE leads SET {assignments} WHERE id = ?", [*LONG.values(), lead_id])


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_long_names_addresses_and_links_wrap_in_the_detail_and_the_call(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, theme: str
) -> None:
    from repdesk.ui.common.theme import set_theme

    path = copy_demo(demo_db, tmp_path)
    _a_lead_with_long_lines(path)
    set_theme(theme)
    try:
        window = open_window(qtbot, path, (1024, 640))
        table = window.findChild(QTableView, "leadTable")
        table.selectRow(0)
        table.setFocus()
        detail = window.pages["inbox"].detail
        qtbot.waitUntil(
            lambda: detail.detail is not None and detail.detail.lead.email == LONG["email"]
        )
        QApplication.processEvents()
        assert_whole(detail, tmp_path / f"detail-long-{theme}.png")
        email = detail.findChild(QWidget, "detailEmail")
        assert email.isVisible() and LONG["email"] in email.toPlainText()  # whole, to copy
        ctrl(window, Qt.Key.Key_K)
        panel = window.findChild(QWidget, "scriptPanel")
        qtbot.waitUntil(panel.isVisible)
        QApplication.processEvents()
        assert (window.width(), window.height()) == (1024, 640), "the window did not grow"
        assert_whole(detail, tmp_path / f"detail-long-call-{theme}.png")
        assert_whole(panel, tmp_path / f"call-long-{theme}.png")
    finally:
        set_theme("system")


WEB_FORM = (
    "First Name,Last Name,Email,Phone,Company,Lead Source,Received\n"
    "Anika,Berg,anika@bergteahouse.example,(614) 555-0120,Berg Teahouse,ORGANIC_SEARCH,"
    "2026-11-30 09:12\n"
    "Tom,Reyes,tom.reyes@reyesplumbing.example,614.555.0199 x12,Reyes Plumbing,PAID_SOCIAL,"
    "2026-11-30 10:40\n"
    "Ola,Nordmann,ola@fjord.example,+44 20 7946 0958,Fjord Design,REFERRALS,2026-11-30 11:02\n"
)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_calendar_and_the_import_preview_show_every_named_widget_whole(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, width: int, height: int
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path), (width, height))
    window.show_page("calendar")
    calendar = window.pages["calendar"]
    QApplication.processEvents()
    agenda = window.findChild(QTableView, "calendarAgenda")
    assert agenda.isVisible() and agenda.model().rowCount() > 3, "the demo's day has steps"
    assert_whole(calendar, tmp_path / f"calendar-{width}x{height}.png")
    qtbot.mouseClick(
        calendar.findChild(QPushButton, "calendarMode_week"), Qt.MouseButton.LeftButton
    )
    QApplication.processEvents()
    assert_whole(calendar, tmp_path / f"calendar-week-{width}x{height}.png")
    export = tmp_path / "web-form-export.csv"
    export.write_text(WEB_FORM, encoding="utf-8")
    dialog = window.file_actions.import_files([export])
    qtbot.waitUntil(lambda: dialog.rows.rowCount() == 3)
    QApplication.processEvents()
    assert dialog.width() <= width and dialog.height() <= height, "the dialog fits the screen"
    assert_whole(dialog, tmp_path / f"import-{width}x{height}.png")
    dialog.reject()
    assert (window.width(), window.height()) == (width, height)


def wrapped_lines(view: QWidget) -> list[str]:
    """The lines a text view shows, as laid out at its width (without invisible break hints)."""
    document = view.document()  # type: ignore[attr-defined]
    lines = []
    block = document.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            lines.append(text[line.textStart() : line.textStart() + line.textLength()])
        block = block.next()
    return [line.replace("\u200b", "") for line in lines]


@pytest.mark.parametrize("address", [LONG["email"], "anika@bergteahouse.example"])
def test_an_address_breaks_only_where_an_address_may(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, address: str
) -> None:
    path = copy_demo(demo_db, tmp_path)
    _a_lead_with_long_lines(path)
    import sqlite3

    with sqlite3.connect(path) as con:
        con.execute("UPDATE leads SET email = ? WHERE email = ?", (address, LONG["email"]))
    window = open_window(qtbot, path, (1024, 640))
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    table.setFocus()
    detail = window.pages["inbox"].detail
    qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.lead.email == address)
    email = detail.findChild(QWidget, "detailEmail")
    # As the pane shows it, and about as narrow as its value column gets beside a call.
    for width in (email.width(), 150):
        email.resize(width, email.height())
        QApplication.processEvents()
        lines = wrapped_lines(email)
        assert "".join(lines) == address
        for before, after in zip(lines, lines[1:], strict=False):
            assert before.endswith("-") or after[:1] in ("@", "."), (
                f"{address!r} at {width} px breaks between {before!r} and {after!r}"
            )
    assert email.toPlainText() == address  # whole, to copy


@pytest.mark.parametrize(("width", "height"), [*SIZES, (1400, 900)])
def test_today_with_the_lead_beside_it_shows_its_steps_whole(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, width: int, height: int
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path), (width, height))
    window.show_page("today")
    today = window.pages["today"]
    table = window.findChild(QTableView, "todayList")
    table.setFocus()
    key(window, Qt.Key.Key_Return)  # the step's lead beside the list
    qtbot.waitUntil(lambda: today.detail.isVisible())
    QApplication.processEvents()
    assert_whole(today, tmp_path / f"today-lead-{width}x{height}.png")
    assert table.horizontalScrollBar().maximum() == 0, "the steps' columns run off the list"
