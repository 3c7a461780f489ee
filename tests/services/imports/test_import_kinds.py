"""Contacts are not inquiries (`--as`, defaults by kind of file, no waiting clock, not in speed to
lead); a dropped folder imports every readable file and names each refused one; `leads --json`
shows what an import kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from repdesk.app import Workspace
from repdesk.cli import main
from repdesk.services.inbox.inbox_service import InboxFilter

DATA = Path(__file__).resolve().parents[2] / "formats" / "data"


def waiting(ws: Workspace) -> int:
    return ws.services.inbox.snapshot(InboxFilter(), ws.services.time.end_of_today()).waiting


def test_crm_exports_are_contacts_and_forms_inquiries_by_default(workspace: Workspace) -> None:
    ws = workspace
    contacts = ws.imports.import_files([DATA / "hubspot_contacts.csv"])
    assert contacts.kinds == {"hubspot_contacts.csv": "contacts"}
    assert waiting(ws) == 0  # known contacts have no waiting clock, whatever their status
    inquiries = ws.imports.import_files([DATA / "webform_submissions.csv"])
    assert inquiries.kinds == {"webform_submissions.csv": "inquiries"}
    assert waiting(ws) == 3
    dana = ws.leads.list_leads(search="whitfield")[0]
    assert dana.is_contact and dana.status == "new"
    assert all(a.kind != "inquiry" for a in ws.leads.detail(dana.id).activities)


def test_as_says_what_the_rows_are(workspace: Workspace) -> None:
    ws = workspace
    ws.imports.import_files([DATA / "hubspot_contacts.csv"], as_kind="inquiries")
    assert waiting(ws) == 1  # Dana (NEW); Marcus is contacted, Elena in nurture
    leads = ws.leads.list_leads()
    assert not any(lead.is_contact for lead in leads)


def test_contacts_are_not_counted_in_speed_to_lead(workspace: Workspace) -> None:
    ws = workspace
    ws.imports.import_files([DATA / "hubspot_contacts.csv"])
    ws.imports.import_files([DATA / "webform_submissions.csv"])
    report = ws.services.reports.report(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert report.speed.received == 3  # the three form inquiries, none of the CRM's contacts


def test_a_known_contact_who_asks_becomes_an_inquiry(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    ws.imports.import_files([DATA / "hubspot_contacts.csv"])
    form = tmp_path / "form.csv"
    form.write_text(
        "Timestamp,Name,Email\n2026-11-20 10:00:00,Dana Whitfield,dana@whitfieldhvac.example\n",
        encoding="utf-8",
    )
    ws.imports.import_files([form])
    dana = ws.leads.list_leads(search="whitfield")[0]
    assert not dana.is_contact and waiting(ws) == 1


def test_a_dropped_folder_imports_every_readable_file_and_lists_the_others(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    notes = tmp_path / "shopping.csv"
    notes.write_text("Item,Qty\nmilk,2\n", encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text('Name,Email,Notes\nAna,a@x.example,"never closed\nBo,b@x.example,x\n')
    files = [DATA / "webform_submissions.csv", photo, notes, broken, DATA / "iphone.vcf"]
    summary = ws.imports.import_files(files)
    assert summary.added == 5 and summary.files == ["webform_submissions.csv", "iphone.vcf"]
    refused = {r.file: r.reason for r in summary.refused}
    assert set(refused) == {"holiday.jpg", "shopping.csv", "broken.csv"}
    assert "JPEG" in refused["holiday.jpg"] and "line 2" in refused["broken.csv"]
    assert ws.leads.count() == 5
    ws.imports.undo()  # the whole run, one undo
    assert ws.leads.count() == 0


def test_cli_import_as_contacts_and_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite3")
    bad = tmp_path / "bad.csv"
    bad.write_text("Colour,Size\nred,4\n", encoding="utf-8")
    code = main(
        [
            "--db",
            db,
            "import",
            str(DATA / "webform_submissions.csv"),
            str(bad),
            "--as",
            "contacts",
            "--json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] == [{"file": "webform_submissions.csv", "as": "contacts"}]
    assert [r["file"] for r in out["refused"]] == ["bad.csv"]
    capsys.readouterr()
    assert main(["--db", db, "import", str(bad), "--json"]) == 1  # nothing at all to import
    captured = capsys.readouterr()
    assert captured.out == "" and "bad.csv" in captured.err


def test_leads_json_shows_tags_message_extra_and_phones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite3")
    assert main(["--db", db, "import", str(DATA / "hubspot_contacts_companies.csv")]) == 0
    capsys.readouterr()
    assert main(["--db", db, "leads", "--json", "--search", "jonas"]) == 0
    [jonas] = json.loads(capsys.readouterr().out)
    assert jonas["phone"] == "+4961112345611"
    assert jonas["phones"] == [
        {"number": "+4961112345611", "kind": "main"},
        {"number": "+491711234567", "kind": "mobile"},
        {"number": "+496111234560", "kind": "company"},
    ]
    assert jonas["extra"]["Record ID"] == "72004" and jonas["message"] == ""
    assert jonas["tags"] == ""
    main(["--db", db, "import", str(DATA / "hubspot_contacts.csv")])
    capsys.readouterr()
    main(["--db", db, "leads", "--json", "--search", "whitfield"])
    [dana] = json.loads(capsys.readouterr().out)
    assert dana["tags"] == "check phone" and dana["phone"] == ""
    assert dana["phones"] == [{"number": "(555) 010-2001", "kind": "main", "valid": False}]
