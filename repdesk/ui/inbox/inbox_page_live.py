"""The inbox's live refresh: another client changed a few leads (the NOTIFY named them), so only
their rows are read again and patched into the table (LeadTableModel.refresh_rows), which keeps
its selection and scroll position.

Where no lead is named (SQLite's `PRAGMA data_version` says only that the file changed; a
catch-up after being offline; an import of more than a hundred leads; the reps, the settings or
the script changed) the list is read again, keeping the scroll position (InboxPage.reload).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from repdesk.core.inbox import InboxFilter
from repdesk.services.common.changes import Changes

if TYPE_CHECKING:  # the first screen paints before SQLAlchemy loads (test_fast_start)
    from repdesk.services.inbox.inbox_service import InboxService
    from repdesk.ui.inbox.lead_table_model import LeadTableModel


def rows_only(changes: Changes) -> bool:
    """The change concerns leads' rows alone (what a row shows), not what every row depends on."""
    if changes.reps or changes.settings or changes.scripts or changes.sources:
        return False
    return changes.leads or changes.follow_ups or changes.activities


def patch_rows(
    model: LeadTableModel,
    inbox: InboxService,
    flt: InboxFilter,
    ids: Collection[int],
    now: datetime,
) -> bool:
    """Re-read the leads `ids` as the model's list shows them (one query), count the list again
    at the same moment, and patch the model; False when that cannot be done (the list is in a
    column's order or a search's, a new day began since it was read, or the rows do not add up)
    and the caller reads the list again."""
    from repdesk.services.inbox.inbox_snapshots import InboxSnapshot

    snapshot = model.snapshot
    if not isinstance(snapshot, InboxSnapshot) or snapshot.order is None:
        return False
    order = snapshot.order
    if now >= order.end_of_today:
        return False  # "due today" moved on: the list is read again
    fresh = snapshot.reread(ids)
    counted = inbox.snapshot(flt, order.end_of_today, order.late_before)
    return model.refresh_rows(counted, fresh, order.key)
