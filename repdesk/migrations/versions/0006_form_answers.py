"""form answers: qualifications from a form, the lead's provisional verdict, remembered mappings

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:00:00

A lead that arrives with answers (form email, CSV export, watched folder) gets a qualification
"from the form" (qualifications.origin = 'form', with the form it came from and the import that
brought it, so Undo import takes it back). The lead keeps that provisional verdict and its time
frame (leads.form_verdict, leads.form_note) for the inbox, which reads them with the lead's row.
form_mappings remembers, per form, which of its fields are which questions when the fields match
none by themselves (offered once; mapped or dismissed after that).

The leads columns are added with plain ALTER TABLE (no batch copy: that would drop the hand-made
search and status-count triggers of 0001 and 0003).
"""

import sqlalchemy as sa
from alembic import op

from repdesk.store.types import JSONValue, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("leads", sa.Column("form_verdict", sa.String(20), nullable=True))
    op.add_column("leads", sa.Column("form_note", sa.String(200), nullable=True))
    with op.batch_alter_table("qualifications") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(10), nullable=False, server_default="call")
        )
        batch.add_column(sa.Column("form_id", sa.String(200), nullable=True))
        batch.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_qualifications_import_id_imports",
            "imports",
            ["import_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "form_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("labels", JSONValue(), nullable=False),
        sa.Column("mapping", JSONValue(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name="fk_form_mappings_lead_id_leads",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_form_mappings"),
        sa.UniqueConstraint("signature", name="uq_form_mappings_signature"),
    )


def downgrade() -> None:
    op.drop_table("form_mappings")
    with op.batch_alter_table("qualifications") as batch:
        batch.drop_constraint("fk_qualifications_import_id_imports", type_="foreignkey")
        batch.drop_column("import_id")
        batch.drop_column("form_id")
        batch.drop_column("origin")
    op.drop_column("leads", "form_note")
    op.drop_column("leads", "form_verdict")
