"""Every dialog submits from the keyboard: Ctrl+Enter (also inside multi-line text) and Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog


def submit_on_ctrl_enter(dialog: QDialog) -> None:
    """Ctrl+Enter accepts `dialog` wherever the focus is (a note field keeps Enter for lines)."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        shortcut = QShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | key), dialog)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(dialog.accept)
