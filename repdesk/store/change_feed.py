"""Committed changes of other clients, as they happen: PostgreSQL's NOTIFY on a LISTEN
connection, or SQLite's `PRAGMA data_version` (cheap: one page read), on a thread of its own."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from repdesk.store.sqlite_file import sqlite_path

CHANNEL = "repdesk"
#: How often SQLite's counter is read, and how long a LISTEN waits before checking for stop.
POLL_SECONDS = 0.3
#: Waits between reconnection attempts (the last one repeats).
RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class Changed:
    """One table changed; `ids`: the leads concerned, None for "any" (many rows, or a table that
    is not about one lead, or a catch-up after being offline)."""

    table: str
    ids: frozenset[int] | None


def parse_payload(payload: str) -> Changed:
    table, _, keys = payload.partition(":")
    if not keys or keys == "*":
        return Changed(table or "*", None)
    try:
        return Changed(table, frozenset(int(k) for k in keys.split(",") if k))
    except ValueError:
        return Changed(table, None)


class ChangeFeed:
    """Calls `on_change` for every committed change (from its own thread) and `on_online` with
    False when the connection is lost, True when it is back (followed by a catch-up `*`)."""

    def __init__(
        self,
        url: str,
        on_change: Callable[[Changed], None],
        on_online: Callable[[bool], None] = lambda _online: None,
    ) -> None:
        self._url = url
        self._on_change = on_change
        self._on_online = on_online
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        path = sqlite_path(self._url)
        target = self._watch_sqlite if path is not None else self._listen
        self._thread = threading.Thread(target=target, name="repdesk-change-feed", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- PostgreSQL ------------------------------------------------------------------------------
    def _listen(self) -> None:
        import psycopg

        dsn = make_url(self._url).set(drivername="postgresql").render_as_string(hide_password=False)
        attempt = 0
        online = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    attempt = 0
                    if not online:
                        online = True
                        self._on_online(True)
                        self._on_change(Changed("*", None))  # catch up on what was missed
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=POLL_SECONDS, stop_after=50):
                            self._on_change(parse_payload(note.payload))
            except psycopg.Error:
                if online:
                    online = False
                    self._on_online(False)
                self._stop.wait(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
                attempt += 1

    # -- SQLite ----------------------------------------------------------------------------------
    def _watch_sqlite(self) -> None:
        path = sqlite_path(self._url)
        assert path is not None
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        try:
            last = conn.execute("PRAGMA data_version").fetchone()[0]
            while not self._stop.wait(POLL_SECONDS):
                try:
                    now = conn.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error:
                    continue  # locked for a moment: read it next time
                if now != last:
                    last = now
                    self._on_change(Changed("*", None))
        finally:
            conn.close()
