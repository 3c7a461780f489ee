"""inbox indexes: count and order the inbox's segments from indexes alone

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:27:26
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): on SQLite a batch copy of `leads` would drop the FTS triggers.
    op.create_index("ix_leads_waiting", "leads", ["status", "first_response_at", "received_at"])
    op.create_index("ix_leads_next_step", "leads", ["next_follow_up_at", "status", "first_response_at"])


def downgrade() -> None:
    op.drop_index("ix_leads_next_step", table_name="leads")
    op.drop_index("ix_leads_waiting", table_name="leads")
