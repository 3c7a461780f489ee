"""Passwords in the system keyring only (service `repdesk`); refuses plaintext and missing
backends."""

from __future__ import annotations

from typing import Any

from repdesk.services.common.errors import UserError


def _keyring() -> Any:
    """The keyring package, imported on first use (it costs start-up time the first screen does not
    need)."""
    import keyring
    import keyring.errors

    return keyring


SERVICE = "repdesk"

# Backends that store nothing or store secrets in files anyone with the disk can read.
_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
_NO_KEYRING = (
    "No system keyring is available to keep the password safe (install and unlock GNOME Keyring, "
    "KWallet or another Secret Service), so repdesk will not store it."
)


class SecretsUnavailable(UserError):
    """No usable system keyring: passwords cannot be stored or read."""


class SecretStore:
    """Generic secrets by key (`imap:<source id>`, `caldav:<url>`, …) and user name."""

    def __init__(self, backend: Any | None = None) -> None:
        self._backend = backend  # None: whatever _keyring().get_keyring() is at the time of use

    @property
    def backend(self) -> Any:
        return self._backend if self._backend is not None else _keyring().get_keyring()

    def check(self) -> None:
        """Raise SecretsUnavailable unless a real keyring backend is in use."""
        if not usable_backend(self.backend):
            raise SecretsUnavailable(_NO_KEYRING)

    def set_password(self, key: str, username: str, password: str) -> None:
        self.check()
        try:
            self.backend.set_password(SERVICE, _account(key, username), password)
        except _keyring().errors.KeyringError as exc:
            raise SecretsUnavailable(
                f"The system keyring refused to store the password ({_short(exc)})."
            ) from exc

    def get_password(self, key: str, username: str) -> str:
        self.check()
        try:
            value = self.backend.get_password(SERVICE, _account(key, username))
        except _keyring().errors.KeyringError as exc:
            raise SecretsUnavailable(
                f"The system keyring could not be read ({_short(exc)})."
            ) from exc
        if value is None:
            raise UserError(
                f"The system keyring has no password for {username} ({key}); add the source again."
            )
        return str(value)

    def delete_password(self, key: str, username: str) -> None:
        """Forget the password; a password that is not there is not an error."""
        self.check()
        try:
            self.backend.delete_password(SERVICE, _account(key, username))
        except _keyring().errors.PasswordDeleteError:
            pass
        except _keyring().errors.KeyringError as exc:
            raise SecretsUnavailable(
                f"The system keyring could not delete the password ({_short(exc)})."
            ) from exc


def usable_backend(backend: Any) -> bool:
    """True for a backend that keeps secrets safely (a chainer counts when any of its backends
    does)."""
    module = type(backend).__module__
    if module.startswith(_REFUSED_MODULES):
        return False
    if module == "keyring.backends.chainer":
        return any(usable_backend(inner) for inner in getattr(backend, "backends", []))
    name = type(backend).__name__.lower()
    return "plaintext" not in name and "unencrypted" not in name


def _account(key: str, username: str) -> str:
    return f"{key}:{username}"


def _short(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text.splitlines()[0][:160]
