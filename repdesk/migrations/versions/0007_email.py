"""email: templates, the outbox, mail filed on leads, replied and bouncing leads

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:00:00

Two columns on `leads`, added in place (no batch copy: that would drop the hand-made triggers of
0001 and 0003): `replied_at` (an unanswered reply is waiting; the inbox puts it first) and
`bouncing_email` (a delivery report said the address bounces).
"""

import sqlalchemy as sa
from alembic import op

from repdesk.store.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("leads", sa.Column("replied_at", UTCDateTime(), nullable=True))
    op.add_column(
        "leads",
        sa.Column("bouncing_email", sa.String(320), nullable=False, server_default=""),
    )
    op.create_index("ix_leads_replied_at", "leads", ["replied_at"])
    op.create_table(
        "email_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(50), nullable=False),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_templates")),
    )
    op.create_index(
        "ix_email_templates_key_product", "email_templates", ["key", "product"], unique=True
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(50), nullable=False),
        sa.Column("message_id", sa.String(250), nullable=False),
        sa.Column("in_reply_to", sa.String(250), nullable=False),
        sa.Column("thread_refs", sa.Text(), nullable=False),
        sa.Column("from_header", sa.String(400), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_outbox_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["sources.id"],
            name=op.f("fk_outbox_account_id_sources"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["reps.id"], name=op.f("fk_outbox_rep_id_reps"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_outbox_activity_id_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_ups.id"],
            name=op.f("fk_outbox_follow_up_id_follow_ups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
    )
    op.create_index("ix_outbox_lead_id", "outbox", ["lead_id"])
    op.create_index("ix_outbox_status", "outbox", ["status"])
    op.create_table(
        "inbound_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("message_id", sa.String(250), nullable=False),
        sa.Column("from_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("asks_to_stop", sa.Boolean(), nullable=False),
        sa.Column("stop_answered", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_inbound_mail_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_inbound_mail_activity_id_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_inbound_mail_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_mail")),
    )
    op.create_index("ix_inbound_mail_lead_id", "inbound_mail", ["lead_id"])
    op.create_index("ix_inbound_mail_message_id", "inbound_mail", ["message_id"])


def downgrade() -> None:
    op.drop_table("inbound_mail")
    op.drop_table("outbox")
    op.drop_index("ix_email_templates_key_product", table_name="email_templates")
    op.drop_table("email_templates")
    op.drop_index("ix_leads_replied_at", table_name="leads")
    op.drop_column("leads", "bouncing_email")
    op.drop_column("leads", "replied_at")
