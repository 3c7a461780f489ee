"""What one quick action did, as plain data: a label, and the lead's rows before and after (enough
to put them back exactly). No SQLAlchemy here: the first screen imports Changes, and so this."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

#: table name -> row id -> column values, for the rows of the leads an action touched.
Rows = dict[str, dict[int, dict[str, Any]]]


@dataclass(frozen=True)
class NextStep:
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class UndoStep:
    """One action on some leads; `before` and `after` hold every row of those leads (the lead,
    its activities, follow-ups and qualifications) around it."""

    label: str
    lead_ids: tuple[int, ...]
    before: Rows
    after: Rows
    counted_statuses: frozenset[str] = frozenset()
    """SQLite's trigger-kept status counts: the statuses that had a row before (a row the
    action's status change created goes again with the undo)."""

    @property
    def next_step(self) -> NextStep | None:
        """The pending follow-up after the action (what comes next), if a lead has one."""
        pending = [
            row
            for row in self.after.get("follow_ups", {}).values()
            if row.get("status") == "pending"
        ]
        if not pending:
            return None
        first = min(pending, key=lambda row: row["due_at"])
        return NextStep(str(first["kind"]), first["due_at"])

    @property
    def status_after(self) -> str | None:
        leads = list(self.after.get("leads", {}).values())
        return str(leads[0]["status"]) if len(leads) == 1 else None

    def then(self, later: UndoStep) -> UndoStep:
        """This step and a later one on the same leads as one step (undone together)."""
        if later.lead_ids != self.lead_ids:
            raise ValueError("Only steps on the same leads combine into one.")
        return replace(later, before=self.before, counted_statuses=self.counted_statuses)

    def relabel(self, label: str) -> UndoStep:
        return replace(self, label=label)
