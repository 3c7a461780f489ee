"""Desktop niceties: the app icon at every size, following the system's dark mode, smoke-test
hooks."""

from __future__ import annotations

import os
import sys
import time
from importlib import resources

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from repdesk.ui.shell.first_paint import after_first_paint

ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
QUIT_AFTER_ENV = "REPDESK_QUIT_AFTER_MS"
REPORT_STARTUP_ENV = "REPDESK_REPORT_STARTUP"
STARTUP_MARK = "repdesk-startup-painted"
SCREENSHOT_ENV = (
    "REPDESK_SCREENSHOT"  # with REPDESK_QUIT_AFTER_MS: save a screenshot just before quitting
)


def app_icon() -> QIcon:
    """The repdesk icon from the shipped PNGs (crisp at 1x and 2x) with the SVG for other sizes."""
    folder = resources.files("repdesk.resources") / "icons"
    icon = QIcon()
    for size in ICON_SIZES:
        png = folder / f"repdesk-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    svg = folder / "repdesk.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon if not icon.isNull() else QIcon.fromTheme("repdesk")


def follow_color_scheme(app: QGuiApplication, apply_theme: object) -> None:
    """Re-apply the stylesheet when the system switches between light and dark (Qt 6.5+)."""
    hints = app.styleHints()
    signal = getattr(hints, "colorSchemeChanged", None)
    if signal is None or not callable(apply_theme):
        return
    # The palette is updated after the signal: re-read it once the event loop has caught up.
    signal.connect(lambda _scheme: QTimer.singleShot(0, apply_theme))


def quit_after_from_env(app: QApplication, window: QWidget) -> None:
    """REPDESK_QUIT_AFTER_MS=N closes the window (saving its state) and quits after N ms."""
    value = os.environ.get(QUIT_AFTER_ENV, "").strip()
    if not value:
        return
    try:
        delay = max(0, int(value))
    except ValueError:
        print(
            f"repdesk: {QUIT_AFTER_ENV} must be a number of milliseconds, not {value!r}.",
            file=sys.stderr,
        )
        return

    def finish() -> None:
        shot = os.environ.get(SCREENSHOT_ENV, "").strip()
        if shot:  # the whole screen as the windowing system shows it (a real X server under Xvfb)
            window.screen().grabWindow(0).save(shot)
        window.close()
        app.quit()

    QTimer.singleShot(delay, finish)


def report_startup_from_env(app: QApplication, widget: QWidget) -> None:
    """REPDESK_REPORT_STARTUP=1: print when `widget` (the inbox table) is first painted, then
    quit."""
    if os.environ.get(REPORT_STARTUP_ENV) == "1":

        def report() -> None:
            print(f"{STARTUP_MARK} {time.time():.6f}", file=sys.stderr, flush=True)
            app.quit()

        after_first_paint(widget, report)
