"""Settings → Email: the outgoing server and the sending identity; saving tests the login first
(off the GUI thread) and keeps the password in the system keyring only."""

from __future__ import annotations

from email.utils import formataddr
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.email.accounts import AccountInfo, AccountService
from repdesk.ui.common.background import BackgroundTask, run_in_background

PORTS = {"starttls": 587, "tls": 465, "none": 25}


class EmailSettingsPanel(QWidget):
    sig_settings_saved = Signal(object)
    """Emitted with a Changes value after the account was saved or removed."""

    def __init__(self, accounts: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emailSettings")
        self._accounts = accounts
        self._task: BackgroundTask | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.current = QLabel()
        self.current.setObjectName("emailAccountState")
        self.current.setWordWrap(True)
        outer.addWidget(self.current)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name = QLineEdit(objectName="smtpFromName")
        self.name.setPlaceholderText("Sam Ortiz")
        self.address = QLineEdit(objectName="smtpFromAddress")
        self.address.setPlaceholderText("sam@yourcompany.com")
        self.phone = QLineEdit(objectName="smtpPhone")
        self.phone.setPlaceholderText("optional: for {rep_phone} in templates")
        self.host = QLineEdit(objectName="smtpHost")
        self.host.setPlaceholderText("smtp.yourprovider.com")
        self.security = QComboBox(objectName="smtpSecurity")
        self.security.setMaximumWidth(260)
        self.security.addItem("STARTTLS", "starttls")
        self.security.addItem("TLS", "tls")
        self.security.addItem("None (this computer only)", "none")
        self.port = QSpinBox(objectName="smtpPort")
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.port.setFixedWidth(110)
        self.security.currentIndexChanged.connect(
            lambda _i: self.port.setValue(PORTS[self.security.currentData()])
        )
        self.user = QLineEdit(objectName="smtpUser")
        self.password = QLineEdit(objectName="smtpPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_file = QLineEdit(objectName="smtpCaFile")
        self.ca_file.setPlaceholderText("optional: trust this CA (PEM), e.g. a self-signed server")
        for label, widget in (
            ("Your name", self.name),
            ("Your address", self.address),
            ("Your phone", self.phone),
            ("Server", self.host),
            ("Security", self.security),
            ("Port", self.port),
            ("User", self.user),
            ("Password", self.password),
            ("CA file", self.ca_file),
        ):
            if isinstance(widget, QLineEdit):
                widget.setMinimumWidth(280)
            form.addRow(label, widget)
        outer.addLayout(form)
        note = QLabel(
            "Saving logs in once to test the account. The password is kept in the system "
            "keyring, never in the database. On a team database each rep has their own."
        )
        note.setObjectName("muted")
        note.setWordWrap(True)
        outer.addWidget(note)
        self.error = QLabel(objectName="emailSettingsError")
        self.error.setStyleSheet("color: #cf222e")
        self.error.setWordWrap(True)
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save and test login", objectName="saveEmailAccount")
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Remove account", objectName="removeEmailAccount")
        self.remove_button.clicked.connect(self.remove)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        outer.addStretch(1)
        self.setMaximumWidth(720)
        self.load()

    def load(self) -> None:
        account = self._accounts.account()
        self.remove_button.setVisible(account is not None)
        if account is None:
            self.current.setText(
                "No outgoing account yet: without one, Email opens your mail program and replies "
                "cannot be sent from repdesk."
            )
            return
        s = account.settings
        self.name.setText(account.from_name)
        self.address.setText(account.from_address)
        self.phone.setText(account.phone)
        self.host.setText(s.host)
        self.security.setCurrentIndex(max(0, self.security.findData(s.security)))
        self.port.setValue(s.port)
        self.user.setText(s.user)
        self.ca_file.setText(s.ca_file)
        self.password.setPlaceholderText("stored in the system keyring (type to change)")
        self.current.setText(_state(account))

    def values(self) -> dict[str, Any]:
        return {
            "host": self.host.text(),
            "port": self.port.value(),
            "user": self.user.text(),
            "password": self.password.text(),
            "sender": formataddr((self.name.text().strip(), self.address.text().strip())),
            "security": self.security.currentData(),
            "ca_file": self.ca_file.text().strip(),
            "phone": self.phone.text(),
        }

    def save(self) -> None:
        values = self.values()
        if not values["password"]:
            account = self._accounts.account()
            if account is not None:
                try:
                    values["password"] = self._accounts.password(account)
                except UserError as exc:
                    self.error.setText(str(exc))
                    return
        self.error.clear()
        self.save_button.setEnabled(False)
        self.save_button.setText("Testing the login…")
        self._task = run_in_background(
            lambda _progress: self._accounts.add_smtp(**values),
            on_done=self._saved,
            on_error=self._failed,
        )

    def _saved(self, _result: object) -> None:
        self._task = None
        self._reset_button()
        self.password.clear()
        self.load()
        self.sig_settings_saved.emit(Changes(settings=True))

    def _failed(self, message: str) -> None:
        self._task = None
        self._reset_button()
        self.error.setText(message)

    def _reset_button(self) -> None:
        self.save_button.setEnabled(True)
        self.save_button.setText("Save and test login")

    def remove(self) -> None:
        account = self._accounts.account()
        if account is None:
            return
        try:
            self._accounts.remove(account.id)
        except UserError as exc:
            self.error.setText(str(exc))
            return
        for edit in (self.host, self.user, self.password, self.ca_file):
            edit.clear()
        self.load()
        self.sig_settings_saved.emit(Changes(settings=True))

    def wait(self, msecs: int = 30_000) -> None:
        """Tests: block until a save started here has finished."""
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(msecs)


def _state(account: AccountInfo) -> str:
    s = account.settings
    state = {"ok": "the last login worked", "offline": "the server could not be reached"}.get(
        account.status, account.status
    )
    text = f"Sending as {account.from_header} via {s.host}:{s.port} ({s.security}); {state}."
    if account.last_error and account.status != "ok":
        text += f" {account.last_error}"
    return text
