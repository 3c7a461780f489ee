"""Importing leads: every sample, dedupe within a file and against the database, merges that respect
edits, one transaction (bad files and cancels write nothing), undo, and the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from repdesk.app import Workspace
from repdesk.cli import main
from repdesk.services.common.errors import UserError
from repdesk.services.imports.import_service import CHUNK, ImportCancelled
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord

SAMPLES = Path(__file__).resolve().parents[2] / "formats" / "data"
SAMPLE_FILES = sorted(
    p
    for p in SAMPLES.iterdir()
    if p.name
    in {
        "google_contacts.csv",
        "google_contacts.vcf",
        "hubspot_contacts.csv",
        "outlook_com.csv",
        "salesforce_report.csv",
        "webform_submissions.csv",
    }
)


def counts(ws: Workspace) -> tuple[int, int]:
    with ws.sessions() as s:
        return (
            s.scalar(select(func.count(LeadRecord.id))) or 0,
            s.scalar(select(func.count(ActivityRecord.id))) or 0,
        )


def test_every_sample_imports_and_a_second_import_adds_nothing(any_workspace: Workspace) -> None:
    assert len(SAMPLE_FILES) == 6
    first = [any_workspace.imports.import_files([p]) for p in SAMPLE_FILES]
    assert all(s.added > 0 and not s.rejected for s in first)
    after_first = counts(any_workspace)
    again = [any_workspace.imports.import_files([p]) for p in SAMPLE_FILES]
    assert sum(s.added for s in again) == 0
    assert sum(s.merged for s in again) == sum(s.added for s in first)
    assert counts(any_workspace) == after_first  # no lead and no activity twice
    assert all(s.import_id is None for s in again)  # nothing changed: nothing to undo
    dana = any_workspace.leads.list_leads(search="whitfield")
    assert [(d.email, d.phone, d.owner, d.company) for d in dana] == [
        # The sample's 555-010 numbers are fictional (no valid number): kept as written, flagged.
        ("dana@whitfieldhvac.example", "", "Sam Ortiz", "Whitfield HVAC")
    ]


def test_the_same_person_twice_in_one_file_is_one_lead(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "dupes.csv"
    path.write_text(
        "Name,Email,Phone,Company\nAna Ruiz,ANA@x.example,,\nAna R.,ana@x.example "
        ",614-555-0177,Ruiz Co\n"
        "A. Ruiz,,(614) 555-0177,\n"
        "Someone,,(614) 555-0177,\n",
        encoding="utf-8",
    )
    summary = workspace.imports.import_files([path])
    # "Someone" shares Ana's phone under another name: not merged, offered as a possible duplicate.
    assert (summary.added, summary.merged, summary.possible_duplicates) == (2, 2, 1)
    ana, someone = sorted(workspace.leads.list_leads(), key=lambda lead: lead.id)
    assert (ana.email, ana.phone, ana.company) == ("ana@x.example", "+16145550177", "Ruiz Co")
    assert (someone.first_name, someone.phone) == ("Someone", "+16145550177")


def test_a_merge_fills_gaps_but_never_overwrites_a_users_edit(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "First Name,Last Name,Email,Company,Job Title\nAna,Ruiz,ana@x.example,Old Co,\n",
        encoding="utf-8",
    )
    workspace.imports.import_files([path])
    [lead] = workspace.leads.list_leads()
    workspace.leads.update_lead(lead.id, {"company": "Ruiz Holdings"})
    path.write_text(
        "First Name,Last Name,Email,Company,Job Title\nAna,Ruiz,ana@x.example,Other Co,CEO\n",
        encoding="utf-8",
    )
    assert workspace.imports.import_files([path]).merged == 1
    [after] = workspace.leads.list_leads()
    assert (after.company, after.title) == ("Ruiz Holdings", "CEO")


def test_undo_removes_what_was_added_and_reverts_merges(
    workspace: Workspace, tmp_path: Path
) -> None:
    base = tmp_path / "base.csv"
    base.write_text("Name,Email\nAna Ruiz,ana@x.example\n", encoding="utf-8")
    workspace.imports.import_files([base])
    before = counts(workspace)
    more = tmp_path / "more.csv"
    more.write_text(
        "Name,Email,Company\nAna Ruiz,ana@x.example,Ruiz Co\nBo Li,bo@y.example,Li Ltd\n",
        encoding="utf-8",
    )
    summary = workspace.imports.import_files([more])
    assert (summary.added, summary.merged) == (1, 1)
    workspace.imports.undo_import()
    assert counts(workspace) == before
    [ana] = workspace.leads.list_leads()
    assert ana.company == ""
    with pytest.raises(UserError):
        workspace.imports.undo_import(summary.import_id)


def test_a_file_that_is_not_leads_is_refused_and_the_others_imported(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.imports.import_files([SAMPLES / "hubspot_contacts.csv"])
    before = counts(workspace)
    bad = tmp_path / "photo.csv"
    bad.write_bytes(bytes(range(256)) * 50)
    summary = workspace.imports.import_files([SAMPLES / "webform_submissions.csv", bad])
    assert summary.added == 3
    assert [(r.file, "photo.csv" in r.reason) for r in summary.refused] == [("photo.csv", True)]
    assert counts(workspace)[0] == before[0] + 3
    with pytest.raises(UserError) as info:
        workspace.imports.import_files([bad])
    assert "photo.csv" in str(info.value)


def test_cancel_rolls_everything_back(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(
        "Email,Name\n" + "".join(f"p{i}@x.example,P {i}\n" for i in range(5000)), encoding="utf-8"
    )
    calls = iter(range(10**6))
    with pytest.raises(ImportCancelled):
        workspace.imports.import_files([path], cancelled=lambda: next(calls) >= 1)
    assert counts(workspace) == (0, 0)


def test_dry_run_reports_exactly_and_writes_nothing(workspace: Workspace) -> None:
    summary = workspace.imports.import_files(SAMPLE_FILES, dry_run=True)
    assert summary.added > 0
    assert counts(workspace) == (0, 0)
    real = workspace.imports.import_files(SAMPLE_FILES)
    assert (real.added, real.merged) == (summary.added, summary.merged)


def test_cli_import_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "c.sqlite3")
    bad_rows = tmp_path / "rows.csv"
    bad_rows.write_text("Name,Email\nAna,ana@x.example\n,not-an-email\n,\n", encoding="utf-8")
    assert main(["--db", db, "import", str(bad_rows), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["added"] == 1 and out["merged"] == 0
    assert {r["row"] for r in out["rejected"]} >= {2}
    assert all(
        set(r) == {"file", "row", "reason"} and r["file"] == "rows.csv" for r in out["rejected"]
    )


@pytest.mark.parametrize(
    "content",
    [b"", b"Name,Email,Phone\n", b"\x89PNG\r\n\x1a\n\x00\x00binary", b"Colour,Size\nred,4\n"],
)
def test_cli_refuses_files_that_are_not_leads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    db = str(tmp_path / "c.sqlite3")
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert main(["--db", db, "import", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and "x.csv" in captured.err
    main(["--db", db, "leads", "--json"])
    assert json.loads(capsys.readouterr().out) == []


def test_cli_map_overrides_a_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.csv"
    path.write_text("Full,Mail,Firm\nAna Ruiz,ana@x.example,Ruiz Co\n", encoding="utf-8")
    db = str(tmp_path / "c.sqlite3")
    assert (
        main(
            [
                "--db",
                db,
                "import",
                str(path),
                "--map",
                "Mail=email",
                "--map",
                "Firm=company",
                "--map",
                "Full=name",
                "--json",
            ]
        )
        == 0
    )
    capsys.readouterr()
    main(["--db", db, "leads", "--json"])
    [lead] = json.loads(capsys.readouterr().out)
    assert (lead["first_name"], lead["last_name"], lead["email"], lead["company"]) == (
        "Ana",
        "Ruiz",
        "ana@x.example",
        "Ruiz Co",
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash_and_never_half_write(
    workspace: Workspace, tmp_path: Path, data: bytes
) -> None:
    before = counts(workspace)
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        summary = workspace.imports.import_files([path])
    except UserError:
        assert counts(workspace) == before
        return
    leads, _ = counts(workspace)
    assert leads == before[0] + summary.added
    workspace.imports.undo_import()
    assert counts(workspace) == before


def test_imported_engagement_moves_the_journey_stage(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "engaged.csv"
    path.write_text(
        "Name,Email,Email Opens,Email Clicks,Site Visits\n"
        "Ana Ruiz,ana@x.example,5,4,9\nBo Li,bo@x.example,1,0,0\nCy Ode,cy@x.example,0,1,2\n",
        encoding="utf-8",
    )
    workspace.imports.import_files([path])
    stages = {lead.email: lead.journey_stage for lead in workspace.leads.list_leads()}
    assert stages == {
        "ana@x.example": "decision",
        "bo@x.example": "awareness",
        "cy@x.example": "consideration",
    }


def test_a_bulk_import_writes_each_new_leads_next_step_with_it(
    any_workspace: Workspace, tmp_path: Path
) -> None:
    """Every open lead of a big import (bulk path) has one pending step and next_follow_up_at equal
    to its due time; closed leads have neither; a lead that was already there keeps its own step."""
    ws = any_workspace
    (tmp_path / "one.csv").write_text(
        "Email,Name,Status\nold@x.example,Old Lead,contacted\n", encoding="utf-8"
    )
    ws.imports.import_files([tmp_path / "one.csv"])
    statuses = ["new", "contacted", "nurture", "qualified", "won", "lost", "not_a_fit"]
    rows = [f"p{i}@x.example,P {i},{statuses[i % len(statuses)]}" for i in range(1500)]
    rows += [
        "old@x.example,Old Lead,new",
        "p3@x.example,P 3 again,new",
    ]  # merges: the database, the file
    (tmp_path / "big.csv").write_text(
        "Email,Name,Status\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    summary = ws.imports.import_files([tmp_path / "big.csv"])
    assert (summary.added, summary.merged) == (1500, 2)
    with ws.sessions() as s:
        leads = s.execute(
            select(LeadRecord.id, LeadRecord.status, LeadRecord.next_follow_up_at)
        ).all()
        pending: dict[int, list[object]] = {}
        for lead_id, due in s.execute(
            select(FollowUpRecord.lead_id, FollowUpRecord.due_at).where(
                FollowUpRecord.status == "pending"
            )
        ):
            pending.setdefault(lead_id, []).append(due)
    assert len(leads) == 1501
    for lead_id, status, next_at in leads:
        if status in ("won", "lost"):
            assert next_at is None and lead_id not in pending
        else:
            assert pending[lead_id] == [next_at], (lead_id, status)
    if (
        ws.engine.dialect.name == "sqlite"
    ):  # the import's larger page cache went back with the connection
        with ws.engine.connect() as con:
            assert con.exec_driver_sql("PRAGMA cache_size").scalar() == -2000


def test_a_first_import_merges_people_repeated_in_later_chunks(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Into an empty workspace (no lookups in the database): a person repeated chunks later, by
    e-mail or by phone alone, is still one lead."""
    rows = [f"p{i}@x.example,P {i},+1 614 5{i:06d}" for i in range(CHUNK + 500)]
    rows[CHUNK + 10] = "p5@x.example,P 5 again,"  # the same e-mail, one chunk later
    rows[CHUNK + 20] = ",P 7,+1 614 500 0007"  # the same phone, no e-mail
    (tmp_path / "repeats.csv").write_text(
        "Email,Name,Phone\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    summary = workspace.imports.import_files([tmp_path / "repeats.csv"])
    assert (summary.added, summary.merged) == (CHUNK + 498, 2)
    assert counts(workspace)[0] == CHUNK + 498


def test_cli_imports_a_folder_of_downloads_file_by_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder stands for the files in it: every readable one is imported, every other listed
    with its reason, one undo takes the whole run back."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "a_broken.csv").write_text(
        'Name,Email\nAmy Cole,"amy@cole.example\nBo Dunn,bo@dunn.example\n', encoding="utf-8"
    )
    (folder / "budget.csv").write_text("Date,Amount\n2026-11-01,12.50\n", encoding="utf-8")
    (folder / "invoice.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\n")
    (folder / ".hidden.csv").write_text("Name,Email\nZed,zed@x.example\n", encoding="utf-8")
    (folder / "old").mkdir()
    for sample in SAMPLE_FILES[:3]:  # Google CSV and vCard, HubSpot: 2 + 2 + 3 people
        (folder / sample.name).write_bytes(sample.read_bytes())
    db = str(tmp_path / "c.sqlite3")
    assert main(["--db", db, "import", str(folder), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["added"] == 7
    assert [f["file"] for f in out["files"]] == [s.name for s in SAMPLE_FILES[:3]]
    assert [r["file"] for r in out["refused"]] == ["a_broken.csv", "budget.csv", "invoice.pdf"]
    assert "line 2" in out["refused"][0]["reason"]
    assert main(["--db", db, "import", "undo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["removed"] == 7
    empty = tmp_path / "Empty"
    empty.mkdir()
    assert main(["--db", db, "import", str(empty)]) == 1
    assert "Empty is a folder" in capsys.readouterr().err
