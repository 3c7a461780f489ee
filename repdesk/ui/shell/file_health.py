"""After the window's start: check the workspace file off the GUI thread (SQLite's quick_check),
then make the day's rolling backup; a damaged file gets a banner saying it is read-only and where
its latest good backup is (every write is refused with the same sentence)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from repdesk.services.workspace.backup_service import BackupService
from repdesk.store.errors import StoreError
from repdesk.ui.common.worker import Worker


class FileHealthCheck(QObject):
    """Runs once per window start; `worker.done` is set when the check and backup are over."""

    def __init__(self, window: QMainWindow, backup: BackupService) -> None:
        super().__init__(window)
        self._window = window
        self.worker = Worker(lambda _progress, _cancelled: self._check(backup))
        self.worker.signals.sig_work_finished.connect(self._on_checked)
        self.worker.start()

    @staticmethod
    def _check(backup: BackupService) -> tuple[str | None, str | None]:
        """(why the file is read-only, why there is no backup today), each None when all is well."""
        damaged = backup.check_file()
        if damaged is not None:
            return damaged, None
        try:
            backup.daily()
        except StoreError as exc:
            return None, str(exc)
        return None, None

    def _on_checked(self, result: tuple[str | None, str | None]) -> None:
        damaged, no_backup = result
        if damaged is not None:
            show_damaged_banner(self._window, damaged)
        elif no_backup is not None:
            self._window.statusBar().showMessage(f"No daily backup today: {no_backup}", 15_000)


def show_damaged_banner(window: QMainWindow, sentence: str) -> QLabel:
    """A banner above the pages, kept for as long as the window is open."""
    banner = QLabel(sentence)
    banner.setObjectName("damagedBanner")
    banner.setWordWrap(True)
    dark = window.palette().color(QPalette.ColorRole.Window).lightness() < 128
    background, text, line = (
        ("#4a2410", "#ffd8c2", "#8a4a28")
        if dark
        else (
            "#fff1e5",
            "#8a1c00",
            "#d9a07a",
        )
    )
    banner.setStyleSheet(
        f"QLabel#damagedBanner {{ background: {background}; color: {text}; padding: 8px 12px;"
        f" border-bottom: 1px solid {line}; }}"
    )
    body = window.takeCentralWidget()
    container = QWidget()
    layout = QVBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    layout.addWidget(body, 1)
    window.setCentralWidget(container)
    window.setWindowTitle(f"{window.windowTitle()} (read-only: the file is damaged)")
    return banner
