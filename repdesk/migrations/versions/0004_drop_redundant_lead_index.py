"""drop ix_leads_next_follow_up_at: ix_leads_next_step (0002) starts with the same column

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:00:00

Every query that could use the single-column index (next_follow_up_at ranges, ORDER BY
next_follow_up_at) can use ix_leads_next_step instead, on SQLite and PostgreSQL alike: a B-tree
serves any condition or order on its leading column. Keeping both made every lead insert, and every
change of a lead's next step, write one more index (about a tenth of an import's lead insert).

The other single-column lead index, ix_leads_received_at, stays: the reports select a period of
received_at over all statuses, and `repdesk leads` orders every lead by it, neither of which
ix_leads_status_received (status first) serves.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain DROP INDEX (no batch mode): on SQLite a batch copy of `leads` would drop the hand-made triggers.
    op.drop_index("ix_leads_next_follow_up_at", table_name="leads")


def downgrade() -> None:
    op.create_index("ix_leads_next_follow_up_at", "leads", ["next_follow_up_at"])
