"""Sign in to a team database once: login and password, checked against the server, the password
kept in the system keyring for the next start."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from repdesk.services.common.errors import UserError
from repdesk.services.settings.secrets import SecretStore
from repdesk.services.team import sign_in


class SignInDialog(QDialog):
    def __init__(
        self,
        url: str,
        secrets: SecretStore,
        *,
        login: str = "",
        message: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in to the team database")
        self.setMinimumWidth(420)
        self._url = url
        self._secrets = secrets
        self.result_: sign_in.SignedIn | None = None
        form = QFormLayout(self)
        where = QLabel(sign_in.keyring_key(url).removeprefix("team:"))
        where.setObjectName("muted")
        form.addRow("Database", where)
        self.login = QLineEdit(login)
        self.login.setObjectName("signInLogin")
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Login", self.login)
        form.addRow("Password", self.password)
        self.error = QLabel(message)
        self.error.setObjectName("signInError")
        self.error.setStyleSheet("color: #cf222e")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        hint = QLabel("The password is kept in your system keyring, never in a file.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        form.addRow(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        (self.password if login else self.login).setFocus()

    def accept(self) -> None:
        try:
            self.result_ = sign_in.sign_in(
                self._url, self.login.text(), self.password.text(), self._secrets
            )
        except UserError as exc:
            self.error.setText(str(exc))
            self.password.selectAll()
            self.password.setFocus()
            return
        super().accept()


def signed_in_url(url: str, secrets: SecretStore, parent: QWidget | None = None) -> str | None:
    """The URL to open: as given when it needs no password, with the password the keyring keeps,
    or after the sign-in dialog; None when the user cancelled."""
    if not sign_in.needs_password(url):
        return url
    settings = QSettings("repdesk", "repdesk")
    setting = f"team/{sign_in.keyring_key(url)}/login"
    login = sign_in.login_of(url) or str(settings.value(setting, "") or "")
    message = ""
    remembered = sign_in.remembered_url(url, secrets, login)
    if remembered is not None:
        try:
            sign_in.check(remembered)
            return remembered
        except UserError as exc:  # a changed password, or the server is down
            message = str(exc)
            if "password" in message:
                sign_in.forget(url, login, secrets)
    dialog = SignInDialog(url, secrets, login=login, message=message, parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_ is None:
        return None
    settings.setValue(setting, dialog.result_.login)
    return dialog.result_.url
