"""Store errors carry one sentence a user can read."""

from __future__ import annotations


class StoreError(Exception):
    """A database problem explained in one sentence for the user."""


def describe_database_error(exc: BaseException) -> str:
    """One sentence for a database error raised in the middle of an action (nothing was saved)."""
    text = (
        str(getattr(exc, "orig", None) or exc).splitlines()[0]
        if str(exc)
        else exc.__class__.__name__
    )
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            "The database is locked by another program; nothing was changed. "
            "Close the other program and try again."
        )
    if "readonly" in lowered or "read-only" in lowered:
        return "The database file is read-only; nothing was changed. Check the file's permissions."
    from repdesk.store.integrity import looks_damaged

    if looks_damaged(exc):
        return (
            f"The database file is damaged ({text}); nothing was changed. Close repdesk and run "
            "`repdesk backup restore` to bring back its latest good backup."
        )
    if "disk" in lowered and ("full" in lowered or "i/o" in lowered):
        return "The disk is full or failing; nothing was changed. Free some space and try again."
    if "connection" in lowered or "server closed" in lowered or "could not connect" in lowered:
        return (
            "The database server cannot be reached; nothing was changed. "
            "Check the network and try again."
        )
    return f"The database refused the change ({text}); nothing was changed."
