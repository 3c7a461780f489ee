"""A re-inquiry is always seen: a closed lead who asks again is a new inquiry, waiting from the time
it asked, with its history; every re-inquiry carries the row's own time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from repdesk.app import Workspace
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.inbox.inbox_service import InboxFilter
from tests.fixtures.workspace import FakeClock


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def lost_lead(ws: Workspace, tmp_path: Path, clock: FakeClock) -> int:
    """A lead that came in on 1 October and was lost on 10 November."""
    now = clock.now
    clock.now = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    ws.imports.import_files(
        [write(tmp_path / "a.csv", "Name,Email,Created\nAna Ruiz,ana@x.example,2026-10-01 09:00\n")]
    )
    [ana] = ws.leads.list_leads()
    from repdesk.core.domain import LeadStatus

    ws.leads.set_status(ana.id, LeadStatus.LOST, note="went with a competitor")
    clock.now = now
    return ana.id


def waiting_ids(ws: Workspace) -> list[int]:
    snapshot = ws.services.inbox.snapshot(InboxFilter(), ws.services.time.end_of_today())
    return [row.id for row in snapshot.fetch(0, snapshot.waiting)]


def test_a_lost_lead_who_fills_in_the_form_again_is_a_new_inquiry(
    workspace: Workspace, tmp_path: Path, clock: FakeClock
) -> None:
    ws = workspace
    ana_id = lost_lead(ws, tmp_path, clock)
    form = write(
        tmp_path / "form.csv",
        "Timestamp,Name,Email,Message\n2026-11-20 08:30:00,Ana Ruiz,ana@x.example,Back again\n",
    )
    summary = ws.imports.import_files([form])
    assert (summary.added, summary.merged, summary.reopened) == (0, 1, 1)
    [ana] = ws.leads.list_leads()
    assert ana.id == ana_id and ana.status == "new" and ana.first_response_at is None
    asked = datetime(2026, 11, 20, 8, 30, tzinfo=ws.services.time.zone()).astimezone(UTC)
    assert ana.received_at == asked  # the waiting clock runs from the inquiry's own time
    assert ana.next_follow_up_at is not None  # the new-inquiry cadence
    assert waiting_ids(ws)[:1] == [ana_id]  # at the top of the inbox
    timeline = ws.leads.detail(ana_id).activities
    inquiries = [a for a in timeline if a.kind == "inquiry"]
    assert [a.occurred_at for a in inquiries][0] == asked
    assert "Back again" in inquiries[0].body
    assert any(a.kind == "status_change" and "Lost" in a.body for a in timeline)
    assert len(inquiries) == 2  # the history stays


def test_an_old_inquiry_of_a_lead_lost_since_is_history_not_a_reopening(
    workspace: Workspace, tmp_path: Path, clock: FakeClock
) -> None:
    ws = workspace
    ana_id = lost_lead(ws, tmp_path, clock)
    old = write(
        tmp_path / "old.csv",
        "Timestamp,Name,Email\n2026-10-05 10:00:00,Ana Ruiz,ana@x.example\n",
    )
    summary = ws.imports.import_files([old])
    assert summary.reopened == 0
    assert ws.leads.list_leads()[0].status == "lost"
    inquiries = [a for a in ws.leads.detail(ana_id).activities if a.kind == "inquiry"]
    assert len(inquiries) == 2


def test_a_mail_from_a_won_customer_reopens_it_at_the_mails_time(
    workspace: Workspace, clock: FakeClock
) -> None:
    ws = workspace
    sent = datetime(2026, 11, 20, 7, 45, tzinfo=UTC)
    first = ParsedLead(
        1, {"first_name": "Bo", "email": "bo@x.example"}, datetime(2026, 9, 1, tzinfo=UTC), {}, None
    )
    ws.imports.import_parsed([first], "mailbox leads@example.com")
    [bo] = ws.leads.list_leads()
    from repdesk.core.domain import LeadStatus

    now, clock.now = clock.now, datetime(2026, 10, 1, tzinfo=UTC)
    ws.leads.set_status(bo.id, LeadStatus.WON)
    clock.now = now
    again = ParsedLead(2, {"first_name": "Bo", "email": "bo@x.example"}, sent, {}, None)
    ws.imports.import_parsed([again], "mailbox leads@example.com")
    [bo] = ws.leads.list_leads()
    assert (bo.status, bo.received_at) == ("new", sent)
    assert bo.id in waiting_ids(ws)
    times = [a.occurred_at for a in ws.leads.detail(bo.id).activities if a.kind == "inquiry"]
    assert sent in times


def test_the_same_inquiry_imported_twice_is_one_inquiry(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    form = write(
        tmp_path / "form.csv",
        "Timestamp,Name,Email\n2026-11-20 08:30:00,Ana Ruiz,ana@x.example\n",
    )
    ws.imports.import_files([form])
    assert ws.imports.import_files([form]).import_id is None
    [ana] = ws.leads.list_leads()
    inquiries = [a for a in ws.leads.detail(ana.id).activities if a.kind == "inquiry"]
    assert len(inquiries) == 1
