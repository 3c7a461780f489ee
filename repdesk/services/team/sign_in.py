"""Signing in to a team database: the login's password is asked once and kept only in the system
keyring; the app connects as that PostgreSQL login."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from repdesk.services.common.errors import UserError
from repdesk.services.settings.secrets import SecretStore, SecretsUnavailable
from repdesk.store.engine import make_engine
from repdesk.store.errors import describe_database_error
from repdesk.store.sqlite_file import sqlite_path


@dataclass(frozen=True)
class SignedIn:
    url: str  # with the password: kept in memory only, never written anywhere
    login: str
    remembered: bool  # the keyring holds the password for next time
    note: str = ""  # why it was not remembered


def needs_password(url: str) -> bool:
    """A server URL that names no password (a file, or a URL with one, needs nothing)."""
    return sqlite_path(url) is None and make_url(url).password is None


def keyring_key(url: str) -> str:
    u = make_url(url)
    return f"team:{u.host or 'localhost'}:{u.port or 5432}/{u.database or ''}"


def login_of(url: str) -> str:
    return make_url(url).username or ""


def with_login(url: str, login: str, password: str) -> str:
    signed: URL = make_url(url).set(username=login, password=password)
    return signed.render_as_string(hide_password=False)


def remembered_url(url: str, secrets: SecretStore, login: str | None = None) -> str | None:
    """The URL with the password the keyring keeps for this server and login, or None (nothing
    kept, or no keyring)."""
    login = login or login_of(url)
    if not login:
        return None
    try:
        password = secrets.get_password(keyring_key(url), login)
    except UserError:  # no keyring, or nothing kept for this login
        return None
    return with_login(url, login, password)


def sign_in(url: str, login: str, password: str, secrets: SecretStore) -> SignedIn:
    """Connect as `login` (UserError with one sentence when the server refuses), then keep the
    password in the keyring; without a keyring the session works but nothing is remembered."""
    login = login.strip()
    if not login or not password:
        raise UserError("Enter your login and password.")
    signed = with_login(url, login, password)
    check(signed)
    try:
        secrets.set_password(keyring_key(url), login, password)
    except SecretsUnavailable as exc:
        return SignedIn(signed, login, False, str(exc))
    return SignedIn(signed, login, True)


def forget(url: str, login: str, secrets: SecretStore) -> None:
    """Drop a password the server no longer accepts."""
    with contextlib.suppress(UserError):  # no keyring: nothing was kept either
        secrets.delete_password(keyring_key(url), login)


def check(url: str) -> None:
    """Connect once; UserError with the server's answer in one sentence."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise UserError(describe_database_error(exc)) from exc
    finally:
        engine.dispose()
