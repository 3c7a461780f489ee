"""CalDAV settings panel: address, user, password (kept in the keyring), Test connection, Push now,
last result."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.calendar.caldav_sync import CalDavSync
from repdesk.services.common.errors import UserError
from repdesk.ui.common.background import BackgroundTask, run_in_background


class CalDavPanel(QWidget):
    """The Settings page's Calendar sync tab, on the workspace's CalDavSync."""

    sig_result_changed = Signal(str)
    """Emitted with the sentence shown as the last result (connection test or push)."""

    def __init__(self, sync: CalDavSync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caldavPanel")
        self.sync = sync
        self.task: BackgroundTask | None = None
        cfg = self.sync.config()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            "Push follow-ups to a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale…). "
            "The password is kept in the system keyring, never in the database."
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        layout.addWidget(intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)  # as on the other Settings tabs
        self.url = QLineEdit(cfg.url)
        self.url.setObjectName("caldavUrl")
        self.url.setPlaceholderText("https://cloud.example.com/remote.php/dav/")
        self.username = QLineEdit(cfg.username)
        self.username.setObjectName("caldavUsername")
        self.password = QLineEdit()
        self.password.setObjectName("caldavPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty to keep the stored password")
        form.addRow("Address", self.url)
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("caldavTest")
        self.test_button.clicked.connect(self.test_connection)
        self.push_button = QPushButton("Push now")
        self.push_button.setObjectName("caldavPush")
        self.push_button.setToolTip(
            "Create, update and remove the calendar's events to match the follow-ups"
        )
        self.push_button.clicked.connect(self.push)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("caldavCancel")
        self.cancel_button.setToolTip(
            "Stop after the event being written; push again later to finish"
        )
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setVisible(False)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.push_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.result = QLabel("Not pushed yet.")
        self.result.setObjectName("caldavResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)

    def save(self) -> bool:
        """Store address and user in settings and a typed password in the keyring; False after an
        error."""
        try:
            self.sync.configure(self.url.text(), self.username.text(), self.password.text() or None)
        except UserError as exc:
            self._show(str(exc))
            return False
        self.password.clear()
        return True

    def test_connection(self) -> None:
        if self.save():
            self._start("Connecting…", lambda _progress: self.sync.test_connection())

    def push(self) -> None:
        if self.save():
            self._start(
                "Pushing…",
                lambda progress: self.sync.push(progress).message,
                "Push cancelled; the calendar has part of the changes. Push again to finish.",
            )

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.result.setText("Cancelling…")

    def _start(self, text: str, work: Any, cancel_message: str | None = None) -> None:
        """`cancel_message`: the work reports progress and Cancel may stop it (a push, not a
        connection test)."""
        self._busy(True)
        self.cancel_button.setVisible(cancel_message is not None)
        self.result.setText(text)
        self.task = run_in_background(
            work,
            on_done=self._finished,
            on_error=self._finished,
            on_progress=self._progressed,
            cancel_message=cancel_message or "Cancelled.",
        )

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)

    def _finished(self, message: str) -> None:
        self.task = None
        self._busy(False)
        self._show(str(message))

    def _busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.push_button.setEnabled(not busy)
        if not busy:
            self.cancel_button.setVisible(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(busy)

    def _show(self, message: str) -> None:
        self.result.setText(message)
        self.sig_result_changed.emit(message)
