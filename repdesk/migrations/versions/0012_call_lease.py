"""call_markers.expires_ms: a call marker is a lease the caller's client keeps renewing

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 06:40:00

Until now a marker held its last heartbeat and every reader judged it expired after its own time
to live. Now the caller's client writes when its lease ends (the database's clock in
milliseconds, plus the lease it was set with); every other client compares that with the
database's clock, so a crashed client's marker ends for everyone at the same moment. Markers
made before this get the lease of then (45 s after their last heartbeat).

On PostgreSQL a heartbeat (an UPDATE of the times alone) no longer sends NOTIFY: only a marker
that appears, goes, or changes hands does, so twenty reps on calls do not make every window
reload its inbox every few seconds. The statement-level UPDATE trigger of 0008 is replaced by a
row-level one with that condition (transition tables allow no column conditions).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_OLD_TTL_MS = 45_000

_PG_NOTIFY_MARKER = """
CREATE OR REPLACE FUNCTION repdesk_notify_call_marker() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('repdesk', 'call_markers:' || NEW.lead_id);
  RETURN NULL;
END $$"""


def upgrade() -> None:
    op.add_column(
        "call_markers",
        sa.Column("expires_ms", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute(f"UPDATE call_markers SET expires_ms = heartbeat_ms + {_OLD_TTL_MS}")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS repdesk_notify_call_markers_update ON call_markers")
    op.execute(_PG_NOTIFY_MARKER)
    op.execute(
        "CREATE TRIGGER repdesk_notify_call_markers_update AFTER UPDATE ON call_markers "
        "FOR EACH ROW WHEN (OLD.rep_id IS DISTINCT FROM NEW.rep_id "
        "OR OLD.login IS DISTINCT FROM NEW.login "
        "OR OLD.started_ms IS DISTINCT FROM NEW.started_ms) "
        "EXECUTE FUNCTION repdesk_notify_call_marker()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS repdesk_notify_call_markers_update ON call_markers")
        op.execute("DROP FUNCTION IF EXISTS repdesk_notify_call_marker()")
        op.execute(
            "CREATE TRIGGER repdesk_notify_call_markers_update AFTER UPDATE ON call_markers "
            "REFERENCING NEW TABLE AS changed "
            "FOR EACH STATEMENT EXECUTE FUNCTION repdesk_notify_rows('lead_id')"
        )
    op.drop_column("call_markers", "expires_ms")
