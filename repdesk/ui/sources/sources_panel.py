"""Settings panel for inquiry sources: list with status, add a mailbox or a watched folder, remove,
check now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.when import format_moment
from repdesk.services.sources.source_service import FetchResult, SourceInfo, SourceService
from repdesk.ui.common.save_queue import DROPPED, WAITING, save
from repdesk.ui.sources.inquiry_watcher import BackgroundFetch

COLUMNS = ("Name", "Kind", "Status", "Last checked", "Last error")
_STATUS_TEXT = {"ok": "OK", "offline": "Offline", "error": "Error", "idle": "Not checked yet"}


class ImapSourceDialog(QDialog):
    """Server, port, user, password (kept in the system keyring), folder, security, optional CA
    file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add mailbox")
        form = QFormLayout(self)
        self.host = QLineEdit(objectName="imapHost")
        self.security = QComboBox(objectName="imapSecurity")
        self.security.addItem("TLS", "tls")
        self.security.addItem("STARTTLS", "starttls")
        self.security.addItem("None (this computer only)", "none")
        self.port = QSpinBox(objectName="imapPort")
        self.port.setRange(1, 65535)
        self.port.setValue(993)
        self.security.currentIndexChanged.connect(self._default_port)
        self.user = QLineEdit(objectName="imapUser")
        self.password = QLineEdit(objectName="imapPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.folder = QLineEdit("INBOX", objectName="imapFolder")
        self.ca_file = QLineEdit(objectName="imapCaFile")
        self.ca_file.setPlaceholderText("optional: trust this CA (PEM), e.g. a self-signed server")
        for label, widget in (
            ("Server", self.host),
            ("Security", self.security),
            ("Port", self.port),
            ("User", self.user),
            ("Password", self.password),
            ("Folder", self.folder),
            ("CA file", self.ca_file),
        ):
            form.addRow(label, widget)
        note = QLabel("The password is kept in the system keyring, never in the database.")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _default_port(self) -> None:
        self.port.setValue(993 if self.security.currentData() == "tls" else 143)

    def values(self) -> dict[str, object]:
        return {
            "host": self.host.text(),
            "port": self.port.value(),
            "user": self.user.text(),
            "password": self.password.text(),
            "folder": self.folder.text(),
            "security": self.security.currentData(),
            "ca_file": self.ca_file.text().strip(),
        }


class SourcesPanel(QWidget):
    """Lists, adds, removes and checks the workspace's inquiry sources (through the service)."""

    def __init__(self, sources: SourceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcesPanel")
        self.service = sources
        self.fetcher = BackgroundFetch(sources, self)
        self.fetcher.sig_fetch_finished.connect(self._on_checked)
        layout = QVBoxLayout(self)
        title = QLabel(
            "Inquiry sources: mailboxes and folders that bring in new inquiries by themselves"
        )
        title.setWordWrap(True)
        layout.addWidget(title)
        self.table = QTableWidget(0, len(COLUMNS), objectName="sourcesTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_imap_button = QPushButton("Add mailbox…", objectName="addMailboxButton")
        self.add_folder_button = QPushButton("Add folder…", objectName="addFolderButton")
        self.remove_button = QPushButton("Remove", objectName="removeSourceButton")
        self.check_button = QPushButton("Check now", objectName="checkSourcesButton")
        for button in (self.add_imap_button, self.add_folder_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.check_button)
        layout.addLayout(row)
        self.status = QLabel(objectName="sourcesStatus")
        layout.addWidget(self.status)
        # Mails that came in but could not be made leads, each with its reason: a rep must see
        # them (and can look them up in the mailbox), not find them in a log.
        self.unread_title = QLabel("Mails that could not be read (newest first)")
        self.unread = QListWidget(objectName="couldNotReadList")
        self.unread.setWordWrap(True)
        self.unread.setMaximumHeight(160)
        layout.addWidget(self.unread_title)
        layout.addWidget(self.unread)
        self.add_imap_button.clicked.connect(self.add_mailbox)
        self.add_folder_button.clicked.connect(self.add_folder)
        self.remove_button.clicked.connect(self.remove_selected)
        self.check_button.clicked.connect(self.check_now)
        self._sources: list[SourceInfo] = []
        self.reload()

    def reload(self) -> None:
        self._sources = self.service.list_sources()
        self.table.setRowCount(len(self._sources))
        for row, source in enumerate(self._sources):
            checked = _when(source.last_checked_at) if source.last_checked_at else ""
            kind = (
                "Mailbox"
                if source.kind == "imap"
                else "Folder"
                if source.kind == "folder"
                else source.kind
            )
            cells = (
                source.name,
                kind,
                _STATUS_TEXT.get(source.status, source.status),
                checked,
                source.last_error,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, source.id)
                if column == 4:
                    item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.remove_button.setEnabled(bool(self._sources))
        self.check_button.setEnabled(bool(self._sources) and not self.fetcher.busy)
        self.unread.clear()
        entries = [(source, entry) for source in self._sources for entry in source.could_not_read]
        entries.sort(key=lambda pair: str(pair[1].get("at", "")), reverse=True)
        for source, entry in entries:
            self.unread.addItem(_unread_text(source, entry))
        self.unread_title.setVisible(bool(entries))
        self.unread.setVisible(bool(entries))

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self._sources[rows[0].row()].id if rows else None

    def add_mailbox(self) -> None:
        dialog = ImapSourceDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()

        def added() -> None:
            self.reload()
            self.check_now()

        self._write(
            lambda: self.service.add_imap(**values),  # type: ignore[arg-type]
            added,
            "Mailbox not added",
        )

    def add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Watch a folder for lead files")
        if path:
            self._write(lambda: self.service.add_folder(path), self.reload, "Folder not added")

    def remove_selected(self) -> None:
        source_id = self.selected_id()
        if source_id is not None:
            self._write(lambda: self.service.remove(source_id), self.reload, "Source not removed")

    def _write(self, action: Callable[[], object], done: Callable[[], None], title: str) -> None:
        """Saved now, or when an import that holds the write lock finishes (ui/common/save_queue:
        Ctrl+Z drops it while it waits); a refusal is one sentence in a box called `title`."""

        def refused(sentence: str) -> None:
            QMessageBox.warning(self, title, sentence)
            self.reload()

        def dropped() -> None:
            self.status.setText(DROPPED)

        if not save(self, action, lambda _result: done(), say=refused, cancelled=dropped):
            self.status.setText(WAITING)

    def check_now(self) -> None:
        if self.fetcher.start():
            self.check_button.setEnabled(False)
            self.status.setText("Checking…")

    def _on_checked(self, result: object) -> None:
        if isinstance(result, FetchResult):
            text = f"Checked: {result.added} new, {result.merged} merged."
            if result.errors:
                text += f" {len(result.errors)} problem(s), see Last error."
            if result.could_not_read:
                text += f" {len(result.could_not_read)} mail(s) could not be read, listed below."
        else:
            text = f"Checking failed: {result}"
        self.status.setText(text)
        self.reload()


def _unread_text(source: SourceInfo, entry: dict[str, object]) -> str:
    subject = str(entry.get("subject") or "no subject")
    try:
        moment = datetime.fromisoformat(str(entry.get("at")))
    except ValueError:
        when = ""
    else:
        when = _when(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return f"{source.name}, message {entry.get('uid')} “{subject}” ({when}): {entry.get('reason')}"


def _when(moment: datetime) -> str:
    """The app's one form of a moment, on this computer's clock (the panel has no workspace
    clock)."""
    now = datetime.now(UTC)
    return format_moment(moment, now, now.astimezone().tzinfo or UTC)
