"""Settings: general values save and validate; reps, sources and calendar sync sit in their tabs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSpinBox, QTabWidget
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window
from repdesk.ui.settings.settings_page import GeneralSettingsPanel


def open_settings(qtbot: QtBot, tmp_path: Path):  # type: ignore[no-untyped-def]
    window = build_main_window(str(tmp_path / "s.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    window.show_page("settings")
    return window


def test_tabs_hold_every_settings_area(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_settings(qtbot, tmp_path)
    tabs = window.findChild(QTabWidget, "settingsTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "General",
        "Reps and capacity",
        "Inquiry sources",
        "Email",
        "Calendar sync",
    ]


def test_saving_the_response_target_changes_the_setting(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_settings(qtbot, tmp_path)
    panel = window.findChild(GeneralSettingsPanel, "generalSettings")
    target = panel.target
    assert isinstance(target, QSpinBox)
    target.selectAll()
    qtbot.keyClicks(target, "15")
    qtbot.mouseClick(window.findChild(QPushButton, "saveSettings"), Qt.MouseButton.LeftButton)
    assert window.workspace.settings.get("response_target_minutes") == 15
    assert window.findChild(QLabel, "settingsError").text() == ""


def test_invalid_settings_are_refused_with_one_sentence_and_nothing_saved(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = open_settings(qtbot, tmp_path)
    panel = window.findChild(GeneralSettingsPanel, "generalSettings")
    for box in panel.days:
        box.setChecked(False)
    panel.region.setText("XX")
    qtbot.mouseClick(window.findChild(QPushButton, "saveSettings"), Qt.MouseButton.LeftButton)
    error = window.findChild(QLabel, "settingsError").text()
    assert "XX" in error and error.endswith(".")
    assert window.workspace.settings.get("workdays") == [0, 1, 2, 3, 4]
    panel.region.setText("DE")
    qtbot.mouseClick(window.findChild(QPushButton, "saveSettings"), Qt.MouseButton.LeftButton)
    assert "workday" in window.findChild(QLabel, "settingsError").text()
    assert window.workspace.settings.get("default_region") == "US"
