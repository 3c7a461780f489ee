"""The lead's timeline as the detail pane lists it: its activities and its history, newest first,
each change once (an edit is both an "edit" activity and a history row per field: one entry)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from repdesk.services.leads.lead_rows import ActivityRow, HistoryRow

ICONS = {
    "call": "☎",
    "email": "✉",
    "note": "✎",
    "meeting": "◷",
    "inquiry": "★",
    "status_change": "→",
    "qualification": "✓",
    "edit": "✐",
    "email_in": "↩",
}
#: An edit's activity and the history rows its save wrote carry the same moment; a database clock
#: and the app's may differ by a little.
SAME_SAVE = timedelta(seconds=1)
INDENT = "\n      "


def timeline_entries(
    activities: Sequence[ActivityRow],
    history: Sequence[HistoryRow],
    when: Callable[[datetime], str],
) -> list[str]:
    """The entries' texts, newest first (activities first at a tie)."""
    # The status change is on the timeline already, as an activity.
    changes = [c for c in history if c.field != "status"]
    merged: set[int] = set()  # the history rows shown inside an edit's entry
    entries: list[tuple[datetime, str]] = []
    for act in activities:
        icon, kind = ICONS.get(act.kind, "•"), act.kind.replace("_", " ")
        text = f"{icon}  {when(act.occurred_at)}  {kind}"
        if act.outcome:
            text += f" — {act.outcome.replace('_', ' ')}"
        if act.duration_seconds:
            text += f" ({act.duration_seconds // 60}:{act.duration_seconds % 60:02d})"
        if act.by:
            text += f" · {act.by}"
        fields = _same_save(act, changes, merged) if act.kind == "edit" else []
        if fields:
            text += "".join(
                f"{INDENT}{c.field.replace('_', ' ')} changed: {shown(c.old)} → {shown(c.new)}"
                for c in fields
            )
        elif act.body:
            text += f"{INDENT}{act.body}"
        entries.append((act.occurred_at, text))
    for i, change in enumerate(changes):
        if i in merged:
            continue
        by = f" · {change.by}" if change.by else ""
        entries.append(
            (
                change.changed_at,
                f"✐  {when(change.changed_at)}  {change.field.replace('_', ' ')} changed{by}"
                f"{INDENT}{shown(change.old)} → {shown(change.new)}",
            )
        )
    entries.sort(key=lambda e: e[0], reverse=True)  # stable: activities first at a tie
    return [text for _at, text in entries]


def _same_save(
    act: ActivityRow, changes: Sequence[HistoryRow], merged: set[int]
) -> list[HistoryRow]:
    """The history rows the edit `act` wrote (same moment), marked as shown."""
    free = [i for i in range(len(changes)) if i not in merged]
    found = [i for i in free if changes[i].changed_at == act.occurred_at] or [
        i for i in free if abs(changes[i].changed_at - act.occurred_at) <= SAME_SAVE
    ]
    merged.update(found)
    return [changes[i] for i in found]


def shown(value: str | None) -> str:
    """A history value on the timeline: empty values say so, long ones are shortened."""
    if value is None or value == "":
        return "(empty)"
    text = " ".join(value.split())
    return text if len(text) <= 80 else text[:79] + "…"
