"""A file checked once is not read whole again by every command (issue 20.2): the quick_check
before a command's first write is skipped while the file is exactly as the last check or this
program's own last write left it, and runs as before when anyone else touched it."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

import repdesk.store.backups as backups
from repdesk.cli import main
from repdesk.store import integrity as sqlite_checks
from repdesk.store.checked_file import identity, remember, sidecar, unchanged_since_checked
from tests.store.test_damaged_file import COPIES, integrity, real_workspace  # noqa: F401


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQLite check run from now on: 'quick' or 'full'."""
    ran: list[str] = []
    real = sqlite_checks.file_problem

    def counted(path: Path, *, full: bool = False, backup: bool = False) -> str | None:
        if not backup:
            ran.append("full" if full else "quick")
        return real(path, full=full, backup=backup)

    monkeypatch.setattr(backups, "file_problem", counted)
    return ran


def pending_step(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        row = con.execute("SELECT id FROM follow_ups WHERE status = 'pending' ORDER BY id LIMIT 1")
        return int(row.fetchone()[0])


def done(path: Path) -> int:
    step = str(pending_step(path))
    return main(["--db", str(path), "followup", "done", step, "--outcome", "voicemail"])


def workspace(real: Path, folder: Path) -> Path:
    folder.mkdir()
    path = folder / "work.sqlite3"
    shutil.copy2(real, path)
    return path


def test_a_second_write_on_an_unchanged_file_runs_no_quick_check(
    real_workspace: Path,  # noqa: F811
    tmp_path: Path,
    checks: list[str],
) -> None:
    path = workspace(real_workspace, tmp_path / "w")
    assert done(path) == 0  # a copy: checked (and the day's backup made, fully checked)
    assert checks.count("quick") == 1 and checks.count("full") == 1
    checks.clear()
    assert done(path) == 0
    assert done(path) == 0
    assert checks == []


def test_a_file_damaged_after_it_was_checked_is_still_refused(
    real_workspace: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    csv = tmp_path / "new.csv"
    csv.write_text("Name,Email\nOla Okonkwo,ola@new.example\n", encoding="utf-8")
    outcomes: list[str] = []
    damaged = 0
    for k in range(0, COPIES, 2):
        path = workspace(real_workspace, tmp_path / f"copy{k}")
        assert done(path) == 0  # checked and written: the record is beside it
        assert sidecar(path).exists()
        page_size = 4096
        pages = path.stat().st_size // page_size
        with path.open("r+b") as handle:  # then another program overwrites a page
            handle.seek((1 + (pages - 2) * k // (COPIES - 1)) * page_size)
            handle.write(random.Random(k).randbytes(page_size))
        if integrity(path) == "ok":
            continue  # the noise hit free space: a sound file
        damaged += 1
        before = path.read_bytes()
        capsys.readouterr()
        code = main(["--db", str(path), "import", str(csv)])
        err = capsys.readouterr().err.strip()
        if code == 0:
            outcomes.append(f"copy {k} took the import")
        elif path.read_bytes() != before:
            outcomes.append(f"copy {k} refused but changed the file: {err}")
        elif "damaged" not in err or len(err.splitlines()) != 1:
            outcomes.append(f"copy {k} refused without saying it is damaged: {err[:200]}")
    assert damaged >= 4
    assert outcomes == []


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\xff\xfe{not json", b'{"db": [1, 2, 3], "wal": null}', b'{"db": "x"}', b"[]"],
)
def test_a_garbled_record_only_means_checking_again(
    real_workspace: Path,  # noqa: F811
    tmp_path: Path,
    checks: list[str],
    garbage: bytes,
) -> None:
    path = workspace(real_workspace, tmp_path / "w")
    assert done(path) == 0
    sidecar(path).write_bytes(garbage)
    checks.clear()
    assert done(path) == 0
    assert checks == ["quick"]  # checked again, and remembered again
    checks.clear()
    assert done(path) == 0
    assert checks == []


def test_a_record_of_another_identity_means_checking_again(
    real_workspace: Path,  # noqa: F811
    tmp_path: Path,
    checks: list[str],
) -> None:
    path = workspace(real_workspace, tmp_path / "w")
    assert done(path) == 0
    moved = tmp_path / "elsewhere.sqlite3"  # the file replaced by a copy of itself, record too
    shutil.copy2(path, moved)
    shutil.copy2(sidecar(path), sidecar(moved))
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    moved.replace(path)
    sidecar(moved).replace(sidecar(path))
    checks.clear()
    assert done(path) == 0
    assert checks == ["quick"]


def test_the_backup_before_a_write_is_still_fully_checked(
    real_workspace: Path,  # noqa: F811
    tmp_path: Path,
    checks: list[str],
) -> None:
    path = workspace(real_workspace, tmp_path / "w")
    assert done(path) == 0
    for daily in path.parent.glob("work.sqlite3.*.daily.bak"):
        daily.unlink()  # as if the day had changed
    checks.clear()
    assert done(path) == 0
    assert checks == ["full"]  # the day's backup: SQLite's full check, never skipped


def test_a_record_made_in_the_files_own_timestamp_tick_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    with closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE t (x)")
    ident = identity(path)
    assert remember(path, ident) and unchanged_since_checked(path)
    mtime = path.stat().st_mtime_ns  # a write in the same tick would leave this mtime as it is
    os.utime(sidecar(path), ns=(mtime, mtime))
    assert not unchanged_since_checked(path)
    assert remember(path, ident, settle=True) and unchanged_since_checked(path)
