"""`leads` and `followups` stream their rows: --limit and --offset page them (ties on the time
included), --json stays one valid document whatever its size, and a bad --limit is one sentence."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from repdesk.app import open_workspace
from repdesk.cli import main
from repdesk.services.common import keyset
from repdesk.store.models import LeadRecord

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def workspace_with(path: Path, received: list[datetime]) -> str:
    url = f"sqlite:///{path}"
    ws = open_workspace(url)
    with ws.sessions.begin() as session:
        session.execute(
            insert(LeadRecord),
            [
                {
                    "first_name": f"P{i}",
                    "last_name": "Q",
                    "status": "new",
                    "received_at": when,
                    "created_at": when,
                    "updated_at": when,
                    "extra": {},
                    "edited_fields": [],
                }
                for i, when in enumerate(received)
            ],
        )
    ws.followups.ensure_all()
    ws.close()
    return url


def leads_json(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> list[dict]:  # type: ignore[type-arg]
    assert main(["--db", url, "leads", "--json", *extra]) == 0
    out = capsys.readouterr().out
    return json.loads(out)  # type: ignore[no-any-return]


def test_leads_page_newest_first_through_ties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyset, "PAGE", 4)  # pages of four: ties span pages
    received = [T0] * 9 + [T0 + timedelta(hours=1)] * 3 + [T0 - timedelta(days=1)] * 2
    url = workspace_with(tmp_path / "w.sqlite3", received)
    everything = leads_json(capsys, url)
    order = [(row["received_at"], row["id"]) for row in everything]
    assert order == sorted(order, reverse=True) and len(everything) == 14
    assert len({row["id"] for row in everything}) == 14
    assert leads_json(capsys, url, "--limit", "5", "--offset", "2") == everything[2:7]
    assert leads_json(capsys, url, "--offset", "13") == everything[13:]
    assert leads_json(capsys, url, "--offset", "40") == []
    assert leads_json(capsys, url, "--limit", "0") == []
    assert main(["--db", url, "followups", "--json", "--limit", "3", "--offset", "1"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert main(["--db", url, "followups", "--json"]) == 0
    assert steps == json.loads(capsys.readouterr().out)[1:4]


def test_text_lists_page_too_and_a_bad_limit_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = workspace_with(tmp_path / "w.sqlite3", [T0 + timedelta(minutes=i) for i in range(6)])
    assert main(["--db", url, "leads", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "P5 Q" in lines[0] and "P4 Q" in lines[1]
    with pytest.raises(SystemExit) as code:
        main(["--db", url, "leads", "--limit", "-1"])
    assert code.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "0 or more" in err
    assert main(["--db", url, "leads", "--status", "won"]) == 0
    assert capsys.readouterr().out == "No leads match.\n"


def test_a_lead_waiting_on_its_reply_lists_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = workspace_with(tmp_path / "r.sqlite3", [T0])
    ws = open_workspace(url)
    with ws.sessions.begin() as session:
        session.get_one(LeadRecord, 1).replied_at = T0 + timedelta(hours=2)
    ws.close()
    capsys.readouterr()
    assert main(["--db", url, "leads", "--json"]) == 0
    (lead,) = json.loads(capsys.readouterr().out)
    assert lead["replied_at"] == "2026-11-20T11:00:00+00:00" and lead["name"] == "P0 Q"
