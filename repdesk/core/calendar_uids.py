"""A follow-up's calendar UID: derived from the step's id and its workspace's id, stable forever.

Exported and pushed events are matched by UID, so a re-export updates an event instead of adding
a second one. Step ids are never reused, and the workspace id (random, made once by migration
0009) keeps two workspaces' step 17 apart in one calendar. Steps made before 0009 keep the random
UID they were first exported with (`legacy`).
"""

from __future__ import annotations

import re

_DERIVED = re.compile(r"followup-([1-9][0-9]*)\.([0-9a-f]{32})@repdesk")


def follow_up_uid(follow_up_id: int, workspace_id: str, legacy: str | None = None) -> str:
    """The UID of step `follow_up_id` of the workspace `workspace_id` (32 lowercase hex digits)."""
    if legacy:
        return legacy
    if follow_up_id <= 0:
        raise ValueError(f"A follow-up id is positive, not {follow_up_id}.")
    return f"followup-{follow_up_id}.{workspace_id}@repdesk"


def follow_up_id_of(uid: str, workspace_id: str) -> int | None:
    """The step id a derived UID of this workspace names; None for any other UID (a legacy one,
    another workspace's, or another program's event)."""
    match = _DERIVED.fullmatch(uid)
    if match is None or match.group(2) != workspace_id:
        return None
    return int(match.group(1))
