"""What a user action changed, so the UI refreshes only the models it concerns (Anki's
OpChanges), and how to take it back (`undo`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from repdesk.services.common.undo_step import UndoStep

_FLAGS = ("leads", "activities", "follow_ups", "scripts", "settings", "reps", "sources")


@dataclass(frozen=True)
class Changes:
    leads: bool = False
    activities: bool = False
    follow_ups: bool = False
    scripts: bool = False
    settings: bool = False
    reps: bool = False
    sources: bool = False
    undo: UndoStep | None = field(default=None, compare=False, repr=False)
    """A quick action's rows before and after it: the UI's Undo (Ctrl+Z) puts them back."""

    def __or__(self, other: Changes) -> Changes:
        # Two services, one action (a call logged, then the qualification): undone together.
        first, later = self.undo, other.undo
        undo = first.then(later) if first is not None and later is not None else first or later
        return Changes(**{k: getattr(self, k) or getattr(other, k) for k in _FLAGS}, undo=undo)

    @property
    def any(self) -> bool:
        return any(getattr(self, k) for k in _FLAGS)
