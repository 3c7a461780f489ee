"""what imports need to know people by, and to undo exactly what they did

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00

- leads.phones (every number with its kind and extension), leads.phone_ext (the main phone's),
  leads.is_contact (a known contact: no waiting clock), leads.name_key ("first last|company",
  found by imports when nothing else identifies a person; partial index);
- lead_keys: stable ids of people (vCard UID, CRM record ids, profile URLs) and their other
  e-mails and phones;
- possible_duplicates: pairs an import could not tell apart, for the rep to merge or keep apart;
  lead_merges: a rep's merge, kept so it can be undone;
- import_merges.changes: (before, after) per field an import changed (the old snapshot `before`
  stays for imports made before); imports.origin (user, mailbox, folder), kind, created_reps and
  refused;
- calendar_tombstones: the calendar events of steps whose lead an undo removed, until exports
  and pushes have cancelled them, keyed by the UID the event went out with (derived from the
  step id since 0009, or the step's legacy_uid).

Times are integers of UTC epoch microseconds, as every time column since 0009 (store.times).

Existing leads get their phone as their one number and their name key (computed here, with the
rule as it is in this revision).
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

import repdesk.store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_HAS_KEY = sa.text("name_key != ''")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def _name_key(first: str, last: str, company: str) -> str:
    firm = _fold(company)
    if not firm or not _fold(first) or not _fold(last):
        return ""
    return f"{_fold(f'{first} {last}')}|{firm}"


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN on leads (no batch copy: on SQLite it would drop the triggers).
    op.add_column(
        "leads",
        sa.Column(
            "phones", repdesk.store.types.JSONValue(), nullable=False, server_default=sa.text("'[]'")
        ),
    )
    op.add_column(
        "leads", sa.Column("phone_ext", sa.String(20), nullable=False, server_default="")
    )
    op.add_column(
        "leads",
        sa.Column("is_contact", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("leads", sa.Column("name_key", sa.String(400), nullable=False, server_default=""))
    connection = op.get_bind()
    leads = sa.table(
        "leads",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("company", sa.String),
        sa.column("phone", sa.String),
        sa.column("phones", repdesk.store.types.JSONValue()),
        sa.column("name_key", sa.String),
    )
    updates = []
    for lead_id, first, last, company, phone in connection.execute(
        sa.select(leads.c.id, leads.c.first_name, leads.c.last_name, leads.c.company, leads.c.phone)
    ):
        key = _name_key(first or "", last or "", company or "")
        phones = [{"number": phone, "kind": "main"}] if phone else []
        if key or phones:
            updates.append({"b_id": lead_id, "b_key": key, "b_phones": phones})
    if updates:
        connection.execute(
            leads.update()
            .where(leads.c.id == sa.bindparam("b_id"))
            .values(
                name_key=sa.bindparam("b_key"),
                phones=sa.bindparam("b_phones", type_=repdesk.store.types.JSONValue()),
            ),
            updates,
        )
    op.create_index(
        "ix_leads_name_key", "leads", ["name_key"], sqlite_where=_HAS_KEY, postgresql_where=_HAS_KEY
    )

    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("origin", sa.String(20), nullable=False, server_default="user"))
        batch.add_column(
            sa.Column("kind", sa.String(12), nullable=False, server_default="inquiries")
        )
        batch.add_column(
            sa.Column(
                "created_reps",
                repdesk.store.types.JSONValue(),
                nullable=False,
                server_default=sa.text("'[]'"),
            )
        )
        batch.add_column(
            sa.Column(
                "refused",
                repdesk.store.types.JSONValue(),
                nullable=False,
                server_default=sa.text("'[]'"),
            )
        )
    with op.batch_alter_table("import_merges") as batch:
        batch.alter_column("before", existing_type=repdesk.store.types.JSONValue(), nullable=True)
        batch.add_column(sa.Column("changes", repdesk.store.types.JSONValue(), nullable=True))

    op.create_table(
        "lead_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name="fk_lead_keys_import_id_imports",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_lead_keys_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lead_keys"),
    )
    op.create_index("ix_lead_keys_lead_id", "lead_keys", ["lead_id"])
    op.create_index("ix_lead_keys_key", "lead_keys", ["key"])
    op.create_table(
        "possible_duplicates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("resolved_at", sa.BigInteger(), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name="fk_possible_duplicates_import_id_imports",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name="fk_possible_duplicates_lead_id_leads",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["leads.id"],
            name="fk_possible_duplicates_other_id_leads",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_possible_duplicates"),
    )
    op.create_index("ix_possible_duplicates_lead_id", "possible_duplicates", ["lead_id"])
    op.create_index("ix_possible_duplicates_other_id", "possible_duplicates", ["other_id"])
    op.create_table(
        "lead_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=True),
        sa.Column("absorbed", repdesk.store.types.JSONValue(), nullable=False),
        sa.Column("moved", repdesk.store.types.JSONValue(), nullable=False),
        sa.Column("changes", repdesk.store.types.JSONValue(), nullable=False),
        sa.Column("merged_at", sa.BigInteger(), nullable=False),
        sa.Column("undone_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["leads.id"], name="fk_lead_merges_kept_id_leads", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["possible_duplicates.id"],
            name="fk_lead_merges_pair_id_possible_duplicates",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lead_merges"),
    )
    op.create_index("ix_lead_merges_kept_id", "lead_merges", ["kept_id"])
    op.create_table(
        "calendar_tombstones",
        sa.Column("uid", sa.String(200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.BigInteger(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("in_ics", sa.Boolean(), nullable=False),
        sa.Column("ics_sent", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("uid", name="pk_calendar_tombstones"),
    )


def downgrade() -> None:
    op.drop_table("calendar_tombstones")
    op.drop_index("ix_lead_merges_kept_id", table_name="lead_merges")
    op.drop_table("lead_merges")
    op.drop_index("ix_possible_duplicates_other_id", table_name="possible_duplicates")
    op.drop_index("ix_possible_duplicates_lead_id", table_name="possible_duplicates")
    op.drop_table("possible_duplicates")
    op.drop_index("ix_lead_keys_key", table_name="lead_keys")
    op.drop_index("ix_lead_keys_lead_id", table_name="lead_keys")
    op.drop_table("lead_keys")
    with op.batch_alter_table("import_merges") as batch:
        batch.drop_column("changes")
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("refused")
        batch.drop_column("created_reps")
        batch.drop_column("kind")
        batch.drop_column("origin")
    op.drop_index("ix_leads_name_key", table_name="leads")
    op.drop_column("leads", "name_key")
    op.drop_column("leads", "is_contact")
    op.drop_column("leads", "phone_ext")
    op.drop_column("leads", "phones")
