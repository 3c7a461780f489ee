"""Everyday basics as a rep meets them: All leads sorts by a click on a column and has Phone and
Email columns and a row menu; phones read the region's way with extensions kept through an edit;
the edit dialog picks Source from known values and leaves a timeline entry; the sidebar narrows
with counts; Settings switches the theme and the verdict banner follows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QTableView, QWidget
from pytestqt.qtbot import QtBot

from repdesk.ui.common.theme import set_theme
from repdesk.ui.inbox.lead_table_model import COLUMNS
from tests.ui.helpers import copy_demo, ctrl, key, modal, open_window


def test_all_leads_sorts_by_a_column_and_shows_phone_and_email(
    qtbot: QtBot, qtmodeltester, demo_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    ctrl(window, Qt.Key.Key_4)
    table = window.findChild(QTableView, "leadTableAll")
    model = table.model()
    for name in ("Phone", "Email"):
        assert not table.isColumnHidden(COLUMNS.index(name))
    header = table.horizontalHeader()
    name_column = COLUMNS.index("Name")
    at = QPoint(
        header.sectionViewportPosition(name_column) + header.sectionSize(name_column) // 2, 5
    )

    def names() -> list[str]:
        return [model.index(r, name_column).data() for r in range(min(model.rowCount(), 150))]

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: names() == sorted(names(), key=str.lower), timeout=5000)
    assert len(set(names())) > 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: names() == sorted(names(), key=str.lower, reverse=True), timeout=5000)
    qtmodeltester.check(model)
    phone = model.index(0, COLUMNS.index("Phone")).data()
    assert phone.startswith("(") and ") 555-01" in phone  # the US region's form, not +1…
    # The highlighted lead is the one the pane shows, after the sort too.
    rows = table.selectionModel().selectedRows()
    assert rows and model.lead_at(rows[0].row()).id == window.pages["leads"].detail.lead_id


def test_a_right_click_focuses_the_row_and_offers_the_lead_menu(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    ctrl(window, Qt.Key.Key_4)
    page = window.pages["leads"]
    table = page.table
    rect = table.visualRect(table.model().index(3, 1))
    table.customContextMenuRequested.emit(rect.center())  # what a right-click asks for
    assert page.detail.lead_id == table.model().lead_at(3).id
    texts = [a.text().replace("&", "") for a in page.row_menu.actions() if not a.isSeparator()]
    assert "Call" in texts and "Mark won" in texts and "Assign…" in texts
    page.row_menu.close()


def test_an_edit_keeps_the_extension_picks_known_sources_and_leaves_a_timeline_entry(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    table.setFocus()
    lead_id = window.pages["inbox"].detail.lead_id
    ctrl(window, Qt.Key.Key_E)
    dialog = modal(qtbot, "leadEditDialog")
    source = dialog.findChild(QComboBox, "edit_source")
    known = window.workspace.leads.distinct_values("source")
    assert [source.itemText(i) for i in range(source.count())] == known and len(known) > 3
    phone = dialog.findChild(QLineEdit, "edit_phone")
    phone.setFocus()
    phone.selectAll()
    qtbot.keyClicks(phone, "614 555 0142 x12")
    key(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    detail = window.workspace.leads.detail(lead_id)
    assert (detail.lead.phone, detail.lead.phone_ext) == ("+16145550142", "12")
    assert detail.activities[0].kind == "edit" and "Phone:" in detail.activities[0].body
    pane = window.pages["inbox"].detail
    assert pane.fields["phone"].text() == "(614) 555-0142 x12"
    timeline = pane.findChild(QListWidget, "timeline")
    assert "edit" in timeline.item(0).text()


def test_the_sidebar_narrows_on_a_laptop_with_counts_and_ctrl_backslash_switches_it(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path), (1024, 640))
    nav = window.findChild(QListWidget, "navigation")
    try:
        assert nav.width() < 80
        waiting = window.workspace.services.inbox.waiting_count()
        assert nav.item(0).text().endswith(f"{waiting:,}")
        ctrl(window, Qt.Key.Key_Backslash)
        assert nav.width() > 120 and nav.item(0).text() == f"Inbox   {waiting:,}"
        assert nav.item(1).text().startswith("Today   ")
        ctrl(window, Qt.Key.Key_Backslash)
        assert nav.width() < 80
    finally:
        QSettings("repdesk", "repdesk").remove("window/sidebar")  # the choice is per computer


def test_settings_switch_to_dark_and_the_verdict_banner_follows(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    banner = panel.findChild(QLabel, "verdictLabel")
    light = banner.styleSheet()
    try:
        window.show_page("settings")
        box = window.findChild(QComboBox, "settingsTheme")
        box.setFocus()
        box.setCurrentIndex(box.findData("dark"))
        box.activated.emit(box.currentIndex())  # what choosing it in the list does
        assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
        qtbot.waitUntil(lambda: banner.styleSheet() != light)
        assert "#3b2e05" in banner.styleSheet() or "#12351f" in banner.styleSheet()
    finally:
        set_theme("system")
