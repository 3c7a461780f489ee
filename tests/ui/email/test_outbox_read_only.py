"""The background sender on a workspace opened read-only (a damaged file): it says once that
nothing can be sent and stops trying, instead of logging a traceback every few seconds."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from repdesk.app import open_workspace
from repdesk.store.engine import Sessions
from repdesk.ui.email.outbox_sender import OutboxSender

SENTENCE = "The workspace file work.sqlite3 is damaged; repdesk opened it read-only."


def test_a_read_only_workspace_stops_the_sender_with_one_line(
    qtbot: QtBot, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    ws = open_workspace(sqlite_url)
    try:
        sessions = ws.sessions
        assert isinstance(sessions, Sessions)
        sessions.first_write_check = lambda: SENTENCE  # what the damaged-file check sets
        window = QMainWindow()
        qtbot.addWidget(window)
        with caplog.at_level(logging.WARNING, logger="repdesk"):
            sender = OutboxSender(window, ws.outbox, interval_ms=20)
            qtbot.waitUntil(lambda: not sender.timer.isActive(), timeout=10_000)
            qtbot.wait(200)  # a stopped sender tries no more
        sender.stop()
        sender.wait()
        outbox_lines = [r for r in caplog.records if r.name.startswith("repdesk.ui.email")]
        assert [r.levelno for r in outbox_lines] == [logging.WARNING]
        assert outbox_lines[0].exc_info is None and SENTENCE in outbox_lines[0].getMessage()
        assert SENTENCE in window.statusBar().currentMessage()
    finally:
        ws.close()
