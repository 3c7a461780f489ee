"""The change feed: what committed before LISTEN took effect is never missed."""

from __future__ import annotations

import threading

import pytest

from repdesk.store.change_feed import Changed, ChangeFeed
from tests.fixtures.team import Team


@pytest.mark.integration
def test_the_first_connection_catches_up_on_what_committed_before_listen(team: Team) -> None:
    # A change committed while a window was starting (before its LISTEN) is only heard of by a
    # catch-up: the feed must send one on its first connection, not only after a reconnect.
    heard: list[Changed] = []
    caught_up = threading.Event()

    def on_change(changed: Changed) -> None:
        heard.append(changed)
        if changed.table == "*":
            caught_up.set()

    feed = ChangeFeed(team.owner_url, on_change)
    feed.start()
    try:
        assert caught_up.wait(10), f"no catch-up after the first LISTEN; heard {heard}"
    finally:
        feed.stop()
