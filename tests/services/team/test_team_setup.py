"""`repdesk team init|add-rep|list` against a real PostgreSQL, and "me" on a solo file."""

from __future__ import annotations

import io
import json
import uuid

import psycopg
import pytest

from repdesk.cli import main
from repdesk.services.team.identity import IdentityService
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.migrate import ensure_schema


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.mark.integration
def test_init_add_rep_and_list(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    login = f"zoe_{uuid.uuid4().hex[:8]}"
    try:
        assert main(["team", "init", postgres_url]) == 0
        assert main(["team", "init", postgres_url]) == 0  # harmless again
        monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
        assert (
            main(
                [
                    "team",
                    "add-rep",
                    postgres_url,
                    "--name",
                    "Zoe Park",
                    "--login",
                    login,
                    "--capacity",
                    "25",
                ]
            )
            == 0
        )
        monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
        assert main(["team", "add-rep", postgres_url, "--name", "Zed", "--login", login]) == 1
        capsys.readouterr()
        assert main(["team", "list", postgres_url, "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [(m["name"], m["login"], m["role"], m["monthly_capacity"]) for m in listed] == [
            ("Zoe Park", login, "rep", 25)
        ]
        url = postgres_url.replace("postgres@", f"{login}:s3cret-pass@")
        with psycopg.connect(_libpq(url)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (login,)
    finally:
        admin = _libpq(postgres_url).rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{login}"')


@pytest.mark.integration
def test_add_rep_refusals_are_one_sentence(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough\n"))
    assert main(["team", "add-rep", postgres_url, "--name", "A", "--login", "amy_x1"]) == 1
    assert "not set up for a team yet" in capsys.readouterr().err
    for login, expected in (("Amy", "cannot be a login"), ("pg_amy", "reserved")):
        assert main(["team", "add-rep", postgres_url, "--name", "A", "--login", login]) == 1
        assert expected in capsys.readouterr().err
    main(["team", "init", postgres_url])
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["team", "add-rep", postgres_url, "--name", "A", "--login", "amy_x1"]) == 1
    err = capsys.readouterr().err
    assert err == "repdesk: The password needs at least 8 characters.\n"


def test_a_file_is_no_team_database(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert main(["team", "init", str(tmp_path / "x.sqlite3")]) == 1
    assert "PostgreSQL server" in capsys.readouterr().err


def test_a_solo_file_has_one_implicit_me_who_may_do_everything(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    me = IdentityService(make_session_factory(engine)).me()
    assert (me.role, me.may_manage, me.is_team, me.describe()) == ("solo", True, False, "")
