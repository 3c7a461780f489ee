"""The standard-library view of an SQLite file agrees with SQLAlchemy's, and never changes the
file."""

from __future__ import annotations

import sqlite3
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import make_url
from sqlalchemy.engine.url import URL

from repdesk.store.errors import StoreError
from repdesk.store.locations import resolve_url
from repdesk.store.sqlite_file import (
    check_sqlite_file,
    sqlite_path,
    sqlite_tables_and_revision,
    sqlite_url,
)

NAME = st.text(
    alphabet=string.ascii_letters + string.digits + " #?%&=+@;:,'ü-_.é", min_size=1, max_size=20
).filter(lambda s: s not in {".", ".."})


@given(st.lists(NAME, min_size=1, max_size=3))
def test_url_of_a_path_is_sqlalchemys_and_reads_back(parts: list[str]) -> None:
    path = Path("/", *parts)
    url = sqlite_url(path)
    assert url == str(URL.create("sqlite", database=str(path)))
    assert make_url(url).database == str(path)
    assert sqlite_path(url) == path


def test_other_databases_have_no_file() -> None:
    assert sqlite_path("postgresql+psycopg://u:p@127.0.0.1:5432/repdesk") is None
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("sqlite+pysqlite:////tmp/x.db") == Path("/tmp/x.db")


def test_resolve_url_for_a_file_and_a_server(tmp_path: Path) -> None:
    assert sqlite_path(resolve_url(str(tmp_path / "a b#1.sqlite3"))) == tmp_path / "a b#1.sqlite3"
    assert resolve_url("postgres://u@127.0.0.1/db").startswith("postgresql+psycopg://")
    with pytest.raises(StoreError, match="not a valid URL"):
        resolve_url("nonsense://::::")


def test_revision_is_read_without_changing_a_byte(tmp_path: Path) -> None:
    path = tmp_path / "odd ?#name.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num TEXT)")
    con.execute("INSERT INTO alembic_version VALUES ('0002')")
    con.commit()
    con.close()
    before = path.read_bytes()
    assert sqlite_tables_and_revision(path) == ({"alembic_version"}, "0002")
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()


def test_a_file_that_is_not_sqlite_gets_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"hello, this is text")
    with pytest.raises(StoreError, match="not an SQLite file"):
        check_sqlite_file(path)
    assert path.read_bytes() == b"hello, this is text"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://rep:hunter2@db.example:notaport/repdesk",
        "postgres://rep:hunter2@db.example:port/repdesk",
        "nonsense://rep:hunter2@::::",
    ],
)
def test_an_address_that_does_not_parse_never_shows_its_password(url: str) -> None:
    with pytest.raises(StoreError) as info:
        resolve_url(url)
    assert "hunter2" not in str(info.value) and "***" in str(info.value)
