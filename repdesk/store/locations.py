"""Where the database lives: `--db PATH_OR_URL`, REPDESK_DATABASE_URL or the user's data folder.

Standard library only for files (the GUI resolves its database before SQLAlchemy loads);
a server URL is checked with SQLAlchemy's parser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from repdesk.store.errors import StoreError
from repdesk.store.sqlite_file import sqlite_url

ENV_URL = "REPDESK_DATABASE_URL"


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("repdesk", appauthor=False))


def _masked(url: str) -> str:
    """The address with its password (between "user:" and "@") replaced by ***."""
    return re.sub(r"(://[^/@:]*:)[^@/]*@", r"\1***@", url)


def resolve_url(db: str | None, *, demo: bool = False) -> str:
    """Turn `--db PATH_OR_URL`, REPDESK_DATABASE_URL or the default into a SQLAlchemy URL."""
    value = db or os.environ.get(ENV_URL)
    if demo and not db:
        value = str(default_data_dir() / "demo.sqlite3")
    if not value:
        value = str(default_data_dir() / "repdesk.sqlite3")
    if "://" in value:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        try:
            make_url(value)
        except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
            raise StoreError(
                f"The database address {_masked(value)!r} is not a valid URL."
            ) from exc
        return value
    return sqlite_url(Path(value).expanduser().resolve())
