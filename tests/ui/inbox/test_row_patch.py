"""row_patch: the ops that bring the inbox's rows read so far up to date with a few changed leads
(update in place, remove, insert where it sorts), or None when the result does not add up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from repdesk.services.leads.lead_rows import LeadSummary
from repdesk.ui.inbox.row_patch import Op, row_patch

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _lead(lead_id: int, minutes: int, company: str = "") -> LeadSummary:
    return LeadSummary(
        lead_id, "Pat", "", company or f"Co {lead_id}", "", "", "", "", "", "new", None,
        T0 + timedelta(minutes=minutes), None, None, "",
    )  # fmt: skip


def _key(lead: LeadSummary) -> tuple[float, ...]:
    return (lead.received_at.timestamp(), float(lead.id))


def _apply(rows: list[LeadSummary], ops: list[Op]) -> list[int]:
    work = list(rows)
    for op, at, lead in ops:
        if op == "remove":
            del work[at]
        elif lead is not None:
            work[at : at + (op == "update")] = [lead]
    return [lead.id for lead in work]


ROWS = [_lead(i, i * 10) for i in range(1, 6)]  # ids 1..5, in order


def test_a_lead_that_keeps_its_place_is_updated_in_place() -> None:
    ops = row_patch(ROWS, 5, {3: _lead(3, 30, "Renamed")}, _key, 5)
    assert ops == [("update", 2, _lead(3, 30, "Renamed"))]


def test_a_lead_that_moves_is_removed_and_inserted_where_it_sorts() -> None:
    ops = row_patch(ROWS, 5, {2: _lead(2, 45)}, _key, 5)
    assert ops is not None and [op for op, _at, _lead in ops] == ["remove", "insert"]
    assert _apply(ROWS, ops) == [1, 3, 4, 2, 5]


def test_leads_that_leave_or_enter_the_list() -> None:
    ops = row_patch(ROWS, 5, {4: None, 9: _lead(9, 15)}, _key, 5)
    assert ops is not None
    assert _apply(ROWS, ops) == [1, 9, 2, 3, 5]


def test_past_the_rows_read_a_lead_is_left_to_be_read_when_shown() -> None:
    # Five rows read of a list of twenty: a lead sorting after them is not inserted, and the last
    # row read, whose next neighbour is unknown, is let go when it changed.
    ops = row_patch(ROWS, 20, {9: _lead(9, 999), 5: _lead(5, 50, "Renamed")}, _key, 21)
    assert ops == [("remove", 4, None)]


def test_rows_that_do_not_add_up_with_the_new_count_are_read_again() -> None:
    assert row_patch(ROWS, 5, {3: None}, _key, 5) is None  # the whole list, one gone: 4 ≠ 5
    assert row_patch(ROWS, 20, {}, _key, 4) is None  # more rows read than there are now
