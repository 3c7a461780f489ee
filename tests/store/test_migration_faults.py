"""An interrupted start-up migration leaves the old schema or the new one, never a mix: the
upgrade is killed before each of its statements in turn, and every such file opens afterwards."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic.command import upgrade

from repdesk.store.engine import make_engine
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import alembic_config, ensure_schema, head_revision
from repdesk.store.sqlite_file import sqlite_tables_and_revision
from tests.store.test_status_counts import insert_leads

ROOT = Path(__file__).resolve().parents[2]
STATUSES = ["new"] * 4 + ["contacted"] * 3 + ["won", "not_a_fit", "nurture"]


def schema(path: Path) -> frozenset[tuple[str, str, tuple[str, ...]]]:
    """Every table, index and trigger with its definition, compared line by line in any order
    (a batch migration lists a rebuilt table's foreign keys in Python's set order, which differs
    from one process to the next)."""
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master").fetchall()
    return frozenset(
        (kind, name, tuple(sorted(line.strip().rstrip(",") for line in sql.splitlines())))
        for kind, name, sql in rows
    )


def lead_statuses(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as con:
        return sorted(s for (s,) in con.execute("SELECT status FROM leads"))


def file_at(revision: str | None, path: Path) -> Path:
    """A workspace file at `revision` holding ten leads (None: an empty new file)."""
    if revision is None:
        path.touch()
        return path
    engine = make_engine(resolve_url(str(path)))
    upgrade(alembic_config(engine), revision)
    with engine.begin() as conn:
        insert_leads(conn, STATUSES)
    engine.dispose()
    return path


def kill_at_every_statement(source: Path, workdir: Path) -> dict:  # type: ignore[type-arg]
    workdir.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "tests.store.upgrade_killer", str(source), str(workdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    result = json.loads(done.stdout)
    assert "error" not in result, result["error"]
    return result  # type: ignore[no-any-return]


# A new file and one with leads at the first revision: every statement of an upgrade from a later
# revision is one of the second's too, with the same leads (the lean schema's rebuilds made each
# start cost minutes on a loaded machine; two starts cover every statement boundary).
@pytest.mark.parametrize("start", [None, "0001"])
def test_an_upgrade_killed_before_any_statement_leaves_a_file_that_opens(
    tmp_path: Path, start: str | None
) -> None:
    source = file_at(start, tmp_path / "source.sqlite3")
    old_schema = schema(source)
    result = kill_at_every_statement(source, tmp_path / "kills")
    head_schema = schema(Path(result["finished"]))
    assert len(result["kills"]) == len(result["statements"]) > 5
    broken: list[str] = []
    bricked = 0
    for kill in result["kills"]:
        path = Path(kill["file"])
        where = f"killed before {kill['before']!r}"
        _, revision = sqlite_tables_and_revision(path)
        if (revision, schema(path)) not in {(start, old_schema), (head_revision(), head_schema)}:
            broken.append(f"{where}: revision {revision} with a mixed schema")
        try:
            engine = make_engine(resolve_url(str(path)))
            ensure_schema(engine)  # the next start
            engine.dispose()
        except Exception as exc:  # noqa: BLE001  (collected: every boundary is reported)
            broken.append(f"{where}: the next start fails: {exc}")
            bricked += 1
            continue
        if schema(path) != head_schema:
            broken.append(f"{where}: the next start leaves another schema than head's")
        if start is not None and lead_statuses(path) != sorted(STATUSES):
            broken.append(f"{where}: leads lost")
        # The killed start and the next one together leave one backup of the old file.
        backups = len(list(path.parent.glob(f"{path.name}.*.bak")))
        if start is not None and backups != 1:
            broken.append(f"{where}: {backups} backups")
    summary = f"{bricked} of {len(result['kills'])} kills leave a file that no longer opens"
    assert broken == [], summary + ":\n" + "\n".join(broken)
