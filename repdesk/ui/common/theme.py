"""The application's look: light, dark, or the system's choice (Settings → General → Appearance,
kept per computer), and a calm palette-aware stylesheet on top."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
_KEY = "appearance/theme"

_SHEET = """
QListWidget#navigation { border: none; background: %(side)s; padding-top: 8px; font-size: 14px; }
QListWidget#navigation::item {
    padding: 9px 16px; border-radius: 6px; margin: 1px 8px; color: %(text)s;
}
QListWidget#navigation[collapsed="true"]::item { padding: 6px 2px; margin: 1px 6px; }
QListWidget#navigation::item:selected { background: %(accent)s; color: white; }
QListWidget#navigation::item:hover:!selected { background: %(hover)s; }
QLabel#emptyTitle { font-size: 20px; font-weight: 600; }
QLabel#emptyBody { color: %(muted)s; font-size: 13px; }
QLabel#pageTitle { font-size: 18px; font-weight: 600; }
QLabel#muted, QLabel#scriptPinned { color: %(muted)s; }
QLabel#savingLater { font-weight: 600; color: %(accent)s; padding: 0 8px; }
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
QFrame#undoBar { background: %(bar)s; border-top: 1px solid %(hover)s; }
QLabel#undoMessage { font-weight: 600; }
"""

_system_style: str | None = None


def theme_choice() -> str:
    value = str(QSettings("repdesk", "repdesk").value(_KEY, "system") or "system")
    return value if value in {key for key, _label in THEMES} else "system"


def set_theme(choice: str) -> None:
    """Remember the choice on this computer and apply it at once."""
    QSettings("repdesk", "repdesk").setValue(_KEY, choice)
    apply_theme()


def is_dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def apply_theme() -> None:
    global _system_style
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _system_style is None:
        _system_style = app.style().name()  # what the system gave, to go back to
    choice = theme_choice()
    if choice == "system":
        if app.style().name() != _system_style:
            app.setStyle(_system_style)
        app.setPalette(QPalette())  # an empty palette: the platform's own, following its changes
    else:
        app.setStyle("Fusion")  # the platform style may ignore a palette; Fusion draws with it
        app.setPalette(_dark_palette() if choice == "dark" else _light_palette())
    dark = is_dark()
    colours = {
        "side": "#1f2328" if dark else "#f3f4f6",
        "hover": "#2d333b" if dark else "#e5e7eb",
        "accent": "#2f6fde",
        "text": "#e6edf3" if dark else "#1f2328",
        "muted": "#8b949e" if dark else "#57606a",
        "bar": "#1c2b45" if dark else "#e8f0fe",
    }
    app.setStyleSheet(_SHEET % colours)


def _dark_palette() -> QPalette:
    roles = {
        QPalette.ColorRole.Window: "#22272e",
        QPalette.ColorRole.WindowText: "#e6edf3",
        QPalette.ColorRole.Base: "#1c2128",
        QPalette.ColorRole.AlternateBase: "#262c36",
        QPalette.ColorRole.Text: "#e6edf3",
        QPalette.ColorRole.Button: "#2d333b",
        QPalette.ColorRole.ButtonText: "#e6edf3",
        QPalette.ColorRole.ToolTipBase: "#2d333b",
        QPalette.ColorRole.ToolTipText: "#e6edf3",
        QPalette.ColorRole.PlaceholderText: "#8b949e",
        QPalette.ColorRole.Highlight: "#2f6fde",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#6ea8fe",
        QPalette.ColorRole.Mid: "#444c56",
        QPalette.ColorRole.Light: "#3a414b",
        QPalette.ColorRole.Dark: "#15191e",
    }
    return _palette(roles, disabled_text="#6e7681")


def _light_palette() -> QPalette:
    roles = {
        QPalette.ColorRole.Window: "#f6f8fa",
        QPalette.ColorRole.WindowText: "#1f2328",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f3f4f6",
        QPalette.ColorRole.Text: "#1f2328",
        QPalette.ColorRole.Button: "#f3f4f6",
        QPalette.ColorRole.ButtonText: "#1f2328",
        QPalette.ColorRole.PlaceholderText: "#6e7781",
        QPalette.ColorRole.Highlight: "#2f6fde",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Mid: "#d0d7de",
    }
    return _palette(roles, disabled_text="#8c959f")


def _palette(roles: dict[QPalette.ColorRole, str], disabled_text: str) -> QPalette:
    """A palette of these colours, with greyed text for disabled widgets."""
    p = QPalette()
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return p
