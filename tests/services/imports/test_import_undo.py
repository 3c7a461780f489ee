"""Undo import takes back exactly what the import did: never a later edit, the owner it set, the
reps it made, the steps of the leads it added (calendars get them cancelled); and it offers the
last import the user started, not a mailbox check."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from repdesk.app import Workspace
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.common.errors import UserError
from repdesk.store.models import FollowUpRecord, ImportRecord, RepRecord
from tests.fixtures.workspace import FakeClock
from tests.services.calendar.test_caldav_sync import MemoryKeyring, caldav_sync, server_events


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_undo_keeps_what_the_rep_typed_after_the_import(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    ws.imports.import_files([write(tmp_path / "a.csv", "Name,Email\nAna Ruiz,ana@x.example\n")])
    [ana] = ws.leads.list_leads()
    summary = ws.imports.import_files(
        [
            write(
                tmp_path / "b.csv",
                "Name,Email,Company,Job Title,Notes\n"
                "Ana Ruiz,ana@x.example,Ruiz Co,Owner,From the trade show\n",
            )
        ]
    )
    assert summary.merged == 1
    ws.leads.update_lead(ana.id, {"company": "Ruiz Holdings", "title": "CEO"})
    undone = ws.imports.undo()
    [after] = ws.leads.list_leads()
    # The rep's company and title stay; the notes the import added go.
    assert (after.company, after.title, after.notes) == ("Ruiz Holdings", "CEO", "")
    assert undone.result.kept == ["Ana Ruiz: your company", "Ana Ruiz: your title"]
    assert "Kept what you changed since" in undone.message


def test_undo_takes_back_the_owner_it_set_and_the_rep_it_made(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    ws.imports.import_files([write(tmp_path / "a.csv", "Name,Email\nAna Ruiz,ana@x.example\n")])
    ws.imports.import_files(
        [
            write(
                tmp_path / "b.csv",
                "Name,Email,Contact owner\nAna Ruiz,ana@x.example,Quinn Lee\n"
                "Bo Li,bo@x.example,Quinn Lee\n",
            )
        ]
    )
    assert {lead.owner for lead in ws.leads.list_leads()} == {"Quinn Lee"}
    ws.imports.undo()
    [ana] = ws.leads.list_leads()
    assert ana.owner is None
    with ws.sessions() as session:
        assert session.scalars(select(RepRecord.name)).all() == []


def test_a_rep_the_import_made_stays_when_someone_uses_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    ws.imports.import_files([write(tmp_path / "a.csv", "Name,Email\nAna Ruiz,ana@x.example\n")])
    ws.imports.import_files(
        [write(tmp_path / "b.csv", "Name,Email,Contact owner\nBo Li,bo@x.example,Quinn Lee\n")]
    )
    [ana] = [lead for lead in ws.leads.list_leads() if lead.first_name == "Ana"]
    with ws.sessions.begin() as session:
        quinn = session.scalars(select(RepRecord).where(RepRecord.name == "Quinn Lee")).one()
        from repdesk.store.models import LeadRecord

        lead = session.get(LeadRecord, ana.id)
        assert lead is not None
        lead.owner_id = quinn.id  # Quinn took Ana on after the import
    ws.imports.undo()
    with ws.sessions() as session:
        assert session.scalars(select(RepRecord.name)).all() == ["Quinn Lee"]


def test_undo_cancels_the_steps_of_the_leads_it_removes_in_the_next_export(
    workspace: Workspace, tmp_path: Path, clock: FakeClock
) -> None:
    ws = workspace
    ws.imports.import_files(
        [write(tmp_path / "a.csv", "Name,Email\nAna Ruiz,ana@x.example\nBo Li,bo@x.example\n")]
    )
    first = tmp_path / "first.ics"
    ws.services.calendar.export(first)
    exported = Calendar.from_ical(first.read_bytes())
    uids = {str(e["UID"]) for e in exported.walk("VEVENT")}
    assert len(uids) == 2
    clock.now += timedelta(minutes=5)
    ws.imports.undo()
    assert ws.leads.list_leads() == []
    second = tmp_path / "second.ics"
    ws.services.calendar.export(second)
    events = {str(e["UID"]): e for e in Calendar.from_ical(second.read_bytes()).walk("VEVENT")}
    assert set(events) == uids
    assert {str(e["STATUS"]) for e in events.values()} == {"CANCELLED"}
    sequences = {str(e["UID"]): int(e["SEQUENCE"]) for e in exported.walk("VEVENT")}
    assert all(int(e["SEQUENCE"]) > sequences[uid] for uid, e in events.items())
    third = tmp_path / "third.ics"
    ws.services.calendar.export(third)  # sent once; the calendar has it now
    assert list(Calendar.from_ical(third.read_bytes()).walk("VEVENT")) == []


def test_a_step_buried_again_under_the_same_uid_keeps_one_tombstone(
    workspace: Workspace, tmp_path: Path, clock: FakeClock
) -> None:
    """Tombstones are written a chunk at a time; one whose UID is already buried is updated (the
    newer sequence and time), never doubled and never an error."""
    from repdesk.services.imports.import_undo import _bury_steps
    from repdesk.store.models import CalendarTombstoneRecord, LeadRecord

    ws = workspace
    source = write(tmp_path / "a.csv", "Name,Email\nAna Ruiz,ana@x.example\nBo Li,bo@x.example\n")
    ws.imports.import_files([source])
    workspace_id = str(ws.settings.get("workspace_id"))
    buried = []
    for _ in range(2):
        with ws.sessions.begin() as session:
            ids = list(session.scalars(select(LeadRecord.id)))
            _bury_steps(session, ids, clock.now, workspace_id)
        with ws.sessions() as session:
            buried.append(
                {
                    t.uid: (t.created_at, t.sequence)
                    for t in session.scalars(select(CalendarTombstoneRecord))
                }
            )
        clock.now += timedelta(minutes=5)
    first, second = buried
    assert len(first) == 2 and set(second) == set(first)
    for uid, (created, sequence) in second.items():
        assert created == first[uid][0] + timedelta(minutes=5)
        assert sequence == first[uid][1]  # the cancelled step's, as it stands


@pytest.mark.integration
def test_undo_deletes_the_events_of_removed_leads_on_the_next_caldav_push(
    workspace: Workspace, tmp_path: Path, radicale_url: str
) -> None:
    ws = workspace
    sync = caldav_sync(ws, _secrets())
    sync.configure(radicale_url, "rep", "secret")
    ws.imports.import_files(
        [write(tmp_path / "a.csv", "Name,Email\nAna Ruiz,ana@x.example\nBo Li,bo@x.example\n")]
    )
    assert sync.push().created == 2
    assert len(server_events(radicale_url)) == 2
    ws.imports.undo()
    assert sync.push().cancelled == 2
    assert server_events(radicale_url) == {}


def _secrets():  # type: ignore[no-untyped-def]
    from repdesk.services.settings.secrets import SecretStore

    return SecretStore(MemoryKeyring())


def test_undo_last_import_offers_the_users_import_not_a_mailbox_check(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    mine = ws.imports.import_files(
        [write(tmp_path / "a.csv", "Name,Email\nAna Ruiz,ana@x.example\n")]
    )
    mail = ParsedLead(7, {"first_name": "Bo", "email": "bo@x.example"}, None, {}, None)
    polled = ws.imports.import_parsed([mail], "mailbox leads@example.com")
    assert polled.added == 1
    last = ws.imports.last_import()
    assert last is not None and last.id == mine.import_id
    ws.imports.undo()
    assert [lead.first_name for lead in ws.leads.list_leads()] == ["Bo"]


def test_an_empty_batch_writes_no_import_record(workspace: Workspace) -> None:
    ws = workspace
    remembered = []
    ws.imports.import_parsed([], "mailbox leads@example.com", also=lambda s: remembered.append(1))
    assert remembered == [1]
    with ws.sessions() as session:
        assert session.scalars(select(ImportRecord)).all() == []
    with pytest.raises(UserError):
        ws.imports.undo()


def test_undo_of_an_import_into_a_closed_lead_closes_it_again(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    ws.imports.import_files(
        [
            write(
                tmp_path / "a.csv",
                "Name,Email,Status,Created\nAna Ruiz,ana@x.example,lost,2026-10-01 09:00\n",
            )
        ],
        as_kind="inquiries",
    )
    [ana] = ws.leads.list_leads()
    assert ana.status == "lost"
    ws.imports.import_files(
        [
            write(
                tmp_path / "b.csv", "Name,Email,Created\nAna Ruiz,ana@x.example,2026-11-19 09:00\n"
            )
        ],
        as_kind="inquiries",
    )
    assert ws.leads.list_leads()[0].status == "new"
    ws.imports.undo()
    [back] = ws.leads.list_leads()
    assert back.status == "lost" and back.next_follow_up_at is None
    with ws.sessions() as session:
        steps = session.scalars(
            select(FollowUpRecord.status).where(FollowUpRecord.lead_id == back.id)
        ).all()
    assert "pending" not in steps
