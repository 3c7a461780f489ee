"""Errors in the middle of an action become one sentence for the user."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import OperationalError

from repdesk.services.common.errors import UserError
from repdesk.ui.common.error_reporting import user_sentence


def test_a_locked_database_is_explained() -> None:
    exc = OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
    assert user_sentence(exc).startswith(
        "The database is locked by another program; nothing was changed."
    )


def test_user_errors_pass_through_and_others_say_data_is_unchanged() -> None:
    assert user_sentence(UserError("There is no lead with id 7.")) == "There is no lead with id 7."
    sentence = user_sentence(ValueError("bad"))
    assert "ValueError: bad" in sentence and sentence.endswith("your data is unchanged.")
