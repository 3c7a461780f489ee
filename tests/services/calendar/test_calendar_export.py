"""Calendar export: golden .ics under a fixed clock, stable UID, growing SEQUENCE, cancellations
once, parse-back."""

from __future__ import annotations

import json
import os
from datetime import UTC, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select, update

from repdesk.app import Workspace
from repdesk.cli import main
from repdesk.core.calendar_uids import follow_up_uid
from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.services.calendar.calendar_export import ExportFilter
from repdesk.services.common.errors import UserError
from repdesk.store.models import FollowUpRecord, LeadRecord, RepRecord
from tests.fixtures.workspace import FakeClock
from tests.formats.test_ics import icaljs, run_icaljs  # noqa: F401 (icaljs is a fixture)

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str, text: str) -> bytes:
    """The golden file's bytes; REPDESK_UPDATE_GOLDEN=1 rewrites it from text first."""
    path = GOLDEN / name
    if os.environ.get("REPDESK_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return path.read_bytes()


WORKSPACE_ID = "5eed" * 8


def uid_of(ws: Workspace, record: FollowUpRecord) -> str:
    return follow_up_uid(record.id, str(ws.settings.get("workspace_id")), record.legacy_uid)


def seed(ws: Workspace) -> dict[str, int]:
    """Three leads (two reps) in New York time, with deterministic follow-up UIDs (a fixed
    workspace id)."""
    ws.settings.set("timezone", "America/New_York")
    ws.settings.set("workspace_id", WORKSPACE_ID)
    now = ws.clock()
    ids: dict[str, int] = {}
    with ws.sessions.begin() as session:
        sam, priya = RepRecord(name="Sam Ortiz"), RepRecord(name="Priya Shah")
        session.add_all([sam, priya])
        session.flush()
        for key, first, last, company, phone, status, owner in (
            ("jane", "Jane", "Doe", "Acme, Inc.", "+15550100123", "new", sam.id),
            ("omar", "Omar", "Haddad", "Haddad HVAC", "+15550100456", "contacted", priya.id),
            ("zoe", "Zoë", "Müller", "", "", "nurture", sam.id),
        ):
            lead = LeadRecord(
                first_name=first,
                last_name=last,
                company=company,
                phone=phone,
                email=f"{first.lower()}@example.com",
                status=status,
                owner_id=owner,
                received_at=now - timedelta(hours=2),
                created_at=now,
                updated_at=now,
                extra={},
                edited_fields=[],
                notes="Prefers mornings; budget approved" if key == "omar" else "",
            )
            session.add(lead)
            session.flush()
            ws.followups.planner.sync(session, lead, now)
            ids[key] = lead.id
        session.flush()
    ws.leads.add_note(ids["jane"], "Wants a quote for 40 seats, call after 10")
    return ids


def pending_of(ws: Workspace, lead_id: int) -> FollowUpRecord:
    with ws.sessions() as session:
        return session.scalars(
            select(FollowUpRecord).where(
                FollowUpRecord.lead_id == lead_id, FollowUpRecord.status == "pending"
            )
        ).one()


def parse(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_golden_export_then_update_and_cancel(
    workspace: Workspace, clock: FakeClock, tmp_path: Path
) -> None:
    ids = seed(workspace)
    service = workspace.services.calendar
    first = tmp_path / "a.ics"
    result = service.export(first, alarm_minutes=10)
    assert (result.events, result.cancelled) == (3, 0)
    assert first.read_bytes() == golden("export_first.ics", first.read_bytes().decode("utf-8"))
    events = parse(first)
    jane = pending_of(workspace, ids["jane"])
    event = events[uid_of(workspace, jane)]
    assert str(event["SUMMARY"]) == "Call Jane Doe (Acme, Inc.)"
    assert "LOCATION" not in event and str(event["URL"]) == "tel:+15550100123"
    description = str(event["DESCRIPTION"])
    assert (
        "Phone: +15550100123 (tel:+15550100123)" in description
        and "Wants a quote for 40 seats" in description
    )
    assert "Prefers mornings" in str(
        events[uid_of(workspace, pending_of(workspace, ids["omar"]))]["DESCRIPTION"]
    )
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=15)
    assert [str(a["TRIGGER"].to_ical(), "ascii") for a in event.walk("VALARM")] == ["-PT10M"]
    with workspace.sessions() as session:
        assert all(
            f.exported_sequence == f.sequence for f in session.scalars(select(FollowUpRecord))
        )

    # A move raises SEQUENCE under the same UID; a completed step is written once as cancelled.
    clock.now += timedelta(minutes=30)
    omar = pending_of(workspace, ids["omar"])
    workspace.followups.move(omar.id, omar.due_at + timedelta(days=2))
    workspace.followups.complete(jane.id, outcome="voicemail")
    second = tmp_path / "a.ics"
    result = service.export(second, alarm_minutes=10)
    assert result.cancelled == 1
    assert second.read_bytes() == golden("export_second.ics", second.read_bytes().decode("utf-8"))
    events = parse(second)
    assert int(events[uid_of(workspace, omar)]["SEQUENCE"]) == omar.sequence + 1
    assert events[uid_of(workspace, omar)]["DTSTART"].dt == (
        omar.due_at + timedelta(days=2)
    ).astimezone(UTC)
    assert str(events[uid_of(workspace, jane)]["STATUS"]) == "CANCELLED"
    assert int(events[uid_of(workspace, jane)]["SEQUENCE"]) == jane.sequence + 1
    new_jane = pending_of(workspace, ids["jane"])
    assert (
        uid_of(workspace, new_jane) != uid_of(workspace, jane)
        and str(events[uid_of(workspace, new_jane)]["STATUS"]) == "CONFIRMED"
    )
    assert len(events) == 4  # never a duplicate: one VEVENT per UID

    third = tmp_path / "b.ics"
    service.export(third, alarm_minutes=10)
    events = parse(third)
    assert uid_of(workspace, jane) not in events  # the cancellation went out once
    assert (
        int(events[uid_of(workspace, omar)]["SEQUENCE"]) == omar.sequence + 1
    )  # unchanged since: same SEQUENCE


def test_filters_by_dates_lead_and_owner(workspace: Workspace, tmp_path: Path) -> None:
    ids = seed(workspace)
    service = workspace.services.calendar
    by_lead = service.reminders(ExportFilter(lead_id=ids["omar"]))
    assert [r.summary for r in by_lead] == ["Call Omar Haddad (Haddad HVAC)"]
    by_owner = service.reminders(ExportFilter(owner="Sam Ortiz"))
    assert {r.uid for r in by_owner} == {
        uid_of(workspace, pending_of(workspace, ids[k])) for k in ("jane", "zoe")
    }
    zoe = pending_of(workspace, ids["zoe"])
    window = service.reminders(
        ExportFilter(start=zoe.due_at, end=zoe.due_at + timedelta(minutes=1))
    )
    assert [r.uid for r in window] == [uid_of(workspace, zoe)]
    assert window[0].location == "" and window[0].url is None  # no phone: no tel: link


def test_event_minutes_and_alarm_minutes_come_from_settings(workspace: Workspace) -> None:
    seed(workspace)
    workspace.settings.set("event_minutes", 30)
    workspace.settings.set("alarm_minutes", 25)
    [reminder, *_] = workspace.services.calendar.reminders()
    assert (reminder.duration_minutes, reminder.alarm_minutes) == (30, 25)


def test_unwritable_file_is_one_sentence_and_marks_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    seed(workspace)
    service = workspace.services.calendar
    with pytest.raises(UserError) as error:
        service.export(tmp_path / "missing" / "x.ics")
    assert str(error.value).count(".") >= 1 and "\n" not in str(error.value)
    with pytest.raises(UserError):
        service.export(tmp_path)  # a folder
    with workspace.sessions() as session:
        assert all(f.exported_sequence is None for f in session.scalars(select(FollowUpRecord)))
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_cancelled_export_writes_no_file_and_marks_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    from repdesk.services.common.errors import Cancelled

    seed(workspace)
    calls: list[tuple[int, int]] = []

    def cancel_at_the_last_report(done: int, total: int) -> None:
        calls.append((done, total))
        if done == total:  # the report just before the file is written
            raise Cancelled("Export cancelled; no file was written.")

    with pytest.raises(Cancelled):
        workspace.services.calendar.export(tmp_path / "out.ics", progress=cancel_at_the_last_report)
    assert calls and not (tmp_path / "out.ics").exists() and not list(tmp_path.glob(".out.ics.*"))
    with workspace.sessions() as session:
        assert all(f.exported_sequence is None for f in session.scalars(select(FollowUpRecord)))


def test_open_qualification_questions_and_verdict_go_into_the_description(
    workspace: Workspace,
) -> None:
    ids = seed(workspace)
    answers = {
        "need": True,
        "challenge": "Site breaks on phones",
        "timeline": "this_month",
        "authority": "decides",
        "budget": "approved",
        "site_goal": "leads",
    }
    verdict = workspace.qualifications.finish(ids["omar"], answers).verdict.value.replace("_", " ")
    [omar] = workspace.services.calendar.reminders(ExportFilter(lead_id=ids["omar"]))
    assert f"Verdict: {verdict}" in omar.description
    workspace.qualifications.save_draft(ids["zoe"], {"need": True})  # half-way through the script
    [zoe] = workspace.services.calendar.reminders(ExportFilter(lead_id=ids["zoe"]))
    ask = next(line for line in zoe.description.splitlines() if line.startswith("Ask: "))
    assert (
        "What is the challenge, in their words?" in ask
    )  # required, applies (need = yes), unanswered
    assert "Is there a real problem to solve?" not in ask  # answered


def test_cli_export_ics_contract(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(workspace)
    url = workspace.url
    target = tmp_path / "out.ics"
    assert (
        main(
            [
                "--db",
                url,
                "export-ics",
                str(target),
                "--lead",
                str(ids["jane"]),
                "--alarm-minutes",
                "5",
            ]
        )
        == 0
    )
    assert "Exported 1 reminder" in capsys.readouterr().out
    [event] = parse(target).values()
    assert [str(a["TRIGGER"].to_ical(), "ascii") for a in event.walk("VALARM")] == ["-PT5M"]
    assert main(["--db", url, "export-ics", str(tmp_path / "o.ics"), "--owner", "Nobody"]) == 0
    assert (
        main(
            [
                "--db",
                url,
                "export-ics",
                str(tmp_path / "o2.ics"),
                "--from",
                "2000-01-01",
                "--to",
                "2000-01-31",
            ]
        )
        == 0
    )
    assert "Exported 0 reminders" in capsys.readouterr().out
    assert main(["--db", url, "export-ics", str(tmp_path / "no" / "x.ics")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("repdesk: ") and err.count("\n") == 1
    assert main(["--db", url, "export-ics", str(tmp_path / "x.ics"), "--from", "soon"]) == 1
    # followups --json and leads --json carry what calendar users rely on.
    assert main(["--db", url, "followups", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and set(rows[0]) >= {"id", "lead_id", "due_at", "kind", "note", "status"}
    assert main(["--db", url, "leads", "--json"]) == 0
    leads = json.loads(capsys.readouterr().out)
    assert all("next_follow_up_at" in lead for lead in leads)


@pytest.mark.integration
def test_exported_file_parses_with_icaljs(
    workspace: Workspace,
    clock: FakeClock,
    tmp_path: Path,
    icaljs: Path,  # noqa: F811
) -> None:
    ids = seed(workspace)
    service = workspace.services.calendar
    service.export(tmp_path / "first.ics")
    jane = pending_of(workspace, ids["jane"])
    workspace.leads.set_status(ids["jane"], LeadStatus.LOST)  # the step is cancelled with the lead
    service.export(tmp_path / "second.ics")
    for name in ("first.ics", "second.ics"):
        result = run_icaljs(icaljs, tmp_path / name)
        assert result.returncode == 0, result.stderr
    parsed = json.loads(run_icaljs(icaljs, tmp_path / "second.ics").stdout)
    statuses = {e["uid"]: e["status"] for e in parsed["events"]}
    assert statuses[uid_of(workspace, jane)] == "CANCELLED"
    assert list(statuses.values()).count("CONFIRMED") == 2


def test_big_export_is_bulk(workspace: Workspace, tmp_path: Path) -> None:
    """Thousands of steps export in one pass with progress reports (no per-row queries)."""
    now = workspace.clock()
    with workspace.sessions.begin() as session:
        session.execute(
            LeadRecord.__table__.insert(),
            [
                dict(
                    first_name=f"P{i}",
                    last_name="X",
                    company="",
                    title="",
                    email="",
                    phone=f"+1555010{i:04d}",
                    source="",
                    product="",
                    message="",
                    notes="",
                    tags="",
                    status="new",
                    received_at=now,
                    created_at=now,
                    updated_at=now,
                    journey_stage="awareness",
                    email_opens=0,
                    email_clicks=0,
                    site_visits=0,
                    do_not_contact=False,
                    extra={},
                    edited_fields=[],
                )
                for i in range(3000)
            ],
        )
    workspace.followups.ensure_all()
    with workspace.sessions.begin() as session:
        session.execute(update(LeadRecord).values(notes="n"))
    seen: list[tuple[int, int]] = []
    result = workspace.services.calendar.export(
        tmp_path / "big.ics", progress=lambda d, t: seen.append((d, t))
    )
    assert result.events == 3000 and seen[-1] == (3000, 3000)
    assert (tmp_path / "big.ics").read_text(encoding="utf-8").count("BEGIN:VEVENT") == 3000


def test_note_activity_beats_lead_notes(workspace: Workspace) -> None:
    ids = seed(workspace)
    workspace.leads.log_activity(ids["omar"], ActivityKind.NOTE, body="Call on the mobile instead")
    [reminder] = workspace.services.calendar.reminders(ExportFilter(lead_id=ids["omar"]))
    assert "Last note: Call on the mobile instead" in reminder.description
