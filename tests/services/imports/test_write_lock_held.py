"""ImportService.write_lock_held: whether an import (this program's or another's) holds the
workspace's write lock now, asked without waiting for it (issue 19.4: the window's saves wait for
the import instead of failing)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy.orm import Session

from repdesk.app import open_workspace
from repdesk.formats.lead_file import ParsedLead
from repdesk.store.locations import resolve_url


def test_an_import_in_this_program_or_another_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    ws = open_workspace(resolve_url(str(path)))
    try:
        assert ws.imports.write_lock_held() is False
        # Another program's import: its write transaction holds SQLite's write lock.
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        assert ws.imports.write_lock_held() is True
        assert time.monotonic() - started < 1.0  # asked, not waited for (the busy timeout is 5 s)
        other.execute("ROLLBACK")
        other.close()
        assert ws.imports.write_lock_held() is False

        # This program's import (a watched folder's, in a worker thread), inside its transaction.
        inside, release = threading.Event(), threading.Event()

        def hold(_session: Session) -> None:
            inside.set()
            release.wait(30)

        row = ParsedLead(1, {"first_name": "Ana", "email": "ana@x.example"}, None, {}, None)
        worker = threading.Thread(target=lambda: ws.imports.import_parsed([row], "f", also=hold))
        worker.start()
        try:
            assert inside.wait(30)
            assert ws.imports.write_lock_held() is True
        finally:
            release.set()
            worker.join(30)
        assert ws.imports.write_lock_held() is False
        assert [lead.email for lead in ws.leads.list_leads()] == ["ana@x.example"]
    finally:
        ws.close()


def test_a_moments_write_is_waited_for_an_import_is_not(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    ws = open_workspace(resolve_url(str(path)))
    try:
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # a background task's write, over in 50 ms
        threading.Timer(0.05, lambda: other.execute("COMMIT")).start()
        assert ws.imports.write_lock_held(wait_ms=10_000) is False
        other.execute("BEGIN IMMEDIATE")  # an import: longer than the wait
        started = time.monotonic()
        assert ws.imports.write_lock_held(wait_ms=200) is True
        assert 0.15 < time.monotonic() - started < 4.0
        other.execute("ROLLBACK")
        other.close()
    finally:
        ws.close()
