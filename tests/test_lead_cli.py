"""The one-lead commands (`repdesk lead show|edit|status|dnc`) and `repdesk import undo`: their
contracts, one sentence on error with a non-zero exit, and one JSON document with --json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from repdesk.cli import main

CSV = (
    "First Name,Last Name,Email,Phone,Company\n"
    "Ana,Ruiz,ana@ruiz.example,614-555-0101,Ruiz Co\n"
    "Ben,Okafor,ben@okafor.example,614-555-0102,Okafor HVAC\n"
)


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "leads.csv"
    path.write_text(CSV, encoding="utf-8")
    db = str(tmp_path / "w.sqlite3")
    assert main(["--db", db, "import", str(path)]) == 0
    capsys.readouterr()
    return db


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def show(capsys: pytest.CaptureFixture[str], db: str, lead_id: int) -> dict[str, Any]:
    code, out, err = cli(capsys, "--db", db, "lead", "show", str(lead_id), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def lead_id(capsys: pytest.CaptureFixture[str], db: str, email: str) -> int:
    code, out, _err = cli(capsys, "--db", db, "leads", "--json")
    assert code == 0
    return next(int(lead["id"]) for lead in json.loads(out) if lead["email"] == email)


def assert_one_sentence(code: int, out: str, err: str, *words: str) -> None:
    assert code != 0
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


def pending(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in data["steps"] if s["status"] == "pending"]


def test_show_json_is_the_lead_with_its_activities_and_steps(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    ana = lead_id(capsys, db, "ana@ruiz.example")
    assert cli(capsys, "--db", db, "lead", "edit", str(ana), "--set", "notes=Call after 10")[0] == 0
    data = show(capsys, db, ana)
    assert data["id"] == ana
    assert (data["first_name"], data["last_name"], data["company"]) == ("Ana", "Ruiz", "Ruiz Co")
    assert data["status"] == "new" and data["do_not_contact"] is False
    assert data["notes"] == "Call after 10"
    assert {"message", "tags", "extra", "received_at", "next_follow_up_at"} <= set(data)
    # The edit left its timeline entry (issue 21.6), newest first.
    assert [a["kind"] for a in data["activities"]] == ["edit", "inquiry"]
    assert data["activities"][0]["body"] == "Notes changed"
    assert data["activities"][0]["occurred_at"].endswith("+00:00")
    (step,) = pending(data)
    assert step["kind"] == "call" and step["due_at"] == data["next_follow_up_at"]
    assert {"id", "due_at", "kind", "note", "status", "done_at", "outcome"} <= set(step)


def test_show_without_json_prints_the_lead_for_a_person(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    ana = lead_id(capsys, db, "ana@ruiz.example")
    code, out, _ = cli(capsys, "--db", db, "lead", "show", str(ana))
    assert code == 0
    assert "Ana Ruiz" in out and "Ruiz Co" in out and "ana@ruiz.example" in out
    assert "inquiry" in out and "Next step" in out


def test_a_lead_that_does_not_exist_is_one_sentence(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    for args in (
        ["show", "999", "--json"],
        ["edit", "999", "--set", "company=X"],
        ["status", "999", "lost"],
        ["dnc", "999"],
    ):
        assert_one_sentence(*cli(capsys, "--db", db, "lead", *args), "no lead with id 999")


def test_edit_sets_fields_and_protects_them(capsys: pytest.CaptureFixture[str], db: str) -> None:
    ana = lead_id(capsys, db, "ana@ruiz.example")
    code, out, err = cli(
        capsys,
        "--db",
        db,
        "lead",
        "edit",
        str(ana),
        "--set",
        "company=Ruiz & Hijos",
        "--set",
        "title=Owner=Founder",
        "--set",
        "phone=(614) 555-0199",  # a valid number: fictional 555-01xx in a real area
    )
    assert code == 0, err
    assert "company" in out and "title" in out
    data = show(capsys, db, ana)
    assert (data["company"], data["title"]) == ("Ruiz & Hijos", "Owner=Founder")
    assert data["phone"] == "+16145550199"
    # The person-readable show says what was typed, the title too.
    code, out, _ = cli(capsys, "--db", db, "lead", "show", str(ana))
    assert code == 0 and "Ruiz & Hijos" in out and "Owner=Founder" in out


@pytest.mark.parametrize(
    "setting, words",
    [
        ("status=won", ["'status'", "cannot be edited"]),
        ("colour=red", ["'colour'", "cannot be edited"]),
        ("company", ["FIELD=VALUE"]),
        ("email=not-an-address", ["not a valid email address"]),
    ],
)
def test_a_bad_edit_is_one_sentence_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], db: str, setting: str, words: list[str]
) -> None:
    ana = lead_id(capsys, db, "ana@ruiz.example")
    before = show(capsys, db, ana)
    result = cli(
        capsys, "--db", db, "lead", "edit", str(ana), "--set", "title=CEO", "--set", setting
    )
    assert_one_sentence(*result, *words)
    assert show(capsys, db, ana) == before


def test_edit_needs_at_least_one_set(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert_one_sentence(*cli(capsys, "--db", db, "lead", "edit", "1"), "--set")


def test_status_with_a_reason_closes_the_lead_and_reopening_plans_a_step(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    ana = lead_id(capsys, db, "ana@ruiz.example")
    code, out, err = cli(
        capsys, "--db", db, "lead", "status", str(ana), "lost", "--reason", "chose a competitor"
    )
    assert code == 0, err
    assert "lost" in out.lower()
    data = show(capsys, db, ana)
    assert data["status"] == "lost" and pending(data) == []
    assert data["next_follow_up_at"] is None
    change = data["activities"][0]
    assert change["kind"] == "status_change" and "chose a competitor" in change["body"]
    code, out, _ = cli(capsys, "--db", db, "lead", "status", str(ana), "lost")
    assert code == 0 and "already" in out
    assert cli(capsys, "--db", db, "lead", "status", str(ana), "new")[0] == 0
    data = show(capsys, db, ana)
    assert data["status"] == "new" and len(pending(data)) == 1


def test_an_unknown_status_is_one_sentence(capsys: pytest.CaptureFixture[str], db: str) -> None:
    ana = lead_id(capsys, db, "ana@ruiz.example")
    result = cli(capsys, "--db", db, "lead", "status", str(ana), "closed")
    assert_one_sentence(*result, "'closed'", "not_a_fit")
    assert show(capsys, db, ana)["status"] == "new"


def test_dnc_cancels_the_steps_and_off_plans_one_again(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    ben = lead_id(capsys, db, "ben@okafor.example")
    code, out, err = cli(capsys, "--db", db, "lead", "dnc", str(ben))
    assert code == 0, err
    assert "do not contact" in out
    data = show(capsys, db, ben)
    assert data["do_not_contact"] is True
    assert pending(data) == [] and data["next_follow_up_at"] is None
    assert any(s["status"] == "cancelled" for s in data["steps"])
    assert "do not contact" in data["activities"][0]["body"].lower()
    code, out, _ = cli(capsys, "--db", db, "lead", "dnc", str(ben))
    assert code == 0 and "already" in out
    code, out, err = cli(capsys, "--db", db, "lead", "dnc", str(ben), "--off")
    assert code == 0, err
    data = show(capsys, db, ben)
    assert data["do_not_contact"] is False and len(pending(data)) == 1


def test_import_undo_json_removes_the_last_import(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    more = tmp_path / "more.csv"
    more.write_text("First Name,Email\nCleo,cleo@lee.example\n", encoding="utf-8")
    code, out, _ = cli(capsys, "--db", db, "import", str(more), "--json")
    assert code == 0
    second = json.loads(out)["import_id"]
    code, out, err = cli(capsys, "--db", db, "import", "undo", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["import_id"] == second and result["undone"] is True
    assert result["removed"] == 1 and result["restored"] == 0
    emails = {lead["email"] for lead in json.loads(cli(capsys, "--db", db, "leads", "--json")[1])}
    assert emails == {"ana@ruiz.example", "ben@okafor.example"}
    code, out, _ = cli(capsys, "--db", db, "import", "undo")  # now the first import
    assert code == 0 and "Undid import" in out
    assert json.loads(cli(capsys, "--db", db, "leads", "--json")[1]) == []
    assert_one_sentence(*cli(capsys, "--db", db, "import", "undo"), "no import to undo")


def test_import_undo_by_id_and_its_mistakes(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    more = tmp_path / "more.csv"
    more.write_text("First Name,Email\nCleo,cleo@lee.example\n", encoding="utf-8")
    cli(capsys, "--db", db, "import", str(more))
    code, out, err = cli(capsys, "--db", db, "import", "undo", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["import_id"] == 1
    emails = {lead["email"] for lead in json.loads(cli(capsys, "--db", db, "leads", "--json")[1])}
    assert emails == {"cleo@lee.example"}
    assert_one_sentence(*cli(capsys, "--db", db, "import", "undo", "1"), "no import 1 to undo")
    assert_one_sentence(*cli(capsys, "--db", db, "import", "undo", "seven"), "'seven'")
    assert_one_sentence(*cli(capsys, "--db", db, "import", "undo", "2", "3"), "one import")
    assert_one_sentence(
        *cli(capsys, "--db", db, "import", "undo", "--dry-run"), "--dry-run", "undo"
    )
