"""The application's look: a calm palette-aware stylesheet (works in light and dark mode)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette

_SHEET = """
QListWidget#navigation { border: none; background: %(side)s; padding-top: 8px; font-size: 14px; }
QListWidget#navigation::item {
    padding: 9px 16px; border-radius: 6px; margin: 1px 8px; color: %(text)s;
}
QListWidget#navigation::item:selected { background: %(accent)s; color: white; }
QListWidget#navigation::item:hover:!selected { background: %(hover)s; }
QLabel#emptyTitle { font-size: 20px; font-weight: 600; }
QLabel#emptyBody { color: %(muted)s; font-size: 13px; }
QLabel#pageTitle { font-size: 18px; font-weight: 600; }
QLabel#muted, QLabel#scriptPinned { color: %(muted)s; }
QLabel#detailName { font-size: 18px; font-weight: 600; }
QLabel#sectionTitle {
    font-weight: 600; color: %(muted)s; text-transform: uppercase; font-size: 11px;
}
QLabel#verdictLabel { font-size: 16px; font-weight: 600; padding: 6px 10px; border-radius: 6px; }
QLabel#scriptQuestion { font-size: 17px; font-weight: 600; }
QLabel#talkTrack { color: %(muted)s; font-size: 13px; }
QTableView { gridline-color: transparent; selection-background-color: %(accent)s; }
QHeaderView::section {
    padding: 4px 6px; border: none; border-bottom: 1px solid %(hover)s; font-weight: 600;
}
"""


def apply_theme() -> None:
    app = QGuiApplication.instance()
    if app is None:
        return
    palette = QGuiApplication.palette()
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    colours = {
        "side": "#1f2328" if dark else "#f3f4f6",
        "hover": "#2d333b" if dark else "#e5e7eb",
        "accent": "#2f6fde",
        "text": "#e6edf3" if dark else "#1f2328",
        "muted": "#8b949e" if dark else "#57606a",
    }
    app.setStyleSheet(_SHEET % colours)  # type: ignore[attr-defined]
