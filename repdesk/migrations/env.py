"""Alembic environment: runs on the engine handed in by repdesk.store.migrate (never from a URL in a
file)."""

from typing import Any

from alembic import context

from repdesk.store.engine import WRITES
from repdesk.store.models import Base

config = context.config
engine = config.attributes["engine"]

# Full-text search objects are made by hand in migrations (FTS5 on SQLite, a GIN expression
# index on PostgreSQL), and so is the SQLite-only, trigger-kept lead_status_counts (0003): the
# models do not describe them, so autogenerate must not either.
_HAND_MADE = ("leads_fts", "ix_leads_search", "lead_status_counts")
#: SQLite's page cache while a migration runs (it is handed back after).
MIGRATION_CACHE_KIB = 256 * 1024


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (name or "").startswith(_HAND_MADE)


# One transaction for the whole upgrade, DDL included (the engine takes over the SQLite driver's
# transaction handling, see store.engine): a start killed at any statement leaves the old schema
# or the new one, never a mix (tests/store/test_migration_faults.py).
with engine.execution_options(**{WRITES: True}).connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    # A migration may rebuild a table (SQLite changes a column's type that way), and dropping the
    # old table with foreign keys on would delete the rows that refer to it. The pragma only works
    # outside a transaction, so it goes to the driver's connection before the transaction begins
    # (the driver is in autocommit mode: store.engine begins every transaction itself); a
    # migration that rebuilds tables checks that every row came across. A large page cache lets
    # the new indexes be sorted in memory.
    driver = connection.connection.driver_connection if sqlite else None
    if driver is not None:
        driver.execute("PRAGMA foreign_keys = OFF")
        cache = driver.execute("PRAGMA cache_size").fetchone()[0]
        driver.execute(f"PRAGMA cache_size = -{MIGRATION_CACHE_KIB}")
        threads = driver.execute("PRAGMA threads").fetchone()[0]
        driver.execute("PRAGMA threads = 2")  # CREATE INDEX may sort on a second core
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,
                compare_type=True,
                include_object=include_object,
                transactional_ddl=True,
            )
            context.run_migrations()
    finally:
        if driver is not None:
            driver.execute("PRAGMA foreign_keys = ON")
            driver.execute(f"PRAGMA cache_size = {cache}")
            driver.execute(f"PRAGMA threads = {threads}")
