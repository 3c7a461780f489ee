"""What a user action changed, so the UI refreshes only the models it concerns (Anki's
OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    leads: bool = False
    activities: bool = False
    follow_ups: bool = False
    scripts: bool = False
    settings: bool = False
    reps: bool = False
    sources: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{k: getattr(self, k) or getattr(other, k) for k in self.__dataclass_fields__}
        )

    @property
    def any(self) -> bool:
        return any(getattr(self, k) for k in self.__dataclass_fields__)
