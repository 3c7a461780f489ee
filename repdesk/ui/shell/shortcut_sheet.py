"""Help → Keyboard shortcuts (F1 or Ctrl+/): every action ui/common/actions.py registers, with its
keys, and the keys that work inside a page."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from repdesk.ui.common.actions import PAGE_KEYS, SPECS, ActionRegistry


def sheet_rows(actions: ActionRegistry) -> list[tuple[str, str]]:
    """(keys, what) for every registered action that has a key, in the registry's order."""
    rows = []
    for action_id, spec in SPECS.items():
        keys = [
            k.toString(QKeySequence.SequenceFormat.NativeText)
            for k in actions[action_id].shortcuts()
        ]
        if keys:
            rows.append((" or ".join(keys), spec.text.replace("&", "").rstrip("…")))
    return rows


class ShortcutSheet(QDialog):
    def __init__(self, actions: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(640, 560)
        html = ["<h3>Everywhere</h3>", _table(sheet_rows(actions))]
        for title, keys in PAGE_KEYS:
            html += [f"<h3>{escape(title)}</h3>", _table(list(keys))]
        text = QLabel("".join(html))
        text.setObjectName("shortcutText")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setContentsMargins(8, 0, 8, 8)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(text)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        close.accepted.connect(self.accept)
        layout.addWidget(close)


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='padding:2px 16px 2px 0'><b>{escape(k)}</b></td>"
        f"<td style='padding:2px 0'>{escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table>{cells}</table>"
