"""The command line contract: --version, errors as one sentence with a non-zero exit, leads
--json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from repdesk import __version__
from repdesk.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "repdesk", *args], capture_output=True, text=True, timeout=120
    )


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"repdesk {__version__}"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"PK\x03\x04 a zip file pretending", "not a repdesk database"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "database"),
    ],
)
def test_a_bad_database_is_one_sentence_and_untouched(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(content)
    result = run_cli("--db", str(path), "leads")
    assert result.returncode != 0
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == content


def test_leads_json_lists_the_contract_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.sqlite3")
    assert main(["--db", db, "--demo", "leads", "--json"]) == 0
    leads = json.loads(capsys.readouterr().out)
    assert 150 <= len(leads) <= 250
    required = {
        "id",
        "name",
        "first_name",
        "last_name",
        "company",
        "title",
        "email",
        "phone",
        "source",
        "status",
        "owner",
        "received_at",
        "first_response_at",
        "next_follow_up_at",
        "notes",
    }
    assert required <= set(leads[0])
    assert all(lead["received_at"].endswith("+00:00") for lead in leads)


def test_leads_filters_by_status_and_search(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.sqlite3")
    main(["--db", db, "--demo", "leads", "--json"])
    everyone = json.loads(capsys.readouterr().out)
    main(["--db", db, "leads", "--status", "new", "--json"])
    new = json.loads(capsys.readouterr().out)
    assert new and all(lead["status"] == "new" for lead in new)
    assert len(new) < len(everyone)
    target = everyone[10]
    main(["--db", db, "leads", "--search", target["last_name"][:4], "--json"])
    found = json.loads(capsys.readouterr().out)
    assert target["id"] in {lead["id"] for lead in found}
    assert all(target["last_name"][:4].lower() in json.dumps(lead).lower() for lead in found)


def test_unknown_status_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "x.sqlite3"), "leads", "--status", "hot"]) == 1
    err = capsys.readouterr().err
    assert "Unknown status 'hot'" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args", [["followup", "done", "1", "--outcome", "bogus"], ["frobnicate"], ["leads", "--nope"]]
)
def test_usage_mistakes_are_one_sentence(tmp_path: Path, args: list[str]) -> None:
    result = run_cli("--db", str(tmp_path / "u.sqlite3"), *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


def test_exporting_the_calendar_of_a_lead_that_does_not_exist_says_so(tmp_path: Path) -> None:
    result = run_cli(
        "--db",
        str(tmp_path / "e.sqlite3"),
        "export-ics",
        str(tmp_path / "x.ics"),
        "--lead",
        "424242",
    )
    assert result.returncode == 1
    assert "no lead with id 424242" in result.stderr
    assert not (tmp_path / "x.ics").exists()


def test_a_database_locked_by_another_program_is_one_sentence_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    import sqlite3

    db = tmp_path / "locked.sqlite3"
    assert run_cli("--db", str(db), "leads").returncode == 0  # create the workspace
    leads = tmp_path / "leads.csv"
    leads.write_text("Name,Email\nAna Ruiz,ana@x.example\n", encoding="utf-8")
    holder = sqlite3.connect(db, isolation_level=None, timeout=0.1)
    holder.execute("BEGIN IMMEDIATE")  # another program is in the middle of writing
    try:
        result = run_cli("--db", str(db), "import", str(leads))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "locked by another program" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert json.loads(run_cli("--db", str(db), "leads", "--json").stdout) == []


def test_fetch_reports_a_source_that_is_offline_and_still_succeeds(tmp_path: Path) -> None:
    db = str(tmp_path / "f.sqlite3")
    watched = tmp_path / "drop"
    watched.mkdir()
    assert run_cli("--db", db, "source", "add", "folder", str(watched)).returncode == 0
    watched.rmdir()  # an unmounted share
    result = run_cli("--db", db, "fetch", "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["added"] == 0 and report["merged"] == 0
    [error] = report["errors"]
    assert str(watched) in error and "does not exist" in error
    listed = json.loads(run_cli("--db", db, "source", "list", "--json").stdout)
    assert listed[0]["status"] == "offline"


def test_import_says_1_lead_and_1_row_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.csv"
    path.write_text("Name,Email\nAna Ruiz,ana@x.example\n,\n", encoding="utf-8")
    assert main(["--db", str(tmp_path / "w.sqlite3"), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Added 1 lead, merged 0 into existing leads, rejected 1 row.")
