"""A damaged workspace file is noticed: copies of a real workspace with one page overwritten are
checked, opened read-only with one sentence naming the latest good backup, and never written to;
the rolling backups bring the workspace back (`repdesk backup restore`)."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

import repdesk
from repdesk.launch import open_for_cli

ROOT = Path(repdesk.__file__).resolve().parents[1]
COPIES = 12


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "repdesk", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def real_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace (about 200 leads with their timelines, steps and qualifications)."""
    path = tmp_path_factory.mktemp("real") / "work.sqlite3"
    open_for_cli(str(path), demo=True).close()
    for leftover in path.parent.glob("work.sqlite3.*.bak"):
        leftover.unlink()  # the copies below start without backups
    return path


def damaged_copy(source: Path, folder: Path, k: int) -> Path:
    """A copy of `source` with its k-th of COPIES evenly spread pages overwritten by noise."""
    folder.mkdir()
    path = folder / "work.sqlite3"
    shutil.copy2(source, path)
    page_size = 4096
    pages = path.stat().st_size // page_size
    page = 1 + (pages - 2) * k // (COPIES - 1)  # page 0 (the header) is checked by the opener
    with path.open("r+b") as handle:
        handle.seek(page * page_size)
        handle.write(random.Random(k).randbytes(page_size))
    return path


def integrity(path: Path) -> str:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            return str(con.execute("PRAGMA integrity_check(1)").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)


def test_a_damaged_copy_takes_no_import_and_says_it_is_damaged(
    real_workspace: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "new.csv"
    csv.write_text("Name,Email\nOla Okonkwo,ola@new.example\n", encoding="utf-8")
    outcomes: list[str] = []
    for k in range(COPIES):
        path = damaged_copy(real_workspace, tmp_path / f"copy{k}", k)
        before = path.read_bytes()
        if integrity(path) == "ok":
            continue  # the noise hit free space: a sound file
        result = run_cli("--db", str(path), "import", str(csv))
        if result.returncode == 0:
            outcomes.append("took the import")
        elif path.read_bytes() != before:
            outcomes.append(f"refused but changed the file: {result.stderr.strip()}")
        elif "damaged" not in result.stderr or len(result.stderr.strip().splitlines()) != 1:
            outcomes.append(f"refused without saying it is damaged: {result.stderr.strip()[:200]}")
    damaged = COPIES - sum(
        1 for k in range(COPIES) if integrity(tmp_path / f"copy{k}" / "work.sqlite3") == "ok"
    )
    assert damaged >= COPIES - 2
    assert outcomes == [], f"{len(outcomes)} of {damaged} damaged copies:\n" + "\n".join(outcomes)


def test_backup_restore_brings_back_the_latest_good_backup(
    real_workspace: Path, tmp_path: Path
) -> None:
    path = tmp_path / "work.sqlite3"
    shutil.copy2(real_workspace, path)
    listed = run_cli("--db", str(path), "leads", "--json")  # the day's first use backs it up
    assert listed.returncode == 0, listed.stderr
    leads = len(json.loads(listed.stdout))
    (daily,) = path.parent.glob("work.sqlite3.*.daily.bak")
    with path.open("r+b") as handle:  # then a page goes bad
        handle.seek(5 * 4096)
        handle.write(random.Random(5).randbytes(4096))
    damaged = path.read_bytes()
    csv = tmp_path / "new.csv"
    csv.write_text("Name,Email\nOla Okonkwo,ola@new.example\n", encoding="utf-8")
    refused = run_cli("--db", str(path), "import", str(csv))
    assert refused.returncode == 1 and str(daily) in refused.stderr
    assert "backup restore" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    listing = json.loads(run_cli("--db", str(path), "backup", "list", "--json").stdout)
    assert [b["path"] for b in listing] == [str(daily)]
    restored = run_cli("--db", str(path), "backup", "restore", "--json")
    assert restored.returncode == 0, restored.stderr
    outcome = json.loads(restored.stdout)
    assert outcome["restored"] == str(daily)
    assert Path(outcome["replaced_file_kept_as"]).read_bytes() == damaged  # nothing is lost
    assert integrity(path) == "ok"
    after = run_cli("--db", str(path), "leads", "--json")
    assert after.returncode == 0 and len(json.loads(after.stdout)) == leads
    again = run_cli("--db", str(path), "import", str(csv))
    assert again.returncode == 0, again.stderr


def test_restore_without_a_sound_backup_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite3"
    result = run_cli("--db", str(path), "backup", "restore")
    assert result.returncode == 1
    assert result.stderr.strip() == f"repdesk: There is no sound backup of {path} to restore."
