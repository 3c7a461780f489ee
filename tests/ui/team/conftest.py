"""Fixtures of the team window tests: real logins of one team database, each closed after the
test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QMessageBox

from repdesk.app import Workspace, open_workspace, system_clock
from tests.fixtures.team import Team

#: Opens the workspace of one of the team's logins ("ann", "mia"), optionally on a fixed clock.
Login = Callable[..., Workspace]


@pytest.fixture
def login(team: Team) -> Iterator[Login]:
    opened: list[Workspace] = []

    def open_login(who: str, clock: Callable[[], datetime] = system_clock) -> Workspace:
        ws = open_workspace(team.url_for(who), clock=clock)
        opened.append(ws)
        return ws

    yield open_login
    for ws in reversed(opened):
        ws.close()


def boxes_answered(
    monkeypatch: pytest.MonkeyPatch, kind: str, answer: QMessageBox.StandardButton
) -> list[str]:
    """QMessageBox.`kind` ("question", "warning") answers `answer` at once; what each box said
    is kept, in order."""
    said: list[str] = []

    def answered(_parent: object, _title: str, text: str, *_args: object) -> object:
        said.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, kind, answered)
    return said
