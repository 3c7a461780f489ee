"""Two `repdesk` processes acting on one step at the same moment: one completion per step, and a
move racing a completion never leaves the lead pointing at a step that is not its next one.

The race is made certain, not hoped for: the test holds the database's write lock while both
processes start, waits until both are asleep in SQLite's busy handler (each has read whatever
it reads before writing), then lets them go.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import repdesk
from repdesk.app import open_workspace
from repdesk.store.locations import resolve_url

ROOT = Path(repdesk.__file__).resolve().parents[1]
SLEEPING = {"35", "230"}  # nanosleep, clock_nanosleep (x86_64): SQLite's busy handler waiting


def workspace_with_a_step(path: Path) -> tuple[int, int]:
    """A workspace file with one new lead and its pending first step: (lead id, step id)."""
    csv = path.with_name("one.csv")
    csv.write_text("Name,Email\nAna Ruiz,ana@x.example\n", encoding="utf-8")
    ws = open_workspace(resolve_url(str(path)))
    try:
        ws.imports.import_files([csv])
        (step,) = ws.followups.list("all")
        return step.lead_id, step.id
    finally:
        ws.close()


def asleep(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/syscall").read_text().split(" ", 1)[0] in SLEEPING
    except OSError:
        return False


def race(path: Path, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Run the commands at once against `path`, all held at their first write until each waits."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "repdesk", "--db", str(path), *command],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in commands
        ]
        deadline = time.monotonic() + 60
        while not all(asleep(p.pid) for p in procs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                break
            time.sleep(0.02)
        time.sleep(0.2)  # both keep retrying their lock meanwhile (the busy timeout is 5 s)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    results = []
    for proc, command in zip(procs, commands, strict=True):
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(command, proc.returncode, out, err))
    return results


def steps(path: Path, lead_id: int) -> list[tuple[str, int]]:
    with closing(sqlite3.connect(path)) as con:
        return con.execute(
            "SELECT status, due_at FROM follow_ups WHERE lead_id = ? ORDER BY id", (lead_id,)
        ).fetchall()


def next_follow_up_at(path: Path, lead_id: int) -> int | None:
    """The stored time (UTC microseconds since the lean schema, as due_at)."""
    with closing(sqlite3.connect(path)) as con:
        (value,) = con.execute(
            "SELECT next_follow_up_at FROM leads WHERE id = ?", (lead_id,)
        ).fetchone()
        return int(value) if value is not None else None


def test_two_completions_of_one_step_complete_it_once(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    lead_id, step_id = workspace_with_a_step(path)
    done = ["followup", "done", str(step_id), "--outcome", "no_answer"]
    results = race(path, done, done)
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 1], [(r.returncode, r.stderr) for r in results]
    (refused,) = [r for r in results if r.returncode == 1]
    assert refused.stderr.startswith("repdesk: This step was already completed at ")
    with closing(sqlite3.connect(path)) as con:
        calls = con.execute(
            "SELECT count(*) FROM activities WHERE lead_id = ? AND kind = 'call'", (lead_id,)
        ).fetchone()
    assert calls == (1,)
    statuses = [status for status, _ in steps(path, lead_id)]
    assert statuses == ["done", "pending"]


@pytest.mark.parametrize("order", ["done first", "move first"])
def test_a_move_racing_a_completion_keeps_the_lead_on_its_real_next_step(
    tmp_path: Path, order: str
) -> None:
    path = tmp_path / "w.sqlite3"
    lead_id, step_id = workspace_with_a_step(path)
    later = (datetime.now(UTC) + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M%z")
    done = ["followup", "done", str(step_id), "--outcome", "no_answer"]
    move = ["followup", "move", str(step_id), later]
    results = race(path, *([done, move] if order == "done first" else [move, done]))
    assert all(r.returncode in (0, 1) and "Traceback" not in r.stderr for r in results)
    pending = [due for status, due in steps(path, lead_id) if status == "pending"]
    assert len(pending) == 1
    assert next_follow_up_at(path, lead_id) == pending[0]
