"""Among leads waiting past the response target, those whose form answers qualify them come first;
the first screen (stdlib sqlite3) and the inbox service agree; rows carry the form's verdict."""

from __future__ import annotations

from datetime import timedelta

from repdesk.app import Workspace
from repdesk.core.inbox import InboxFilter
from repdesk.services.inbox.inbox_service import InboxService
from repdesk.services.inbox.inbox_sqlite import SqliteInbox
from repdesk.store.models import LeadRecord
from repdesk.store.sqlite_file import sqlite_path
from tests.services.script.test_form_answers import FORM_FIELDS

NOT_A_FIT = {"need": "no"}


def add(ws: Workspace, name: str, minutes_ago: int) -> int:
    when = ws.clock() - timedelta(minutes=minutes_ago)
    with ws.sessions.begin() as session:
        lead = LeadRecord(
            first_name=name,
            email=f"{name.lower()}@example.test",
            product="website",
            status="new",
            received_at=when,
            created_at=when,
            updated_at=when,
            extra={},
            edited_fields=[],
        )
        session.add(lead)
        session.flush()
        return lead.id


def test_form_qualified_leads_come_first_among_the_late_ones(workspace: Workspace) -> None:
    late_plain = add(workspace, "Ann", 60)
    late_unfit = add(workspace, "Bea", 50)
    late_form = add(workspace, "Cai", 30)
    fresh_form = add(workspace, "Dee", 2)  # within the 5-minute target: no jump
    for lead_id in (late_form, fresh_form):
        workspace.form_answers.arrive(lead_id, FORM_FIELDS)
    workspace.form_answers.arrive(late_unfit, NOT_A_FIT)
    now = workspace.clock()
    end, late_before = workspace.end_of_today(now), now - timedelta(minutes=5)
    service = InboxService(workspace.sessions, workspace.clock)
    snapshot = service.snapshot(InboxFilter(), end, late_before)
    order = [row.id for row in snapshot.fetch(0, 10)]
    assert order == [late_form, late_plain, late_unfit, fresh_form]
    assert snapshot.waiting == 4 and snapshot.total == 4
    # Without a target (an older caller) the order is by waiting time alone.
    plain = [row.id for row in service.snapshot(InboxFilter(), end).fetch(0, 10)]
    assert plain == [late_plain, late_unfit, late_form, fresh_form]
    # Filtered (one pass counts every segment) and windowed reads keep the order.
    only_web = service.snapshot(InboxFilter(product="website"), end, late_before)
    assert [r.id for r in only_web.fetch(1, 2)] == [late_plain, late_unfit]
    path = sqlite_path(workspace.url)
    assert path is not None
    quick = SqliteInbox(path)
    try:
        first = quick.snapshot(end, late_before)
        assert (first.total, first.waiting) == (4, 4)
        assert [row.id for row in first.fetch(0, 10)] == order
        assert [row.id for row in first.fetch(1, 1)] == [late_plain]
    finally:
        quick.close()
    rows = {row.id: row for row in snapshot.fetch(0, 10)}
    assert (rows[late_form].form_verdict, rows[late_form].form_note) == ("qualified", "this month")
    assert rows[late_unfit].form_verdict == "not_a_fit" and rows[late_plain].form_verdict is None
