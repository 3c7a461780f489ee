"""One window per database file, however the file is named: a hard link or a symlink to the open
file reaches the running repdesk instead of opening a second window on it."""

from __future__ import annotations

import os
from pathlib import Path

from repdesk.store.locations import resolve_url
from repdesk.ui.shell.single_instance import server_name


def test_a_hard_link_and_a_symlink_name_the_same_instance(tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    path.write_bytes(b"")
    os.link(path, tmp_path / "hard.sqlite3")
    (tmp_path / "soft.sqlite3").symlink_to(path)
    names = {server_name(resolve_url(str(tmp_path / n))) for n in ("work.sqlite3", "hard.sqlite3")}
    names.add(server_name(resolve_url(str(tmp_path / "soft.sqlite3"))))
    assert len(names) == 1
    other = tmp_path / "other.sqlite3"
    other.write_bytes(b"")
    assert server_name(resolve_url(str(other))) not in names
    new = resolve_url(str(tmp_path / "new.sqlite3"))  # a workspace not made yet
    first = server_name(new)
    assert first not in names and (tmp_path / "new.sqlite3").exists()
    assert server_name(new) == first  # the second launch, once the file exists, finds the first
