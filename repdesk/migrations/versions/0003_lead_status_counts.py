"""lead status counts: how many leads hold each status, kept exact by triggers (SQLite)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:40:00

Opening the inbox needs the number of open leads; counting them walks most of an index (about
70 ms on a million leads). `lead_status_counts` holds that number per status instead, so the
inbox (and a start-up path that reads it with the stdlib sqlite3 module) sums at most seven rows.

SQLite only. On PostgreSQL (team mode) the inbox keeps counting: a single counter row per status
is a hot spot there, since every transaction that adds a lead or changes a status locks that row
until it commits. An import of thousands of leads would make every rep's status change wait for
it, and two transactions moving leads in opposite directions (new -> contacted and back) can
deadlock. SQLite has one writer at a time anyway, so the counters cost it nothing in concurrency.

The triggers are made by hand, like the search triggers of 0001: a batch (copy-and-move) migration
of `leads` drops them, so a later migration that rebuilds `leads` must create them again.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ADD = (
    "INSERT INTO lead_status_counts (status, leads) VALUES (new.status, 1) "
    "ON CONFLICT (status) DO UPDATE SET leads = leads + 1;"
)
_REMOVE = "UPDATE lead_status_counts SET leads = leads - 1 WHERE status = old.status;"
_TRIGGERS = {
    "lead_status_counts_ai": f"AFTER INSERT ON leads BEGIN {_ADD} END",
    "lead_status_counts_ad": f"AFTER DELETE ON leads BEGIN {_REMOVE} END",
    "lead_status_counts_au": (
        f"AFTER UPDATE OF status ON leads WHEN old.status IS NOT new.status BEGIN {_REMOVE} {_ADD} END"
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE lead_status_counts (status TEXT PRIMARY KEY, leads INTEGER NOT NULL)")
    op.execute("INSERT INTO lead_status_counts (status, leads) SELECT status, count(*) FROM leads GROUP BY status")
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS lead_status_counts")
