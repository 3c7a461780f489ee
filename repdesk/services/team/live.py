"""The live queue: other clients' committed changes turned into the `Changes` the pages refresh
from, and whether the connection is up ("offline — reconnecting" otherwise)."""

from __future__ import annotations

from collections.abc import Callable

from repdesk.services.common.changes import Changes
from repdesk.store.change_feed import Changed, ChangeFeed

#: Which part of the window a table's change concerns.
_CHANGES = {
    "leads": Changes(leads=True),
    "follow_ups": Changes(follow_ups=True, leads=True),
    "activities": Changes(activities=True, leads=True),
    "call_markers": Changes(leads=True),
    "reps": Changes(reps=True, leads=True),
    "question_sets": Changes(scripts=True),
    "rule_sets": Changes(scripts=True),
    "settings": Changes(settings=True),
    "email_templates": Changes(settings=True),
    "sources": Changes(sources=True),
}
EVERYTHING = Changes(
    leads=True,
    activities=True,
    follow_ups=True,
    scripts=True,
    settings=True,
    reps=True,
    sources=True,
)


def changes_for(changed: Changed) -> Changes:
    return _CHANGES.get(changed.table, EVERYTHING)


class LiveChanges:
    """Starts the feed for the workspace's database; callbacks come from the feed's thread."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._feed: ChangeFeed | None = None

    def start(
        self,
        on_change: Callable[[Changes, frozenset[int] | None], None],
        on_online: Callable[[bool], None],
    ) -> None:
        def relay(changed: Changed) -> None:
            on_change(changes_for(changed), changed.ids)

        self._feed = ChangeFeed(self._url, relay, on_online)
        self._feed.start()

    def stop(self) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
