"""Whether an SQLite workspace file is sound (SQLite's own checks), and the sentence for one that is
not (standard library only: the GUI checks its file before SQLAlchemy is needed).

`quick_check` (page structure, in the background after the first paint and before the first
write) and the full `integrity_check` (indexes too, before a migration or a backup) read the file
without changing a byte of it.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from repdesk.core.quoting import clip
from repdesk.store.sqlite_file import read_only

_DAMAGE_WORDS = ("malformed", "corrupt", "not a database", "btreeinitpage", "vtable constructor")


def file_problem(path: Path, *, full: bool = False) -> str | None:
    """None when SQLite finds the file sound, else the first problem it reports (one line)."""
    check = "integrity_check" if full else "quick_check"
    try:
        con = read_only(path)
        try:
            rows = con.execute(f"PRAGMA {check}(1)").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return _one_line(str(exc))
    first = str(rows[0][0]) if rows else "SQLite gave no answer"
    return None if first == "ok" else _one_line(first)


def read_only_reason(path: Path) -> str | None:
    """The sentence to open the workspace file read-only with, when its quick check fails."""
    problem = file_problem(path) if path.exists() else None
    return None if problem is None else damaged_sentence(path, problem, read_only_now=True)


def looks_damaged(error: BaseException) -> bool:
    """True for the errors SQLite raises when it meets a damaged page."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(word in text for word in _DAMAGE_WORDS)


def damaged_sentence(path: Path, problem: str, *, read_only_now: bool = False) -> str:
    """One sentence: the file is damaged, what SQLite found, and where the latest good backup is."""
    from repdesk.store.backups import latest_good_backup

    opened = (
        "repdesk opened it read-only, so nothing can be changed"
        if read_only_now
        else ("nothing was changed")
    )
    backup = latest_good_backup(path)
    if backup is None:
        advice = "there is no good backup of it, so copy the file somewhere safe before anything"
    else:
        made = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        advice = (
            f"the latest good backup is {backup} ({made}): close repdesk and run "
            "`repdesk backup restore` to bring it back"
        )
    return f"The workspace file {path} is damaged ({clip(problem, 80)}); {opened}; {advice}."


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("***")] or lines
    first = lines[0] if lines else "unknown damage"
    return first[0].lower() + first[1:] if first[:1].isupper() and first[1:2].islower() else first
