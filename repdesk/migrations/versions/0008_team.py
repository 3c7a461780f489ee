"""team: logins and away reps, versions, lead history, call markers, change notifications

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00

Team mode on a shared PostgreSQL (issue 16), and what a one-person SQLite file shares of it:

- `reps.login` links a rep to a PostgreSQL login ("me" is the rep of `current_user`);
  `reps.away` keeps routing from handing them leads.
- `leads.version` and `follow_ups.version` are bumped by database triggers (whoever writes: the
  app, an import, a rep's psql) when a lead field the history keeps changes, or a follow-up
  changes at all, so a change made from a stale view names a version that is no longer there; `follow_ups.updated_by`, `question_sets.created_by`
  and `rule_sets.created_by` say which rep made the latest change (rep ids without a foreign key:
  SQLite adds a column in place only with a column constraint, which it does not report back).
- `lead_history`: every change of a lead's fields, old and new, who and when. Database triggers
  write it (on PostgreSQL as the table's owner, naming the session's login), so psql changes are
  recorded as well as the app's; the time is the row's new `updated_at` when the change set one,
  else the database's clock.
- `call_markers`: who is on a call with which lead, by the database's clock in milliseconds.
- On PostgreSQL, statement-level triggers NOTIFY `repdesk` on commit with the table and the ids
  of the leads concerned (`leads:1,2` or `leads:*` for many), for the other clients' live queue.

Columns are added with plain ALTER TABLE (no batch copy: on SQLite, copying `leads` would drop the
hand-made triggers of 0001 and 0003, and copying `reps` or `follow_ups` with foreign keys on would
set every reference to them to NULL).
"""

import sqlalchemy as sa
from alembic import op

from repdesk.store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: The lead fields whose changes the history keeps (what a person means by "the lead changed";
#: derived columns such as next_follow_up_at or updated_at are not history).
HISTORY_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "title",
    "email",
    "phone",
    "source",
    "product",
    "message",
    "notes",
    "tags",
    "status",
    "owner_id",
    "do_not_contact",
    "journey_stage",
    "verdict",
)

_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"


def _sqlite_history_trigger() -> str:
    changed = " OR ".join(f"OLD.{f} IS NOT NEW.{f}" for f in HISTORY_FIELDS)
    rows = " UNION ALL ".join(
        f"SELECT '{f}' AS f, CAST(OLD.{f} AS TEXT) AS o, CAST(NEW.{f} AS TEXT) AS n"
        for f in HISTORY_FIELDS
    )
    return (
        f"CREATE TRIGGER lead_history_update AFTER UPDATE OF {', '.join(HISTORY_FIELDS)} ON leads "
        f"WHEN {changed} BEGIN "
        "INSERT INTO lead_history (lead_id, field, old_value, new_value, rep_id, login, changed_at) "
        "SELECT NEW.id, f, o, n, NULL, '', "
        f"CASE WHEN NEW.updated_at IS NOT OLD.updated_at THEN NEW.updated_at ELSE {_SQLITE_NOW} END "
        f"FROM ({rows}) WHERE o IS NOT n; END"
    )


def _sqlite_version_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{f} IS NOT NEW.{f}" for f in HISTORY_FIELDS)
    # The inner UPDATE changes `version` only: no column trigger fires again, and SQLite's
    # recursive_triggers is off, so the trigger does not fire itself.
    return [
        f"CREATE TRIGGER leads_version_au AFTER UPDATE OF {', '.join(HISTORY_FIELDS)} ON leads "
        f"WHEN NEW.version = OLD.version AND ({changed}) BEGIN "
        "UPDATE leads SET version = OLD.version + 1 WHERE id = NEW.id; END",
        "CREATE TRIGGER follow_ups_version_au AFTER UPDATE ON follow_ups "
        "WHEN NEW.version = OLD.version BEGIN "
        "UPDATE follow_ups SET version = OLD.version + 1 WHERE id = NEW.id; END",
    ]


_PG_VERSION_FUNCTION = """
CREATE OR REPLACE FUNCTION repdesk_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version = OLD.version THEN
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END $$"""


def _pg_history_function(schema: str) -> str:
    values = ", ".join(f"('{f}', OLD.{f}::text, NEW.{f}::text)" for f in HISTORY_FIELDS)
    # SECURITY DEFINER: reps may not write the history themselves (no forged entries); the
    # function runs as the table's owner and names the session's login. Its search path names
    # pg_temp last, so a session's temporary table cannot stand in for `reps` or the history.
    return f"""
CREATE OR REPLACE FUNCTION repdesk_lead_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
DECLARE
  who integer;
  at timestamp;
BEGIN
  SELECT id INTO who FROM reps WHERE login = session_user;
  IF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
    at := NEW.updated_at;
  ELSE
    at := now() AT TIME ZONE 'UTC';
  END IF;
  INSERT INTO lead_history (lead_id, field, old_value, new_value, rep_id, login, changed_at)
  SELECT NEW.id, v.f, v.o, v.n, who, session_user, at
  FROM (VALUES {values}) AS v(f, o, n)
  WHERE v.o IS DISTINCT FROM v.n;
  RETURN NULL;
END $$"""


# Statement-level: one NOTIFY per statement and table, whatever the number of rows (an import of
# 100,000 leads sends one); identical payloads in one transaction are sent once, at commit.
_PG_NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION repdesk_notify_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids text;
  n integer;
BEGIN
  IF TG_ARGV[0] = '' THEN
    PERFORM pg_notify('repdesk', TG_TABLE_NAME || ':*');
    RETURN NULL;
  END IF;
  EXECUTE format(
    'SELECT count(*), string_agg(k::text, '','') FROM '
    '(SELECT DISTINCT %I AS k FROM changed WHERE %I IS NOT NULL LIMIT 101) s',
    TG_ARGV[0], TG_ARGV[0]) INTO n, ids;
  IF n = 0 THEN
    RETURN NULL;
  END IF;
  IF n > 100 THEN
    ids := '*';
  END IF;
  PERFORM pg_notify('repdesk', TG_TABLE_NAME || ':' || ids);
  RETURN NULL;
END $$"""

#: Tables whose changes other clients show at once, with the column naming the lead ('' for a
#: table-wide change).
NOTIFY_TABLES = {
    "leads": "id",
    "follow_ups": "lead_id",
    "activities": "lead_id",
    "call_markers": "lead_id",
    "reps": "",
    "question_sets": "",
    "rule_sets": "",
    "settings": "",
    "email_templates": "",
    "sources": "",
}


def _pg_notify_triggers() -> list[str]:
    statements = []
    for table, key in NOTIFY_TABLES.items():
        for event, ref in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"repdesk_notify_{table}_{event.lower()}"
            referencing = f"REFERENCING {ref} TABLE AS changed " if key else ""
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} {referencing}"
                f"FOR EACH STATEMENT EXECUTE FUNCTION repdesk_notify_rows('{key}')"
            )
    return statements


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("reps", sa.Column("login", sa.String(63), nullable=True))
    op.add_column(
        "reps", sa.Column("away", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_reps_login", "reps", ["login"], unique=True)
    op.add_column("leads", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column(
        "follow_ups", sa.Column("version", sa.Integer(), nullable=False, server_default="1")
    )
    # Rep ids without a foreign key: SQLite adds a column in place only with column constraints,
    # which it does not report back by name (a rep removed later leaves a number nobody has).
    op.add_column("follow_ups", sa.Column("updated_by", sa.Integer(), nullable=True))
    op.add_column("question_sets", sa.Column("created_by", sa.Integer(), nullable=True))
    op.add_column("rule_sets", sa.Column("created_by", sa.Integer(), nullable=True))
    op.create_table(
        "lead_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(63), nullable=False, server_default=""),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_lead_history_lead_id_leads", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["reps.id"], name="fk_lead_history_rep_id_reps", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lead_history"),
    )
    op.create_index("ix_lead_history_lead_id", "lead_history", ["lead_id"])
    op.create_table(
        "call_markers",
        sa.Column("lead_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(63), nullable=False, server_default=""),
        sa.Column("started_ms", sa.BigInteger(), nullable=False),
        sa.Column("heartbeat_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_call_markers_lead_id_leads", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["reps.id"], name="fk_call_markers_rep_id_reps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("lead_id", name="pk_call_markers"),
    )
    if dialect == "sqlite":
        op.execute(_sqlite_history_trigger())
        for statement in _sqlite_version_triggers():
            op.execute(statement)
    elif dialect == "postgresql":
        schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar()
        op.execute(_pg_history_function(str(schema)))
        changed = " OR ".join(f"OLD.{f} IS DISTINCT FROM NEW.{f}" for f in HISTORY_FIELDS)
        op.execute(_PG_VERSION_FUNCTION)
        op.execute(
            "CREATE TRIGGER repdesk_leads_version BEFORE UPDATE ON leads FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION repdesk_bump_version()"
        )
        op.execute(
            "CREATE TRIGGER repdesk_follow_ups_version BEFORE UPDATE ON follow_ups FOR EACH ROW "
            "EXECUTE FUNCTION repdesk_bump_version()"
        )
        op.execute(
            "CREATE TRIGGER repdesk_lead_history AFTER UPDATE ON leads FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION repdesk_lead_history()"
        )
        op.execute(_PG_NOTIFY_FUNCTION)
        for statement in _pg_notify_triggers():
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS lead_history_update")
        op.execute("DROP TRIGGER IF EXISTS leads_version_au")
        op.execute("DROP TRIGGER IF EXISTS follow_ups_version_au")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS repdesk_leads_version ON leads")
        op.execute("DROP TRIGGER IF EXISTS repdesk_follow_ups_version ON follow_ups")
        op.execute("DROP FUNCTION IF EXISTS repdesk_bump_version()")
        for table in NOTIFY_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS repdesk_notify_{table}_{event} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS repdesk_notify_rows()")
        op.execute("DROP TRIGGER IF EXISTS repdesk_lead_history ON leads")
        op.execute("DROP FUNCTION IF EXISTS repdesk_lead_history()")
    op.drop_table("call_markers")
    op.drop_index("ix_lead_history_lead_id", table_name="lead_history")
    op.drop_table("lead_history")
    for table, column in (
        ("rule_sets", "created_by"),
        ("question_sets", "created_by"),
        ("follow_ups", "updated_by"),
    ):
        op.drop_column(table, column)
    op.drop_column("follow_ups", "version")
    op.drop_column("leads", "version")
    op.drop_index("ix_reps_login", table_name="reps")
    op.drop_column("reps", "away")
    op.drop_column("reps", "login")
