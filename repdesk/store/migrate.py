"""Alembic migrations applied from code at start-up, with a backup copy of an existing SQLite
file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from repdesk.migrations import HEAD_REVISION
from repdesk.store.backups import damaged_sentence, migration_backup
from repdesk.store.errors import DamagedFileError, StoreError
from repdesk.store.sqlite_file import sqlite_path, sqlite_tables_and_revision

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when a migration has to run: an up-to-date file (every start but the
# first after an upgrade) is recognised by HEAD_REVISION, which a test keeps equal to Alembic's
# head.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


#: Told the share of an upgrade done (0.0 to 1.0) and what it is doing (a short phrase).
Progress = Callable[[float, str], None]


def alembic_config(engine: Engine, progress: Progress | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    if progress is not None:
        config.attributes["progress"] = progress
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _describe(engine: Engine) -> str:
    path = sqlite_path(str(engine.url))
    return str(path) if path else engine.url.render_as_string(hide_password=True)


def _stored_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine, progress: Progress | None = None) -> bool:
    """Bring the database to the newest schema; returns True when a migration ran. A long
    migration (a table rebuilt) reports to `progress` as it goes.

    Raises StoreError (one sentence) for a database that is not repdesk's, is newer than
    this program, or cannot be reached; such a database is left untouched.
    """
    where = _describe(engine)
    path = sqlite_path(str(engine.url))
    try:
        if path is not None:
            # Read-only first: connecting through SQLAlchemy switches the file to WAL, and a file
            # that is not ours must stay byte-for-byte as it was.
            try:
                tables, current = sqlite_tables_and_revision(path)
            except DamagedFileError as exc:
                raise StoreError(damaged_sentence(path, exc.problem)) from exc
        else:
            tables = set(inspect(engine).get_table_names())
            current = _stored_revision(engine) if "alembic_version" in tables else None
    except OperationalError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        if "locked" in reason:
            raise StoreError(
                f"The database {where} is locked by another program; close it and try again."
            ) from exc
        raise StoreError(f"The database {where} cannot be opened: {reason}.") from exc
    except SQLAlchemyError as exc:
        raise StoreError(
            f"The database {where} cannot be opened: {exc.__class__.__name__}."
        ) from exc
    if current is None and {t for t in tables if not t.startswith("sqlite_")} - {"alembic_version"}:
        raise StoreError(f"{where} is not a repdesk database (it holds other tables).")
    if current == HEAD_REVISION:
        return False
    from alembic.command import upgrade
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:
            raise StoreError(
                f"The database {where} was written by a newer repdesk; update repdesk to open it."
            ) from exc
    head = script.get_current_head()
    if current == head:
        return False
    if path is not None and path.exists() and (current is not None or tables):
        engine.dispose()
        migration_backup(path, current)
    try:
        upgrade(alembic_config(engine, progress), "head")
    except OperationalError as exc:
        raise StoreError(f"The database {where} could not be updated: {exc.orig}.") from exc
    except ProgrammingError as exc:  # a team rep's login may not change the schema
        if getattr(exc.orig, "sqlstate", "") != "42501":
            raise
        raise StoreError(
            f"The team database {where} needs an update that only its owner can make: ask them "
            "to run `repdesk team init URL` with this version of repdesk."
        ) from exc
    if path is None:
        _refresh_team_privileges(engine)
    return True


def _refresh_team_privileges(engine: Engine) -> None:
    """A migration may add tables: a team database's owner re-applies the team's privileges."""
    from repdesk.store import team_roles

    with engine.begin() as conn:
        if team_roles.is_team_database(conn) and team_roles.is_owner(conn):
            team_roles.apply_privileges(conn)
