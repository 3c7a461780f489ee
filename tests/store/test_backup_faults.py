"""A backup copy that does not fit on the disk is one sentence and leaves no half-written file
(a real 2 MB tmpfs), and the database it was copying stays as it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from alembic.command import upgrade
from sqlalchemy import text

from repdesk.services.common.errors import UserError
from repdesk.services.workspace.backup_service import backup_database
from repdesk.store.engine import make_engine
from repdesk.store.errors import StoreError
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import alembic_config, ensure_schema
from repdesk.store.sqlite_file import sqlite_tables_and_revision
from tests.store.test_status_counts import insert_leads


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 2 MB (tmpfs; mounting needs root, which CI has)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a 2 MB tmpfs needs root and mount(8)")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        if subprocess.run(["umount", str(disk)]).returncode != 0:
            subprocess.run(["umount", "-l", str(disk)], check=True)
            pytest.fail("the 2 MB disk was still in use: a file on it was left open")


def big_file_at_0003(path: Path) -> Path:
    """A workspace of about 1.2 MB at revision 0003: its copy does not fit beside it in 2 MB."""
    engine = make_engine(resolve_url(str(path)))
    upgrade(alembic_config(engine), "0003")
    with engine.begin() as conn:
        insert_leads(conn, ["new"] * 2000)
        conn.execute(text("UPDATE leads SET message = hex(randomblob(200))"))
    engine.dispose()
    assert 1_050_000 < path.stat().st_size < 1_800_000
    return path


def others(folder: Path, keep: Path) -> list[str]:
    """The files in `folder` besides `keep` and its own -wal and -shm."""
    own = {keep.name, keep.name + "-wal", keep.name + "-shm"}
    return sorted(p.name for p in folder.iterdir() if p.name not in own)


@pytest.mark.integration
def test_a_migration_whose_backup_does_not_fit_is_one_sentence(
    tmp_path: Path, small_disk: Path
) -> None:
    path = small_disk / "work.sqlite3"
    shutil.copy2(big_file_at_0003(tmp_path / "made.sqlite3"), path)
    before = path.read_bytes()
    engine = make_engine(resolve_url(str(path)))
    with pytest.raises(StoreError) as info:
        ensure_schema(engine)
    engine.dispose()
    message = str(info.value)
    assert "not enough free disk space" in message and message.count(". ") == 0
    assert others(small_disk, path) == []  # no .bak, no .partial, no journal
    assert path.read_bytes() == before
    assert sqlite_tables_and_revision(path)[1] == "0003"


@pytest.mark.integration
def test_a_backup_to_a_full_disk_is_one_sentence(tmp_path: Path, small_disk: Path) -> None:
    path = big_file_at_0003(tmp_path / "work.sqlite3")
    ensure_schema(make_engine(resolve_url(str(path))))
    (small_disk / "filler").write_bytes(b"\0" * 1_000_000)  # the disk already holds something
    target = small_disk / "copy.sqlite3"
    with pytest.raises(UserError) as info:
        backup_database(resolve_url(str(path)), target)
    assert "not enough free disk space" in str(info.value)
    assert others(small_disk, small_disk / "filler") == []
    with closing(sqlite3.connect(path)) as con:  # the workspace itself is untouched and whole
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT count(*) FROM leads").fetchone() == (2000,)
