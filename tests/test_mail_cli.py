"""`repdesk templates export|import`, `repdesk source add smtp`, `repdesk mail send|outbox`:
contracts, one-sentence errors, byte-identical round trips."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from repdesk.cli import main
from repdesk.launch import open_for_cli
from tests.fixtures.mail import add_lead
from tests.fixtures.smtp import SmtpServer
from tests.services.settings.test_secrets import secret_service


def test_templates_export_import_round_trip_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, first, second = str(tmp_path / "w.sqlite3"), tmp_path / "a.txt", tmp_path / "b.txt"
    assert main(["--db", db, "templates", "export", str(first)]) == 0
    edited = first.read_text().replace("Hi {first_name},", "Hello {first_name},", 1)
    edited += "\n[template webinar]\nname: Webinar invite\nsubject: Join us\nbody:\n\\[x] [y]\n"
    first.write_text(edited)
    assert main(["--db", db, "templates", "import", str(first)]) == 0
    assert "Imported 8 templates (2 new or changed)" in capsys.readouterr().out
    assert main(["--db", db, "templates", "export", str(second)]) == 0
    assert second.read_bytes() == first.read_bytes()


def test_a_broken_templates_file_names_its_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, good, bad = str(tmp_path / "w.sqlite3"), tmp_path / "g.txt", tmp_path / "bad.txt"
    assert main(["--db", db, "templates", "export", str(good)]) == 0
    lines = good.read_text().split("\n")
    lines[4] = "subject: Hi {firstname}"
    bad.write_text("\n".join(lines))
    capsys.readouterr()
    assert main(["--db", db, "templates", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"repdesk: {bad}, line 5: unknown placeholder {{firstname}}")
    assert err.count("\n") == 1
    assert main(["--db", db, "templates", "export", str(tmp_path / "after.txt")]) == 0
    assert (tmp_path / "after.txt").read_bytes() == good.read_bytes()
    bad.write_bytes(b"\xff\xfe broken")
    assert main(["--db", db, "templates", "import", str(bad)]) == 1
    assert "is not a UTF-8 text file" in capsys.readouterr().err


@pytest.mark.integration
def test_source_add_smtp_then_mail_send_prints_the_contract(
    tmp_path: Path,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret_service()
    db = str(tmp_path / "w.sqlite3")
    ws = open_for_cli(db, demo=False)
    lead_id = add_lead(ws)
    ws.close()
    add = ["--db", db, "source", "add", "smtp", "--host", smtp_server.host]
    add += ["--port", str(smtp_server.port), "--user", smtp_server.user]
    add += ["--from", "Sam Ortiz <sam@shop.test>", "--ca-file", str(smtp_server.cert)]
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(add) == 1
    err = capsys.readouterr().err
    assert "refused the login" in err and err.count("\n") == 1
    monkeypatch.setattr("sys.stdin", io.StringIO(smtp_server.password + "\n"))
    assert main([*add, "--phone", "+1 415 555 0199"]) == 0
    assert "login tested; password stored in the system keyring" in capsys.readouterr().out
    assert (
        main(["--db", db, "mail", "send", str(lead_id), "--template", "first_reply", "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"lead_id", "message_id", "status"}
    assert out["status"] == "sent" and out["lead_id"] == lead_id
    assert smtp_server.messages()[0]["Message-ID"] == out["message_id"]
    smtp_server.stop()
    assert (
        main(["--db", db, "mail", "send", str(lead_id), "--template", "follow_up", "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["status"] == "queued"
    assert main(["--db", db, "mail", "outbox", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["status"] == "queued" and "cannot be reached" in row["why"]
    assert main(["--db", db, "mail", "send", "999", "--template", "first_reply"]) == 1
    assert capsys.readouterr().err == "repdesk: There is no lead with id 999.\n"
    ws = open_for_cli(db, demo=False)
    for account in ws.accounts.list_accounts():
        ws.accounts.remove(account.id)
    ws.close()
