"""A lead's search row on SQLite (the FTS5 table leads_fts): one definition, used by the triggers
that keep it (migration 0009 creates them) and by an import's bulk fill of many rows at once.

A change here changes what new rows hold, not the rows already indexed: it needs a migration that
recreates the triggers and refills leads_fts.
"""

from __future__ import annotations

FTS_TABLE = "leads_fts"
FTS_COLUMNS = ("name", "company", "email", "phone", "notes")
#: The lead columns the row is made of: an update of any other column leaves the row alone.
SOURCE_COLUMNS = ("first_name", "last_name", "company", "email", "phone", "notes")
INSERT_TRIGGER = "leads_fts_ai"


def search_values(row: str = "") -> str:
    """The SQL values of one search row (in FTS_COLUMNS order) over the lead columns of `row`:
    'new' or 'old' in a trigger, '' in a SELECT from leads. The phone is also indexed by its last
    10 and 7 digits, so a number typed without its country or area code is found."""
    p = f"{row}." if row else ""
    digits = f"replace({p}phone, '+', '')"
    return ", ".join(
        (
            f"{p}first_name || ' ' || {p}last_name",
            f"{p}company",
            f"{p}email",
            f"{digits} || ' ' || substr({digits}, -10) || ' ' || substr({digits}, -7)",
            f"{p}notes",
        )
    )


_TARGET = f"{FTS_TABLE}(rowid, {', '.join(FTS_COLUMNS)})"
_INSERT_NEW = f"INSERT INTO {_TARGET} VALUES (new.id, {search_values('new')});"
_DELETE_OLD = f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id;"

#: name -> the trigger's body after CREATE TRIGGER <name>.
TRIGGERS = {
    INSERT_TRIGGER: f"AFTER INSERT ON leads BEGIN {_INSERT_NEW} END",
    "leads_fts_ad": f"AFTER DELETE ON leads BEGIN {_DELETE_OLD} END",
    "leads_fts_au": (
        f"AFTER UPDATE OF {', '.join(SOURCE_COLUMNS)} ON leads "
        f"BEGIN {_DELETE_OLD} {_INSERT_NEW} END"
    ),
}

#: What the insert trigger does, for the leads of an id range at once (an import's chunk).
BULK_FILL = (
    f"INSERT INTO {_TARGET} SELECT id, {search_values()} FROM leads WHERE id BETWEEN ? AND ?"
)


def create_trigger_sql(name: str) -> str:
    return f"CREATE TRIGGER {name} {TRIGGERS[name]}"
