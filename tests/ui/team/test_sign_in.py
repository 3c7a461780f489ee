"""Signing in to a team database: the password is checked by the server and kept in the real
Secret Service, so the next start connects without asking."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from repdesk.services.settings.secrets import SecretStore
from repdesk.services.team import sign_in
from repdesk.services.team.identity import IdentityService
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.ui.team.sign_in_dialog import SignInDialog, signed_in_url
from tests.fixtures.team import PASSWORD, Team
from tests.services.settings.test_secrets import secret_service

pytestmark = pytest.mark.integration


def test_sign_in_once_then_the_keyring_remembers(qtbot: QtBot, team: Team) -> None:
    secrets = SecretStore(secret_service())
    bare = make_url(team.owner_url).set(username=team.logins["ann"]).render_as_string()
    assert sign_in.needs_password(bare)
    try:
        dialog = SignInDialog(bare, secrets, login=team.logins["ann"])
        qtbot.addWidget(dialog)
        dialog.password.setText("not-the-password")
        dialog.accept()
        assert dialog.result_ is None
        assert dialog.error.text() == (
            "The database refused the login or its password; check them and sign in again."
        )
        dialog.password.setText(PASSWORD)
        dialog.accept()
        assert dialog.result_ is not None and dialog.result_.remembered
        assert PASSWORD not in bare
        # The next start: no dialog, the keyring's password, connected as Ann.
        url = signed_in_url(bare, secrets)
        assert url is not None and make_url(url).password == PASSWORD
        me = IdentityService(make_session_factory(make_engine(url))).me()
        assert (me.rep_name, me.role) == ("Ann Lee", "rep")
    finally:
        sign_in.forget(bare, team.logins["ann"], secrets)
    assert sign_in.remembered_url(bare, secrets) is None
