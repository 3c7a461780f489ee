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


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (name or "").startswith(_HAND_MADE)


# One transaction for the whole upgrade, DDL included (the engine takes over the SQLite driver's
# transaction handling, see store.engine): a start killed at any statement leaves the old schema
# or the new one, never a mix (tests/store/test_migration_faults.py).
with engine.execution_options(**{WRITES: True}).begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
        transactional_ddl=True,
    )
    context.run_migrations()
