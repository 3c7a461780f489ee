"""Which database a URL names, as the file system knows it: two names of one SQLite file (a hard
link, a symlink, another spelling of its path) are one database, so one window serves them."""

from __future__ import annotations

import os

from repdesk.store.sqlite_file import sqlite_path


def database_identity(url: str, *, create: bool = False) -> str:
    """`sqlite-file:<device>:<inode>` for an SQLite file; the resolved path for one not made yet;
    the URL itself for a server. `create` makes a missing file first (empty, as a new workspace
    starts), so that the name does not change once the file exists."""
    path = sqlite_path(url)
    if path is None:
        return url
    if create and not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(exist_ok=True)
        except OSError:
            pass  # opening the workspace says why it cannot be made
    try:
        info = os.stat(path)  # follows symlinks: the file itself
    except OSError:
        return f"sqlite-path:{path.resolve()}"
    return f"sqlite-file:{info.st_dev}:{info.st_ino}"
