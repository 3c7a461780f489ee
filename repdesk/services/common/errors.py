"""Service errors: one sentence for the user (CLI prints it, UI shows it)."""

from __future__ import annotations

import sys
from collections.abc import Callable


class UserError(Exception):
    """Something the user asked for cannot be done; the message is one readable sentence."""


class NotFoundError(UserError):
    """The lead, follow-up or other record the user named does not exist."""


class Cancelled(UserError):
    """The user stopped long work; the sentence says what was (not) done."""


def user_sentence(exc: BaseException) -> str | None:
    """The sentence the user reads for an error the app expects (a refused action, a database
    problem), the same in the CLI and the window; None for anything else (a bug)."""
    if isinstance(exc, UserError):
        return str(exc)
    from repdesk.store.errors import StoreError, describe_database_error

    if isinstance(exc, StoreError):
        return str(exc)
    # Only a loaded SQLAlchemy raises its errors: no need to import it to tell.
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.SQLAlchemyError):
        return describe_database_error(exc)
    return None


#: What a write that found the write lock held by an import says: this program's import (the
#: Import dialog's, a watched folder's, a mailbox check's) or another process's.
OWN_IMPORT = "An import in this window is still running; try again when it finishes."
OTHER_IMPORT = "Another program's import is running; try again when it finishes."


def database_sentence(exc: BaseException, importing_here: Callable[[], bool]) -> str:
    """The sentence for a database error in an action: a lock this program's own import holds
    (`importing_here`: services.imports.importing_here) says so, not "another program"."""
    if is_locked(exc) and importing_here():
        return OWN_IMPORT
    return user_sentence(exc) or str(exc)


def is_locked(exc: BaseException) -> bool:
    """True for a write that found the database locked by another writer (SQLite's busy timeout
    or PostgreSQL's lock timeout ran out): it changed nothing and can be made again once that
    writer is done."""
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is None or not isinstance(exc, sqlalchemy_exc.OperationalError):
        return False
    from repdesk.store.errors import looks_locked

    return looks_locked(exc)
