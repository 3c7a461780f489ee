"""`repdesk report`: the JSON contract, the text summary, and one-sentence errors."""

from __future__ import annotations

import json

import pytest

from repdesk.cli import main


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("report") / "demo.sqlite3")
    assert main(["--db", db, "--demo", "leads", "--json"]) == 0
    return db


def test_json_contract(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--db", demo_db, "report", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert set(data["period"]) == {"from", "to"}
    for key in ("from", "to"):
        assert len(data["period"][key]) == 10 and data["period"][key][4] == "-"
    speed = data["speed_to_lead"]
    assert {
        "median_minutes",
        "within_target_share",
        "within_hour_share",
        "within_day_share",
        "never_contacted",
    } <= set(speed)
    assert isinstance(speed["median_minutes"], float)
    for key in ("within_target_share", "within_hour_share", "within_day_share"):
        assert isinstance(speed[key], float) and 0.0 <= speed[key] <= 1.0
    assert speed["within_target_share"] <= speed["within_hour_share"] <= speed["within_day_share"]
    assert isinstance(speed["never_contacted"], int) and speed["never_contacted"] > 0
    coverage = data["coverage"]
    assert set(coverage) == {"open_leads", "with_next_step_share", "overdue"}
    assert isinstance(coverage["open_leads"], int) and isinstance(coverage["overdue"], int)
    assert 0.0 <= coverage["with_next_step_share"] <= 1.0
    assert set(data["funnel"]) == {
        "new",
        "contacted",
        "qualified",
        "nurture",
        "not_a_fit",
        "won",
        "lost",
    }
    assert all(isinstance(v, int) for v in data["funnel"].values())
    assert sum(data["funnel"].values()) == speed["received"]
    assert [set(r) for r in data["reps"]] == [{"name", "capacity", "qualified_this_month"}] * 3
    assert all(
        isinstance(r["capacity"], int) and isinstance(r["qualified_this_month"], int)
        for r in data["reps"]
    )


def test_period_owner_and_empty_period(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert (
        main(["--db", demo_db, "report", "--from", "2001-01-01", "--to", "2001-01-31", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"from": "2001-01-01", "to": "2001-01-31"}
    assert data["speed_to_lead"]["median_minutes"] is None
    assert (
        data["speed_to_lead"]["within_target_share"] == 0.0
        and data["speed_to_lead"]["never_contacted"] == 0
    )
    assert main(["--db", demo_db, "report", "--owner", "Sam Ortiz", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in data["reps"]] == ["Sam Ortiz"]


def test_text_summary(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--db", demo_db, "report"]) == 0
    out = capsys.readouterr().out
    for words in (
        "Speed to lead",
        "median first response",
        "within 5 min",
        "never contacted",
        "with a next step",
        "overdue",
        "Funnel",
        "Sam Ortiz",
    ):
        assert words in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-02-30"], "is not a date"),
        (["--owner", "Nobody"], "no rep named 'Nobody'"),
        (["--from", "2026-03-01", "--to", "2026-02-01"], "after it ends"),
    ],
)
def test_errors_are_one_sentence(
    demo_db: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    capsys.readouterr()
    assert main(["--db", demo_db, "report", *args, "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and len(captured.err.strip().splitlines()) == 1
