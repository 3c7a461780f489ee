"""drop two indexes no query needs: ix_leads_next_follow_up_at and ix_activities_occurred_at

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:00:00

Every index is written on every insert (an import writes 100,000 leads and activities at once) and
on every change of its columns. These two only cost:

- ix_leads_next_follow_up_at: ix_leads_next_step (0002) starts with the same column, and a B-tree
  serves any range or order on its leading column, on SQLite and PostgreSQL alike.
- ix_activities_occurred_at: no query selects or orders activities by time alone; a lead's
  timeline is found through ix_activities_lead_id and the reports reach activities through their
  leads (received_at). Imported activities arrive in random time order, the costly case.

ix_leads_received_at stays: the reports select a period of received_at over all statuses, and
`repdesk leads` orders every lead by it, neither of which ix_leads_status_received (status first)
serves.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain DROP INDEX (no batch mode): on SQLite a batch copy of `leads` would drop the hand-made triggers.
    op.drop_index("ix_leads_next_follow_up_at", table_name="leads")
    op.drop_index("ix_activities_occurred_at", table_name="activities")


def downgrade() -> None:
    op.create_index("ix_activities_occurred_at", "activities", ["occurred_at"])
    op.create_index("ix_leads_next_follow_up_at", "leads", ["next_follow_up_at"])
