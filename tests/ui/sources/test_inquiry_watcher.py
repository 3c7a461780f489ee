"""The background poller and IDLE: dropped files and new mails show up in the inbox by
themselves."""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QTableView
from pytestqt.qtbot import QtBot

from repdesk.app import open_workspace
from repdesk.services.settings.secrets import SecretStore
from repdesk.services.sources import imap_idle
from repdesk.services.sources.source_service import FetchResult
from repdesk.store.locations import resolve_url
from repdesk.ui import build_main_window
from repdesk.ui.shell.main_window import MainWindow
from repdesk.ui.sources import inquiry_watcher
from repdesk.ui.sources.sources_panel import SourcesPanel
from tests.fixtures.imap import ImapServer
from tests.services.sources.test_sources import CF7, KEYRING, add_mailbox


def test_poller_picks_up_a_dropped_file_and_the_inbox_shows_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    drop = tmp_path / "drop"
    drop.mkdir()
    window.workspace.sources.add_folder(drop)  # type: ignore[attr-defined]
    watcher = window.inquiry_watcher  # type: ignore[attr-defined]
    watcher.set_interval(200)
    table = window.findChild(QTableView, "leadTable")
    assert table.model().rowCount() == 0
    with qtbot.waitSignal(watcher.sig_inquiries_arrived, timeout=10_000) as arrived:
        (drop / "web.csv").write_text(
            "Name,Email,Message\nNora Quick,nora@quick.test,Call me today\n"
        )
    assert arrived.args == [1]
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=5_000)
    shown = [table.model().index(0, c).data() for c in range(table.model().columnCount())]
    assert any("Nora Quick" in str(value) for value in shown)
    assert "new inquiry" in window.statusBar().currentMessage()
    assert (drop / "done" / "web.csv").exists()
    window.close()


def test_sources_panel_lists_sources_and_checks_now(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "bad.csv").write_text("Colour,Size\nred,1\n")
    window.workspace.sources.add_folder(drop)  # type: ignore[attr-defined]
    panel = SourcesPanel(window.workspace.sources)  # type: ignore[attr-defined]
    qtbot.addWidget(panel)
    panel.show()
    assert panel.table.rowCount() == 1 and panel.table.item(0, 0).text() == "drop"
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (drop / "failed" / "bad.csv.error.txt").exists(), timeout=10_000)
    qtbot.waitUntil(lambda: "no name, email" in panel.table.item(0, 4).text(), timeout=5_000)
    window.close()


def open_window_with_mailbox(
    qtbot: QtBot, tmp_path: Path, server: ImapServer
) -> tuple[Any, Any, int, list[Any]]:
    """The main window with one Dovecot mailbox; the list collects (leads added, sources skipped) of
    each poll."""
    # no system keyring here: the workspace's services keep the passwords in memory
    workspace = open_workspace(
        resolve_url(str(tmp_path / "w.sqlite3")), secrets=SecretStore(KEYRING)
    )
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    ws = window.workspace
    polled: list[Any] = []
    fetch_all = ws.sources.fetch_all

    def counting_fetch_all(skip: Collection[int] = ()) -> FetchResult:
        result = fetch_all(skip)
        polled.append((result.added + result.merged, set(skip)))
        return result

    ws.sources.fetch_all = counting_fetch_all
    window.show()
    return window, window.inquiry_watcher, add_mailbox(ws, server), polled  # type: ignore[attr-defined]


@pytest.mark.integration
def test_idle_brings_a_new_mail_into_the_inbox_without_waiting_for_the_poll(
    qtbot: QtBot, tmp_path: Path, imap_server: ImapServer
) -> None:
    window, watcher, source_id, polled = open_window_with_mailbox(qtbot, tmp_path, imap_server)
    ws = window.workspace
    watcher.set_interval(3_600_000)  # the poll will not run again during this test
    watcher.check_now()  # the first check: one poll, and the mailbox goes into IDLE
    qtbot.waitUntil(lambda: source_id in watcher.idling.snapshot(), timeout=10_000)
    table = window.findChild(QTableView, "leadTable")
    qtbot.waitUntil(lambda: not watcher.fetcher.busy, timeout=10_000)
    assert table.model().rowCount() == 0
    time.sleep(0.5)  # the worker's first fetch is done and IDLE is on the wire
    appended = time.monotonic()
    with qtbot.waitSignal(watcher.sig_inquiries_arrived, timeout=15_000) as arrived:
        imap_server.append(CF7)
    assert arrived.args == [1] and time.monotonic() - appended < 15
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=5_000)
    shown = [table.model().index(0, c).data() for c in range(table.model().columnCount())]
    assert any("Jane" in str(value) for value in shown)
    assert ws.sources.list_sources()[0].status == "ok"
    assert polled and all(added == 0 for added, _ in polled)  # IDLE brought it, no poll did
    closed = time.monotonic()
    window.close()  # ends the IDLE worker promptly: nothing outlives the window
    assert time.monotonic() - closed < 5
    assert watcher.idle_pool.activeThreadCount() == 0 and watcher.idling.snapshot() == frozenset()


@pytest.mark.integration
def test_when_idle_breaks_the_poll_takes_over_until_idle_is_back(
    qtbot: QtBot, tmp_path: Path, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inquiry_watcher, "IDLE_RETRY_S", 0.5)
    window, watcher, source_id, polled = open_window_with_mailbox(qtbot, tmp_path, imap_server)
    ws = window.workspace
    watcher.set_interval(300)
    qtbot.waitUntil(lambda: source_id in watcher.idling.snapshot(), timeout=10_000)
    imap_server.stop()  # Dovecot's imap process says BYE some seconds after its master is gone
    qtbot.waitUntil(lambda: source_id not in watcher.idling.snapshot(), timeout=40_000)
    qtbot.waitUntil(lambda: ws.sources.list_sources()[0].status == "offline", timeout=5_000)
    polls = len(polled)
    qtbot.waitUntil(
        lambda: any(source_id not in skip for _, skip in polled[polls:]), timeout=5_000
    )  # polled again
    imap_server.start()
    with qtbot.waitSignal(watcher.sig_inquiries_arrived, timeout=20_000):
        imap_server.append(CF7)
    assert len(ws.leads.list_leads()) == 1
    qtbot.waitUntil(lambda: source_id in watcher.idling.snapshot(), timeout=10_000)  # IDLE again
    assert ws.sources.list_sources()[0].status == "ok"
    window.close()
    assert watcher.idle_pool.activeThreadCount() == 0


@pytest.mark.integration
def test_a_server_without_idle_is_polled(
    qtbot: QtBot, tmp_path: Path, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imap_idle, "offers_idle", lambda conn: False)
    window, watcher, source_id, polled = open_window_with_mailbox(qtbot, tmp_path, imap_server)
    watcher.set_interval(300)
    watcher.check_now()
    qtbot.waitUntil(lambda: source_id in watcher._no_idle, timeout=10_000)  # its worker ended
    with qtbot.waitSignal(watcher.sig_inquiries_arrived, timeout=10_000):
        imap_server.append(CF7)
    assert sum(added for added, _ in polled) == 1 and source_id not in watcher.idling.snapshot()
    window.close()


@pytest.mark.integration
def test_the_sources_panel_lists_the_mails_it_could_not_read(
    qtbot: QtBot, tmp_path: Path, imap_server: ImapServer
) -> None:
    window, _watcher, _source, _polled = open_window_with_mailbox(qtbot, tmp_path, imap_server)
    imap_server.append(CF7)
    imap_server.append(b"Subject: hello\r\n\r\nJust text, nobody signed.\r\n")
    panel = SourcesPanel(window.workspace.sources)
    qtbot.addWidget(panel)
    panel.resize(1024, 640)
    panel.show()
    unread = panel.findChild(QListWidget, "couldNotReadList")
    assert not unread.isVisible()  # nothing to show yet
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: unread.count() == 1, timeout=20_000)
    text = unread.item(0).text()
    assert "message 2 “hello”" in text and "no From header" in text
    assert unread.isVisible() and "1 mail(s) could not be read" in panel.status.text()
    window.close()
