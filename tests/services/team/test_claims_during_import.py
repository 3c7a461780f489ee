"""A claim or a call marker that finds the database locked says whose lock it is: this window's
own import (the sentence the save queue uses), not "another program", which is then untrue."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from repdesk.services.common.errors import OWN_IMPORT, UserError
from repdesk.services.team.claims import TeamQueue


class _LockedSessions:
    """A session factory whose every write transaction finds the write lock taken."""

    @contextmanager
    def begin(self) -> Iterator[Any]:
        raise OperationalError(
            "UPDATE leads ...", {}, sqlite3.OperationalError("database is locked")
        )
        yield  # pragma: no cover


def _queue(importing_here: bool) -> TeamQueue:
    me = SimpleNamespace(rep_id=1, role="rep", is_team=True)
    identity: Any = SimpleNamespace(me=lambda: me)
    sessions: Any = _LockedSessions()
    return TeamQueue(sessions, identity, importing_here=lambda: importing_here)


@pytest.mark.parametrize("action", ["claim", "start_call", "end_call"])
def test_a_lock_held_by_this_windows_import_is_named_as_such(action: str) -> None:
    with pytest.raises(UserError) as refused:
        getattr(_queue(importing_here=True), action)(7)
    assert str(refused.value) == OWN_IMPORT


@pytest.mark.parametrize("action", ["claim", "start_call", "end_call"])
def test_a_lock_held_by_another_program_still_says_so(action: str) -> None:
    with pytest.raises(UserError) as refused:
        getattr(_queue(importing_here=False), action)(7)
    assert "locked by another program" in str(refused.value)
