"""Alembic environment: runs on the engine handed in by repdesk.store.migrate (never from a URL in a
file)."""

from typing import Any

from alembic import context

from repdesk.store.models import Base

config = context.config
engine = config.attributes["engine"]

# Full-text search objects are made by hand in migrations (FTS5 on SQLite, a GIN expression
# index on PostgreSQL), and so is the SQLite-only, trigger-kept lead_status_counts (0003): the
# models do not describe them, so autogenerate must not either.
_HAND_MADE = ("leads_fts", "ix_leads_search", "lead_status_counts")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (name or "").startswith(_HAND_MADE)


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    # A migration may rebuild a table (SQLite changes a column's type that way), and dropping the
    # old table with foreign keys on would delete the rows that refer to it. The pragma only works
    # outside a transaction, so it goes to the driver's connection before SQLAlchemy begins one;
    # the check at the end proves nothing was orphaned.
    driver = connection.connection.driver_connection if sqlite else None
    if driver is not None:
        driver.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,
                compare_type=True,
                include_object=include_object,
            )
            context.run_migrations()
            if sqlite:
                orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if orphans:
                    raise RuntimeError(f"The upgrade left rows without their parent: {orphans[:5]}")
    finally:
        if driver is not None:
            driver.execute("PRAGMA foreign_keys = ON")
