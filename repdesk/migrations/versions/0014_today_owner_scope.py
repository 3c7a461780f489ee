"""follow_ups: an index of done steps by done time; settings: "my_rep" ("You are") is gone

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:10:00

Today's "done today" counts the steps done since midnight, for the owner scope shown (Mine +
Unassigned, Mine, Unassigned, Everyone): until now that count read every step ever made. A partial
index holds the done steps by their done time (a completion adds one entry; the pending steps an
import writes add none).

"Me" is now the rep of the signed-in PostgreSQL login on a team database, and the one implicit
person of a solo file, who owns every lead (services/team/owner_scope): nobody picks who they are
in Settings any more, so the stored choice is removed rather than left unread. A downgrade drops
the index and has no choice to restore (its default was empty).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_DONE = "status = 'done'"


def upgrade() -> None:
    op.create_index(
        "ix_follow_ups_done_at",
        "follow_ups",
        ["done_at"],
        sqlite_where=sa.text(_DONE),
        postgresql_where=sa.text(_DONE),
    )
    op.execute(sa.text("DELETE FROM settings WHERE key = 'my_rep'"))


def downgrade() -> None:
    op.drop_index("ix_follow_ups_done_at", table_name="follow_ups")
