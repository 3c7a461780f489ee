"""Opening tel: and mailto: links with the system's app, and knowing whether one really opened."""

from __future__ import annotations

import shutil
import subprocess
import sys

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication


def open_with_system(url: QUrl) -> bool:
    """Hand `url` to the app the system has for its scheme; False when there is none (then nothing
    opened, and nothing may be logged as if it had)."""
    if not _scheme_has_handler(url.scheme()):
        return False
    return bool(QDesktopServices.openUrl(url))


def _scheme_has_handler(scheme: str) -> bool:
    """On a Linux desktop Qt starts xdg-open and reports success even when no app takes the
    scheme: ask the desktop's own database first. Elsewhere Qt's answer is already honest."""
    if not sys.platform.startswith("linux"):
        return True
    if QGuiApplication.platformName() not in ("xcb", "wayland"):
        return True  # offscreen and friends: Qt returns False itself unless a handler is set
    query = shutil.which("xdg-mime")
    if query is None:
        return True  # cannot tell: xdg-open's own exit decides
    try:
        found = subprocess.run(
            [query, "query", "default", f"x-scheme-handler/{scheme}"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return True
    return bool(found.stdout.strip())
