"""The navigation sidebar: page names with live counts ("Today 54"), and a narrow form (a glyph
and the count) that a laptop-sized window switches to, or the rep chooses (Ctrl+\\)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QListWidget

WIDE, NARROW = 156, 64
#: Below this window width the sidebar is narrow unless the rep chose otherwise.
NARROW_BELOW = 1200
GLYPHS = {
    "inbox": "✉",
    "today": "◷",
    "calendar": "▦",
    "leads": "☰",
    "reports": "▥",
    "scripts": "✎",
    "settings": "⚙",
}


class Sidebar:
    """Owns the navigation list's texts and width; the window tells it counts and its width."""

    def __init__(self, navigation: QListWidget) -> None:
        self.navigation = navigation
        self.counts: dict[str, int] = {}
        self.collapsed = False
        choice = QSettings("repdesk", "repdesk").value("window/sidebar", "")
        self.choice: str = str(choice or "")  # "", "narrow" or "wide"

    def set_count(self, key: str, count: int | None) -> None:
        if count is None:
            self.counts.pop(key, None)
        else:
            self.counts[key] = count
        self._render()

    def fit(self, window_width: int) -> None:
        """Follow the window's width, unless the rep chose a form."""
        wanted = self.choice == "narrow" or (not self.choice and window_width < NARROW_BELOW)
        if wanted != self.collapsed:
            self.collapsed = wanted
            self._render()

    def toggle(self, window_width: int) -> None:
        self.choice = "wide" if self.collapsed else "narrow"
        QSettings("repdesk", "repdesk").setValue("window/sidebar", self.choice)
        self.fit(window_width)

    def _render(self) -> None:
        nav = self.navigation
        nav.setFixedWidth(NARROW if self.collapsed else WIDE)
        nav.setProperty("collapsed", self.collapsed)
        for row in range(nav.count()):
            item = nav.item(row)
            key = str(item.data(Qt.ItemDataRole.UserRole))
            title = str(item.data(Qt.ItemDataRole.UserRole + 1))
            count = self.counts.get(key)
            if self.collapsed:
                item.setText(GLYPHS.get(key, title[:1]) + (f"\n{count:,}" if count else ""))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            else:
                item.setText(title + (f"   {count:,}" if count else ""))
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            tip = item.data(Qt.ItemDataRole.UserRole + 2)
            item.setToolTip(f"{title} · {count:,}\n{tip}" if count else str(tip or title))
