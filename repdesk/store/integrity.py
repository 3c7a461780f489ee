"""Whether an SQLite workspace file is sound, by SQLite's own checks (standard library only: the
GUI may check its file before SQLAlchemy is needed).

`quick_check` (page structure: in the background after the first paint, before the first write)
and the full `integrity_check` (indexes too: before a migration or a backup) read the file
without changing a byte of it. store.backups says what to do about a damaged one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from repdesk.store.sqlite_file import read_only


def file_problem(path: Path, *, full: bool = False, backup: bool = False) -> str | None:
    """None when SQLite finds the file sound, else the first problem it reports (one line).

    `backup`: the file is a backup no program writes, read as immutable (no -wal or -shm is made
    beside it, even for a copy of a WAL-mode file)."""
    check = "integrity_check" if full else "quick_check"
    try:
        con = read_only(path) if not backup else _immutable(path)
        try:
            rows = con.execute(f"PRAGMA {check}(1)").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return one_line(str(exc))
    first = str(rows[0][0]) if rows else "SQLite gave no answer"
    return None if first == "ok" else one_line(first)


def _immutable(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)


def one_line(text: str) -> str:
    """SQLite's report as one clause ("*** in database main *** Page 2: …" -> "page 2: …")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("***")] or lines
    first = lines[0] if lines else "unknown damage"
    return first[0].lower() + first[1:] if first[:1].isupper() and first[1:2].islower() else first
