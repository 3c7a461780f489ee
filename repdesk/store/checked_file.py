"""Remembering that an SQLite workspace file was found sound, so that the next command need not
read all of it again (standard library only).

SQLite's quick_check before a command's first write reads the whole file (2.3 s of a 1.9 GB
workspace). Beside the file, `<file>.checked` holds the file's identity (device, inode, size and
mtime_ns of the file and of its -wal) as it was when a check passed or when this program last
wrote it. While the file still has that identity nobody else has touched it since, and the check
is skipped; any difference (another program wrote, the file was copied, truncated or replaced)
means the check runs as before. An unreadable or garbled record is no record: the check runs.

A write in the same timestamp tick as the remembered mtime would leave it unchanged, so a record
is trusted only when the record itself is newer than every mtime in it (git's "racily clean"
rule): whatever writes the file after the record was made gives it a later mtime.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

Stat = tuple[int, int, int, int]
Identity = tuple[Stat, Stat | None]

SUFFIX = ".checked"
_SETTLE_TRIES = 8
_SETTLE_S = 0.004


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def identity(path: Path) -> Identity | None:
    """The file's and its -wal's (device, inode, size, mtime_ns); None if the file is missing.

    An empty -wal is no -wal (a read-only reader leaves one behind; it holds nothing)."""
    try:
        db = os.stat(path)
    except OSError:
        return None
    try:
        wal: os.stat_result | None = os.stat(path.with_name(path.name + "-wal"))
    except FileNotFoundError:
        wal = None
    except OSError:
        return None
    return _stat(db), (_stat(wal) if wal is not None and wal.st_size > 0 else None)


def _stat(st: os.stat_result) -> Stat:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def remembered(path: Path) -> tuple[Identity, int] | None:
    """The identity recorded beside `path` and the record's own mtime_ns; None when there is no
    record or it cannot be read as one."""
    try:
        with sidecar(path).open("rb") as handle:
            written_ns = os.fstat(handle.fileno()).st_mtime_ns
            data = json.loads(handle.read(4096))
        db = _parse(data["db"])
        wal = None if data["wal"] is None else _parse(data["wal"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return (db, wal), written_ns


def _parse(value: object) -> Stat:
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError("not a stat")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        raise ValueError("not a stat")
    return value[0], value[1], value[2], value[3]


def _settled(ident: Identity, written_ns: int) -> bool:
    return all(st[3] < written_ns for st in ident if st is not None)


def unchanged_since_checked(path: Path) -> bool:
    """True when `path` has exactly the identity recorded beside it by a record made after the
    file's last change: nobody has written it since it was checked or written by this program."""
    found = remembered(path)
    if found is None:
        return False
    ident, written_ns = found
    return ident == identity(path) and _settled(ident, written_ns)


def remember(path: Path, ident: Identity | None, *, settle: bool = False) -> bool:
    """Record `ident` beside `path` (a temporary file renamed over the record). `settle`: made
    again, a few milliseconds later, until the record is newer than the file (a record made in
    the file's own timestamp tick is not trusted). False when it could not be written (a
    read-only folder, say: the check then simply runs next time)."""
    if ident is None:
        forget(path)
        return False
    side = sidecar(path)
    temp = side.with_name(f"{side.name}.{os.getpid()}.tmp")
    text = json.dumps({"db": list(ident[0]), "wal": None if ident[1] is None else list(ident[1])})
    for _ in range(_SETTLE_TRIES if settle else 1):
        try:
            temp.write_text(text, encoding="ascii")
            os.replace(temp, side)
            written_ns = os.stat(side).st_mtime_ns
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()
            return False
        if not settle or _settled(ident, written_ns):
            return True
        time.sleep(_SETTLE_S)
    return True


def forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        sidecar(path).unlink()


class WriteChain:
    """Carries the record over this program's own writes to `path`: a write that began while the
    file had its recorded identity (nobody else had written it) records the identity it leaves.

    `intact` before the write (under SQLite's write lock), `carry` after it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last: Identity | None = None

    def intact(self) -> bool:
        """The file is as recorded: checked, or last written by this program."""
        found = remembered(self.path)
        if found is None:
            return False
        ident, written_ns = found
        if ident != identity(self.path):
            return False
        # A record this process made right after its own write is trusted though made in the
        # same tick as that write (the write was ours); any other has to be settled.
        return ident == self._last or _settled(ident, written_ns)

    def carry(self, *, settle: bool = False) -> None:
        ident = identity(self.path)
        if remember(self.path, ident, settle=settle):
            self._last = ident
