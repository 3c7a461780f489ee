"""What the sources' use cases give the UI and the CLI: a source as listed, a fetch's outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SourceInfo:
    id: int
    kind: str
    name: str
    status: str
    last_error: str
    last_checked_at: datetime | None
    config: dict[str, Any]
    could_not_read: list[dict[str, Any]] = field(default_factory=list)
    """Mails of this source that were not made leads, newest last: uid, subject, reason, at."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "status": self.status,
            "last_error": self.last_error,
            "last_checked_at": self.last_checked_at.isoformat() if self.last_checked_at else None,
            "config": self.config,
            "could_not_read": list(self.could_not_read),
        }


@dataclass
class FetchResult:
    added: int = 0
    merged: int = 0
    errors: list[str] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)
    could_not_read: list[dict[str, Any]] = field(default_factory=list)
    replies: int = 0
    """Messages filed on leads as mail back from them (replies, automatic answers, bounces)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "merged": self.merged,
            "errors": list(self.errors),
            "could_not_read": list(self.could_not_read),
        }
