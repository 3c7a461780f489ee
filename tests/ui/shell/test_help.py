"""Help: the shortcut sheet (F1 or Ctrl+/) lists every key the action registry knows, and About
says where the data file lives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from repdesk.ui.common.actions import SPECS, ActionId
from tests.ui.helpers import closed, copy_demo, ctrl, key, modal, open_window


def test_f1_and_ctrl_slash_show_every_registered_shortcut(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path))
    key(window, Qt.Key.Key_F1)
    sheet = modal(qtbot, "shortcutSheet")
    text = sheet.findChild(QLabel, "shortcutText").text()
    for action_id, spec in SPECS.items():
        for shortcut in window.actions_[action_id].shortcuts():
            shown = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
            assert shown.replace("&", "&amp;") in text, (action_id, shown)
        if spec.shortcut is not None:
            assert spec.text.replace("&", "").rstrip("…") in text
    assert "Discard" in text or "discard" in text  # the keys inside the call script too
    key(sheet, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(sheet))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ctrl(window, Qt.Key.Key_Slash)
    modal(qtbot, "shortcutSheet")


def test_about_says_where_the_data_file_lives(qtbot: QtBot, demo_db: Path, tmp_path: Path) -> None:
    path = copy_demo(demo_db, tmp_path)
    window = open_window(qtbot, path)
    window.actions_[ActionId.ABOUT].trigger()  # Help → About
    about = modal(qtbot, "aboutDialog")
    assert isinstance(about, QMessageBox)
    assert str(path.resolve()) in about.text()
