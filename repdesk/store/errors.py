"""Store errors carry one sentence a user can read."""

from __future__ import annotations


class StoreError(Exception):
    """A database problem explained in one sentence for the user."""


class ReadOnlyError(StoreError):
    """A write refused because the workspace was opened read-only (its sentence says why); it
    stays read-only until repdesk is started again."""


class DamagedFileError(StoreError):
    """An SQLite workspace file SQLite finds damaged; store.backups.damaged_sentence says where
    its latest good backup is."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"The workspace file {path} is damaged ({problem}); nothing was changed.")
        self.path = path
        self.problem = problem


_DAMAGE_WORDS = ("malformed", "corrupt", "not a database", "btreeinitpage", "vtable constructor")


def looks_damaged(error: BaseException) -> bool:
    """True for the errors SQLite raises when it meets a damaged page."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(word in text for word in _DAMAGE_WORDS)


#: PostgreSQL's lock_not_available: a `lock_timeout` (or NOWAIT) ran out while another session
#: held the lock; the statement was cancelled, nothing changed.
LOCK_NOT_AVAILABLE = "55P03"


def looks_locked(error: BaseException) -> bool:
    """True for a write that found the database locked by another writer and changed nothing:
    SQLite's busy timeout ran out ("database is locked"), or PostgreSQL's lock timeout did."""
    orig = getattr(error, "orig", None) or error
    if getattr(orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return True
    first_line = (str(orig).splitlines() or [""])[0].lower()  # not the statement PostgreSQL quotes
    return "locked" in first_line or "busy" in first_line


def describe_database_error(exc: BaseException) -> str:
    """One sentence for a database error raised in the middle of an action (nothing was saved)."""
    text = (
        str(getattr(exc, "orig", None) or exc).splitlines()[0]
        if str(exc)
        else exc.__class__.__name__
    )
    lowered = text.lower()
    if looks_locked(exc):
        return (
            "The database is locked by another program; nothing was changed. "
            "Close the other program and try again."
        )
    if "readonly" in lowered or "read-only" in lowered:
        return "The database file is read-only; nothing was changed. Check the file's permissions."
    if looks_damaged(exc):
        return (
            f"The database file is damaged ({text}); nothing was changed. Close repdesk and run "
            "`repdesk backup restore` to bring back its latest good backup."
        )
    if "disk" in lowered and ("full" in lowered or "i/o" in lowered):
        return "The disk is full or failing; nothing was changed. Free some space and try again."
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return "The database refused the login or its password; check them and sign in again."
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if sqlstate == "42501" or "row-level security" in lowered:
        if text.startswith("Lead "):  # the team's guard trigger names the lead and its owner
            return f"{text.rstrip('.')}; nothing was changed."
        return (
            "Your login may not make this change (only a manager, or the lead's owner, may); "
            "nothing was changed."
        )
    if "connection" in lowered or "server closed" in lowered or "could not connect" in lowered:
        return (
            "The database server cannot be reached; nothing was changed. "
            "Check the network and try again."
        )
    return f"The database refused the change ({text}); nothing was changed."
