"""an index on leads.qualification_expires_at: the re-qualification check reads expired verdicts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:10:00

The service layer looks for expired verdicts whenever a workspace loads and before the follow-up
list, the .ics export and the report (issue 13.5). Without an index that is a scan of every lead;
a partial index holds only the leads that were ever qualified, so unqualified leads (most of them)
cost nothing on insert either.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_WHERE = sa.text("qualification_expires_at IS NOT NULL")


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): on SQLite a batch copy of `leads` would drop the triggers.
    op.create_index(
        "ix_leads_qualification_expires",
        "leads",
        ["qualification_expires_at"],
        sqlite_where=_WHERE,
        postgresql_where=_WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_leads_qualification_expires", table_name="leads")
