"""The script and qualify commands: exact round trip, line-named errors that change nothing, the
--json contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from repdesk.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "repdesk", *args], capture_output=True, text=True, timeout=120
    )


def test_export_import_export_is_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.sqlite3")
    first, second = tmp_path / "one.repdesk-script", tmp_path / "two.repdesk-script"
    assert main(["--db", db, "script", "export", str(first)]) == 0
    text = first.read_text(encoding="utf-8")
    assert "[set core]" in text and "[rules]" in text and "[set website]" in text
    edited = text.replace(
        "prompt: How many people are on their team?", "prompt: How big is the team?"
    )
    first.write_text(edited, encoding="utf-8")
    assert main(["--db", db, "script", "import", str(first)]) == 0
    assert "core v2" in capsys.readouterr().out
    assert main(["--db", db, "script", "export", str(second)]) == 0
    assert second.read_bytes() == first.read_bytes()
    assert main(["--db", db, "script", "import", str(second)]) == 0
    assert "Nothing changed" in capsys.readouterr().out


def test_a_broken_file_names_the_line_and_changes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    good, bad, after = tmp_path / "good.txt", tmp_path / "bad.txt", tmp_path / "after.txt"
    assert run_cli("--db", db, "script", "export", str(good)).returncode == 0
    lines = good.read_text(encoding="utf-8").splitlines()
    lines[lines.index("prompt: How do they handle it today?")] = (
        "prompt: How do they cope today?"  # a valid edit
    )
    broken_line = lines.index("weight: 3") + 1
    lines[broken_line - 1] = "weight: heavy"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("--db", db, "script", "import", str(bad))
    assert result.returncode != 0
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert re.search(rf"\bline {broken_line}\b", message) and "weight must be a number" in message
    assert run_cli("--db", db, "script", "export", str(after)).returncode == 0
    assert after.read_bytes() == good.read_bytes()


def test_qualify_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.sqlite3")
    assert main(["--db", db, "--demo", "leads", "--status", "new", "--json"]) == 0
    lead = next(row for row in json.loads(capsys.readouterr().out) if row["product"] == "website")
    answers = [
        "need=yes",
        "challenge=Phones show a broken page",
        "timeline=this_month",
        "authority=decides",
        "budget=approved",
        "budget_amount=$12k",
        "site_goal=leads",
    ]
    args = [
        "--db",
        db,
        "qualify",
        str(lead["id"]),
        *[a for pair in answers for a in ("--answer", pair)],
        "--json",
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"lead_id", "score", "verdict", "owner", "next_follow_up_at"}
    assert out["lead_id"] == lead["id"] and out["verdict"] == "qualified"
    assert isinstance(out["score"], int) and 0 < out["score"] <= 100
    assert out["owner"] in {"Sam Ortiz", "Priya Shah", "Jordan Blake"}
    assert datetime.fromisoformat(out["next_follow_up_at"]).utcoffset() is not None
    assert main(["--db", db, "leads", "--json"]) == 0
    listed = next(row for row in json.loads(capsys.readouterr().out) if row["id"] == lead["id"])
    assert (
        listed["verdict"] == "qualified"
        and listed["score"] == out["score"]
        and listed["owner"] == out["owner"]
    )


def test_qualify_errors_are_one_sentence(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    result = run_cli("--db", db, "--demo", "qualify", "1", "--answer", "need=perhaps", "--json")
    assert result.returncode != 0 and result.stdout == ""
    assert "need" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    missing = run_cli("--db", db, "qualify", "1", "--answer", "need=yes")
    assert missing.returncode != 0 and "required questions" in missing.stderr


def test_forms_and_the_sheet_are_written_from_the_stored_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "f.sqlite3")
    script = tmp_path / "s.repdesk-script"
    assert main(["--db", db, "script", "export", str(script)]) == 0
    text = script.read_text(encoding="utf-8")
    script.write_text(
        text.replace("form: When are you looking to start?", "form: When would you start?"),
        encoding="utf-8",
    )
    assert main(["--db", db, "script", "import", str(script)]) == 0
    capsys.readouterr()
    html, cf7, fields, sheet = (tmp_path / n for n in ("f.html", "f.cf7", "f.csv", "s.pdf"))
    assert main(["--db", db, "script", "form", str(html), "--product", "website"]) == 0
    out = capsys.readouterr().out
    assert "question sets core v2, website v1" in out and "--action" in out
    page = html.read_text(encoding="utf-8")
    assert "When would you start?" in page and 'content="core v2, website v1"' in page
    assert main(["--db", db, "script", "form", str(cf7)]) == 0  # the suffix picks the format
    assert "[radio* timeline" in cf7.read_text(encoding="utf-8")
    assert main(["--db", db, "script", "form", str(fields), "--product", "seo"]) == 0
    assert fields.read_text(encoding="utf-8").startswith("key,prompt,type,options,required")
    assert main(["--db", db, "script", "sheet", str(sheet), "--product", "seo"]) == 0
    assert sheet.read_bytes().startswith(b"%PDF-")
    assert oct(html.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not a private one


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["form", "{dir}/x.html", "--product", "boats"], "no question set for product 'boats'"),
        (["form", "{dir}/x.html", "--action", "javascript:alert(1)"], "must be a web address"),
        (["form", "{dir}/no/such/dir/x.html"], "Cannot write"),
        (["sheet", "{dir}/x.pdf", "--product", "boats"], "no question set for product 'boats'"),
    ],
)
def test_form_errors_are_one_sentence_and_write_nothing(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    db = str(tmp_path / "e.sqlite3")
    result = run_cli("--db", db, "script", *(a.format(dir=tmp_path) for a in args))
    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and fragment in result.stderr
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "x.pdf").exists()
    assert not list(tmp_path.glob(".repdesk-*"))
