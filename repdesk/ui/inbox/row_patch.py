"""How the inbox's rows read so far change when other clients changed a few leads: which rows to
update in place, remove and insert (and where), so that the table keeps its selection and
scroll position and no other row is read again (LeadTableModel.refresh_rows)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from repdesk.services.leads.lead_rows import LeadSummary

Op = tuple[Literal["update", "remove", "insert"], int, LeadSummary | None]
"""("update", row, lead), ("remove", row, None) or ("insert", row, lead), each on the rows as the
ops before it left them."""


def row_patch(
    rows: Sequence[LeadSummary],
    total: int,
    fresh: Mapping[int, LeadSummary | None],
    key: Callable[[LeadSummary], tuple[float, ...]],
    new_total: int,
) -> list[Op] | None:
    """The ops that turn `rows` (the first rows of a list of `total`, in `key` order) into the
    first rows of the list once the leads of `fresh` are as given (None: no longer listed), the
    list then counting `new_total`. A lead that sorts past the rows read is left to be read when
    shown. None when the result does not add up with `new_total` (a change not heard of yet, or
    the clock moved a lead): the list is to be read again."""
    whole = len(rows) == total  # every listed lead has been read
    work = list(rows)
    keys = [key(lead) for lead in work]
    ops: list[Op] = []
    moved: list[LeadSummary] = []
    for lead_id, lead in fresh.items():
        at = next((n for n, known in enumerate(work) if known.id == lead_id), -1)
        if at < 0:
            if lead is not None:
                moved.append(lead)  # listed now, not among the rows read
            continue
        if lead is not None:
            new = key(lead)
            after_previous = at == 0 or keys[at - 1] < new
            before_next = new < keys[at + 1] if at + 1 < len(work) else whole
            if after_previous and before_next:
                work[at], keys[at] = lead, new
                ops.append(("update", at, lead))
                continue
            moved.append(lead)  # its place changed
        del work[at], keys[at]
        ops.append(("remove", at, None))
    for lead in moved:
        new = key(lead)
        at = bisect_left(keys, new)
        if at == len(work) and not whole:
            continue  # sorts past the rows read: read when shown
        work.insert(at, lead)
        keys.insert(at, new)
        ops.append(("insert", at, lead))
    if len(work) > new_total or (whole and len(work) != new_total):
        return None
    return ops
