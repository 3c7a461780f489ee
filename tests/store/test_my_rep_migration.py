"""0014: the retired "You are" setting (my_rep) leaves the settings table of an existing file;
the other settings stay."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic.command import upgrade

from repdesk.store.engine import make_engine
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import alembic_config, ensure_schema


def test_the_my_rep_setting_is_removed_and_the_others_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "v13.sqlite3"
    engine = make_engine(resolve_url(str(path)))
    upgrade(alembic_config(engine), "0013")
    engine.dispose()
    with closing(sqlite3.connect(path)) as con, con:
        con.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?)",
            [("my_rep", '"Ann Lee"'), ("response_target_minutes", "7")],
        )
    engine = make_engine(resolve_url(str(path)))
    assert ensure_schema(engine) is True
    engine.dispose()
    with closing(sqlite3.connect(path)) as con:
        stored = dict(con.execute("SELECT key, value FROM settings").fetchall())
    assert "my_rep" not in stored and stored["response_target_minutes"] == 7
