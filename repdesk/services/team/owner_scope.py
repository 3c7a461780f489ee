"""Whose leads a view shows: "Mine + Unassigned", "Mine", "Unassigned", "Everyone" or one rep by
name, and where Reports start. The one rule the inbox, Today and Reports share.

"Me" is the rep linked to the signed-in PostgreSQL login on a team database. A solo SQLite file
has one implicit me who owns every lead (so there Mine, and Mine + Unassigned, are every lead);
so does a team login that is no rep (the database's owner).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from repdesk.services.team.identity import Me
from repdesk.store.models import LeadRecord, RepRecord

MINE_AND_UNASSIGNED = "@mine+unassigned"
MINE = "@mine"
UNASSIGNED = "-"
EVERYONE = ""

#: The choices in the order the views offer them; the first is the default.
CHOICES: tuple[tuple[str, str], ...] = (
    ("Mine + Unassigned", MINE_AND_UNASSIGNED),
    ("Mine", MINE),
    ("Unassigned", UNASSIGNED),
    ("Everyone", EVERYONE),
)
DEFAULT = MINE_AND_UNASSIGNED
#: Reports' choice for every rep at once.
WHOLE_TEAM = "Whole team"


def leads_of(scope: str | None, me: int | None) -> ColumnElement[bool] | None:
    """The leads of `scope` (a value above, or a rep's name) as a condition on LeadRecord; None
    when that is every lead. `me`: the signed-in rep's id (None: the implicit me of a solo file,
    who owns every lead)."""
    if not scope or scope == EVERYONE:
        return None
    if scope == UNASSIGNED:
        return LeadRecord.owner_id.is_(None)
    if scope in (MINE, MINE_AND_UNASSIGNED):
        if me is None:
            return None
        if scope == MINE:
            return LeadRecord.owner_id == me
        return (LeadRecord.owner_id == me) | LeadRecord.owner_id.is_(None)
    return owned_by(scope)


def owned_by(rep_name: str) -> ColumnElement[bool]:
    """The leads of the rep named `rep_name` as a condition on LeadRecord (none when no rep has
    that name): a rep chosen by name in a view, or `export-ics --owner REP`."""
    # Never correlated: a query that joins the reps (a step's owner) reads this one apart.
    reps = select(RepRecord.id).where(RepRecord.name == rep_name).correlate(None)
    return LeadRecord.owner_id.in_(reps)


def report_owner(me: Me) -> str | None:
    """Whose figures Reports show first: a rep's own; the whole team (None) for a manager, the
    database's owner and the one person of a solo file."""
    return me.rep_name if me.role == "rep" and me.rep_name else None
