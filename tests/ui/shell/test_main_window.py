"""The main window: built without an event loop, every navigation entry shows a real page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QListWidget, QTableView, QWidget
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window


def test_every_navigation_entry_shows_a_page(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.resize(1400, 860)  # wide: the sidebar shows names (narrower windows show glyphs)
    window.show()
    nav = window.findChild(QListWidget, "navigation")
    assert nav is not None
    titles = [nav.item(i).text() for i in range(nav.count())]
    assert titles == [
        "Inbox",
        "Today",
        "Calendar",
        "Leads",
        "Reports",
        "Scripts",
        "Templates",
        "Settings",
    ]
    seen = []
    for row in range(nav.count()):
        rect = nav.visualItemRect(nav.item(row))
        qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        page = window.stack.currentWidget()
        assert page.isVisible()
        texts = [
            label.text()
            for label in page.findChildren(QLabel)
            if label.isVisible() and label.text()
        ]
        assert texts, f"page {titles[row]} shows no text"
        seen.append(window.current_page_key())
    assert seen == [
        "inbox",
        "today",
        "calendar",
        "leads",
        "reports",
        "scripts",
        "templates",
        "settings",
    ]


def test_shortcuts_switch_pages(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    # Through the QWindow, so the key goes the way a real key press does (shortcut map first).
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "today"
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "inbox"


def test_empty_workspace_inbox_and_demo_inbox(qtbot: QtBot, tmp_path: Path) -> None:
    from repdesk.launch import open_for_cli

    open_for_cli(str(tmp_path / "demo.sqlite3"), demo=True).close()
    window = build_main_window(str(tmp_path / "demo.sqlite3"))
    qtbot.addWidget(window)
    table = window.findChild(QTableView, "leadTable")
    assert table.model().rowCount() > 100
    first = table.model().index(0, 0).data()
    assert first.endswith((" d", " h", " min")), first  # uncontacted leads lead the inbox
    assert window.findChild(QWidget, "leadDetail") is not None


def test_geometry_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "g.sqlite3"))
    qtbot.addWidget(window)
    window.resize(731, 517)  # within the 800x800 offscreen screen
    window.show()
    window.close()
    again = build_main_window(str(tmp_path / "g.sqlite3"))
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (731, 517)


def test_no_two_actions_share_a_shortcut(qtbot: QtBot, tmp_path: Path) -> None:
    """A shared key makes Qt run neither action (Qualify once collided with Quit's Ctrl+Q)."""
    from PySide6.QtGui import QAction, QKeySequence

    window = build_main_window(str(tmp_path / "k.sqlite3"))
    qtbot.addWidget(window)
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            assert key not in seen or seen[key] == action.text(), (
                f"{key}: {seen.get(key)} and {action.text()}"
            )
            seen[key] = action.text()
    assert "Ctrl+Q" in seen and seen["Ctrl+Q"].replace("&", "") == "Quit"


def test_every_contract_widget_exists_once_the_window_is_built(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = build_main_window(str(tmp_path / "c.sqlite3"))
    qtbot.addWidget(window)
    names = [
        "navigation",
        "leadTable",
        "inboxSearch",
        "leadDetail",
        "scriptPanel",
        "scriptQuestion",
        "verdictLabel",
        "todayList",
        "calendarView",
        "exportIcsButton",
        "reportsView",
    ]
    missing = [n for n in names if window.findChild(QWidget, n) is None]
    assert not missing
