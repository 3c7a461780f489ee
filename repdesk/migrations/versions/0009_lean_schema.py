"""lean schema: integer times, derived calendar UIDs, partial indexes, no index that no query uses

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:00:00

- Every time column holds UTC epoch microseconds as an integer (store.times, store.types.UTCTime)
  instead of SQLAlchemy's DATETIME text on SQLite / timestamp on PostgreSQL.
- A follow-up's calendar UID is derived from its id and a per-workspace id made here (settings
  key `workspace_id`, see core.calendar_uids); steps made before keep their random UID in
  `legacy_uid`, so events already exported or pushed keep updating. Step ids are never reused
  (AUTOINCREMENT on SQLite). The random unique index on `uid` goes.
- Partial indexes where a column is mostly empty or one state is queried: pending steps by due
  time (replacing ix_follow_ups_due_at and ix_follow_ups_status, which then no plan used),
  non-empty e-mail and phone (dedupe), owned leads, do-not-contact leads, finished
  qualifications, leads, activities and qualifications by import (undo scanned them), steps
  changed since their export, legacy UIDs. Added too:
  import_merges by lead (deleting a lead scanned the table for its merge snapshots).

On SQLite each table is rebuilt once (new table, rows copied in id order with their times
converted, old table dropped, new one renamed, indexes and triggers made again), which costs
about what a VACUUM INTO of the file costs (tests/bench/bench_scale.py measures both); progress
goes to the `progress` callable in the Alembic config's attributes when there is one. Foreign
keys must be off while tables are swapped (store.migrate turns them off around every upgrade):
dropping `leads` with them on would delete every lead's activities and steps.
"""

from __future__ import annotations

import importlib
import sqlite3
import uuid
from collections.abc import Callable
from types import ModuleType

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.schema import CreateTable

from repdesk.store import search_rows, status_counts

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: Every time column, per table (the same on both sides of the migration but for their type).
TIME_COLUMNS = {
    "imports": ("started_at", "undone_at"),
    "leads": (
        "received_at",
        "first_response_at",
        "next_follow_up_at",
        "qualification_expires_at",
        "created_at",
        "updated_at",
        "replied_at",
    ),
    "activities": ("occurred_at",),
    "question_sets": ("created_at",),
    "rule_sets": ("created_at",),
    "qualifications": ("started_at", "completed_at", "expires_at"),
    "follow_ups": ("due_at", "cadence_started_at", "done_at", "cancelled_at", "updated_at"),
    "sources": ("last_checked_at",),
    "form_mappings": ("created_at",),
    "email_templates": ("updated_at",),
    "outbox": ("next_attempt_at", "claimed_at", "queued_at", "sent_at"),
    "inbound_mail": ("received_at",),
    "lead_history": ("changed_at",),
}
_COPY_ROWS = 50_000


def _tables(lean: bool) -> sa.MetaData:
    """The tables that hold times, as they are after this migration (lean) or before it."""
    meta = sa.MetaData()
    t = sa.BigInteger if lean else sa.DateTime
    json = sa.JSON

    def fk(column: str, target: str, name: str, ondelete: str | None = None) -> sa.Column:  # type: ignore[type-arg]
        return sa.Column(
            column, sa.Integer(), sa.ForeignKey(target, name=name, ondelete=ondelete)
        )

    # Referred to only (never created here): foreign keys name it.
    sa.Table("reps", meta, sa.Column("id", sa.Integer(), primary_key=True))
    sa.Table(
        "imports",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", t(), nullable=False),
        sa.Column("files", json(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Integer(), nullable=False),
        sa.Column("undone_at", t(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )
    sa.Table(
        "question_sets",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("questions", json(), nullable=False),
        sa.Column("created_at", t(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),  # 0008
        sa.PrimaryKeyConstraint("id", name="pk_question_sets"),
        sa.Index("ix_question_sets_key_version", "key", "version", unique=True),
    )
    sa.Table(
        "rule_sets",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", json(), nullable=False),
        sa.Column("created_at", t(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),  # 0008
        sa.PrimaryKeyConstraint("id", name="pk_rule_sets"),
        sa.UniqueConstraint("version", name="uq_rule_sets_version"),
    )
    sa.Table(
        "sources",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("config", json(), nullable=False),
        sa.Column("state", json(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_checked_at", t(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
    )
    leads = sa.Table(
        "leads",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=200), nullable=False),
        sa.Column("last_name", sa.String(length=200), nullable=False),
        sa.Column("company", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        fk("owner_id", "reps.id", "fk_leads_owner_id_reps", "SET NULL"),
        sa.Column("received_at", t(), nullable=False),
        sa.Column("first_response_at", t(), nullable=True),
        sa.Column("next_follow_up_at", t(), nullable=True),
        sa.Column("journey_stage", sa.String(length=20), nullable=False),
        sa.Column("email_opens", sa.Integer(), nullable=False),
        sa.Column("email_clicks", sa.Integer(), nullable=False),
        sa.Column("site_visits", sa.Integer(), nullable=False),
        sa.Column("do_not_contact", sa.Boolean(), nullable=False),
        sa.Column("extra", json(), nullable=False),
        sa.Column("edited_fields", json(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("qualification_expires_at", t(), nullable=True),
        fk("import_id", "imports.id", "fk_leads_import_id_imports", "SET NULL"),
        sa.Column("created_at", t(), nullable=False),
        sa.Column("updated_at", t(), nullable=False),
        sa.Column("form_verdict", sa.String(length=20), nullable=True),  # 0006
        sa.Column("form_note", sa.String(length=200), nullable=True),
        sa.Column("replied_at", t(), nullable=True),  # 0007
        sa.Column("bouncing_email", sa.String(length=320), nullable=False, server_default=""),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),  # 0008
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
        sa.Index("ix_leads_received_at", "received_at", *(("id",) if lean else ())),
        sa.Index("ix_leads_status_received", "status", "received_at"),
        sa.Index("ix_leads_waiting", "status", "first_response_at", "received_at"),
        sa.Index("ix_leads_next_step", "next_follow_up_at", "status", "first_response_at"),
        sa.Index("ix_leads_replied_at", "replied_at"),
    )
    activities = sa.Table(
        "activities",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", name="fk_activities_lead_id_leads", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("occurred_at", t(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        fk("rep_id", "reps.id", "fk_activities_rep_id_reps", "SET NULL"),
        fk("import_id", "imports.id", "fk_activities_import_id_imports", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_activities"),
        sa.Index("ix_activities_lead_id", "lead_id"),
    )
    sa.Table(
        "qualifications",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", name="fk_qualifications_lead_id_leads", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("set_ids", json(), nullable=False),
        fk("rule_set_id", "rule_sets.id", "fk_qualifications_rule_set_id_rule_sets"),
        sa.Column("answers", json(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("is_draft", sa.Boolean(), nullable=False),
        sa.Column("started_at", t(), nullable=False),
        sa.Column("completed_at", t(), nullable=True),
        sa.Column("expires_at", t(), nullable=True),
        fk("rep_id", "reps.id", "fk_qualifications_rep_id_reps", "SET NULL"),
        sa.Column("origin", sa.String(length=10), nullable=False, server_default="call"),  # 0006
        sa.Column("form_id", sa.String(length=200), nullable=True),
        fk("import_id", "imports.id", "fk_qualifications_import_id_imports", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_qualifications"),
        sa.Index("ix_qualifications_lead_id", "lead_id"),
    )
    sa.Table(
        "form_mappings",  # 0006
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("labels", json(), nullable=False),
        sa.Column("mapping", json(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        fk("lead_id", "leads.id", "fk_form_mappings_lead_id_leads", "SET NULL"),
        sa.Column("created_at", t(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_form_mappings"),
        sa.UniqueConstraint("signature", name="uq_form_mappings_signature"),
    )
    follow_ups = sa.Table(
        "follow_ups",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", name="fk_follow_ups_lead_id_leads", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("due_at", t(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("cadence", sa.String(length=50), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("cadence_started_at", t(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("done_at", t(), nullable=True),
        sa.Column("cancelled_at", t(), nullable=True),
        sa.Column("legacy_uid" if lean else "uid", sa.String(length=100), nullable=lean),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", t(), nullable=False),
        sa.Column("exported_sequence", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),  # 0008
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
        sa.Index("ix_follow_ups_lead_id", "lead_id"),
        sqlite_autoincrement=lean,
    )
    _email_tables(meta, t)
    sa.Table(
        "lead_history",  # 0008
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(length=63), nullable=False, server_default=""),
        sa.Column("changed_at", t(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_lead_history_lead_id_leads", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["reps.id"], name="fk_lead_history_rep_id_reps", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lead_history"),
        sa.Index("ix_lead_history_lead_id", "lead_id"),
    )
    # Expired verdicts to re-qualify (0005): only leads that were ever qualified.
    expiring = leads.c.qualification_expires_at
    sa.Index(
        "ix_leads_qualification_expires",
        expiring,
        sqlite_where=expiring.is_not(None),
        postgresql_where=expiring.is_not(None),
    )
    if lean:
        qualifications = meta.tables["qualifications"]
        empty = sa.literal_column("''")
        partial = [
            ("ix_leads_email", leads.c.email, leads.c.email != empty),
            ("ix_leads_phone", leads.c.phone, leads.c.phone != empty),
            ("ix_leads_owner_id", leads.c.owner_id, leads.c.owner_id.is_not(None)),
            ("ix_leads_import_id", leads.c.import_id, leads.c.import_id.is_not(None)),
            ("ix_leads_do_not_contact", leads.c.status, leads.c.do_not_contact.is_(True)),
            (
                "ix_activities_import_id",
                activities.c.import_id,
                activities.c.import_id.is_not(None),
            ),
            (
                "ix_qualifications_import_id",
                qualifications.c.import_id,
                qualifications.c.import_id.is_not(None),
            ),
            (
                "ix_qualifications_completed_at",
                qualifications.c.completed_at,
                qualifications.c.is_draft.is_(False),
            ),
            (
                "ix_follow_ups_pending_due",
                (follow_ups.c.due_at, follow_ups.c.id),
                follow_ups.c.status == sa.literal_column("'pending'"),
            ),
            (
                "ix_follow_ups_changed_since_export",
                follow_ups.c.id,
                sa.and_(
                    follow_ups.c.exported_sequence.is_not(None),
                    follow_ups.c.exported_sequence < follow_ups.c.sequence,
                ),
            ),
            ("ix_follow_ups_legacy_uid", follow_ups.c.legacy_uid, follow_ups.c.legacy_uid.is_not(None)),
        ]
        for name, columns, where in partial:
            sa.Index(
                name,
                *(columns if isinstance(columns, tuple) else (columns,)),
                sqlite_where=where,
                postgresql_where=where,
            )
    else:
        sa.Index("ix_leads_email_norm", leads.c.email)
        sa.Index("ix_leads_phone_norm", leads.c.phone)
        sa.Index("ix_follow_ups_due_at", follow_ups.c.due_at)
        sa.Index("ix_follow_ups_status", follow_ups.c.status)
        follow_ups.append_constraint(sa.UniqueConstraint("uid", name="uq_follow_ups_uid"))
    return meta


def _email_tables(meta: sa.MetaData, t: type[sa.types.TypeEngine]) -> None:  # type: ignore[type-arg]
    """The tables of migration 0007 (email) with their times of type `t`."""

    def fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
        return sa.ForeignKeyConstraint(
            [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
        )

    sa.Table(
        "email_templates",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(50), nullable=False),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", t(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_email_templates"),
        sa.Index("ix_email_templates_key_product", "key", "product", unique=True),
    )
    sa.Table(
        "outbox",
        meta,
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
        sa.Column("next_attempt_at", t(), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("claimed_at", t(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("queued_at", t(), nullable=False),
        sa.Column("sent_at", t(), nullable=True),
        fk("outbox", "lead_id", "leads", "CASCADE"),
        fk("outbox", "account_id", "sources", "SET NULL"),
        fk("outbox", "rep_id", "reps", "SET NULL"),
        fk("outbox", "activity_id", "activities", "SET NULL"),
        fk("outbox", "follow_up_id", "follow_ups", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
        sa.Index("ix_outbox_lead_id", "lead_id"),
        sa.Index("ix_outbox_status", "status"),
    )
    sa.Table(
        "inbound_mail",
        meta,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("message_id", sa.String(250), nullable=False),
        sa.Column("from_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("received_at", t(), nullable=False),
        sa.Column("asks_to_stop", sa.Boolean(), nullable=False),
        sa.Column("stop_answered", sa.Boolean(), nullable=False),
        fk("inbound_mail", "lead_id", "leads", "CASCADE"),
        fk("inbound_mail", "activity_id", "activities", "SET NULL"),
        fk("inbound_mail", "outbox_id", "outbox", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_mail"),
        sa.Index("ix_inbound_mail_lead_id", "lead_id"),
        sa.Index("ix_inbound_mail_message_id", "message_id"),
    )


#: import_merges only gains an index (its lead_id is looked up when a lead is deleted).
MERGES_BY_LEAD = "ix_import_merges_lead_id"


# -- SQLite -----------------------------------------------------------------------------------------
def _sqlite_to_micros(column: str, version: tuple[int, ...] | None = None) -> str:
    """SQLAlchemy's SQLite DATETIME text ('YYYY-MM-DD HH:MM:SS[.ffffff]', naive UTC) as epoch
    microseconds, in SQL (tests/store/test_lean_schema.py checks it against store.times).
    unixepoch() (SQLite 3.38) reads the seconds several times faster than strftime('%s'), which
    older SQLite libraries get; both read whole seconds, the fraction comes from the text."""
    seconds = (
        f"unixepoch(substr({column}, 1, 19))"
        if (version or sqlite3.sqlite_version_info) >= (3, 38)
        else f"CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER)"
    )
    return f"{seconds} * 1000000 + CAST(substr(substr({column}, 21) || '000000', 1, 6) AS INTEGER)"


def _sqlite_to_text(column: str) -> str:
    """Epoch microseconds back as SQLAlchemy's SQLite DATETIME text (the downgrade)."""
    micros = f"((({column}) % 1000000 + 1000000) % 1000000)"
    seconds = f"((({column}) - {micros}) / 1000000)"
    return (
        f"strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch') || '.' || printf('%06d', {micros})"
    )


class _Progress:
    """Reports the share of the work done to the `progress` attribute of the Alembic config."""

    def __init__(self, total: int) -> None:
        self.report: Callable[[float, str], None] | None = (
            context.config.attributes.get("progress") if context.config else None
        )
        self.total = max(total, 1)
        self.done = 0

    def step(self, work: int, what: str) -> None:
        self.done += work
        if self.report is not None:
            self.report(min(1.0, self.done / self.total), what)


def _rebuild_sqlite(table: sa.Table, copy: list[str], progress: _Progress, rows: int) -> None:
    """Make `table` anew (SQLite's way to change column types): create it under a temporary name,
    copy the old rows in id ranges (so progress moves), drop the old table with its indexes and
    triggers, rename the new one, build its indexes."""
    bind = op.get_bind()
    name = table.name
    ddl = str(CreateTable(table).compile(dialect=bind.dialect))
    head = f"CREATE TABLE {name} ("
    assert ddl.lstrip().startswith(head), ddl[:80]
    op.execute(ddl.replace(head, f'CREATE TABLE "_new_{name}" (', 1))
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    last = int(bind.exec_driver_sql(f'SELECT coalesce(max(id), 0) FROM "{name}"').scalar() or 0)
    for low in range(0, last, _COPY_ROWS):
        high = min(low + _COPY_ROWS, last)
        bind.exec_driver_sql(
            f'INSERT INTO "_new_{name}" ({columns}) SELECT {", ".join(copy)} FROM "{name}" '
            "WHERE id > ? AND id <= ? ORDER BY id",
            (low, high),
        )
        progress.step(rows * (high - low) // last, f"Copying {name}")
    op.execute(f'DROP TABLE "{name}"')
    op.execute(f'ALTER TABLE "_new_{name}" RENAME TO "{name}"')
    for index in sorted(table.indexes, key=lambda i: i.name or ""):
        index.create(bind)
        progress.step(rows, f"Indexing {name}")


def _copy_expressions(table: sa.Table, lean: bool) -> list[str]:
    """What each column of the new `table` is copied from, times converted (the other side of
    the migration has the same columns but for follow_ups' uid)."""
    convert = _sqlite_to_micros if lean else _sqlite_to_text
    times = TIME_COLUMNS[table.name]
    copy = []
    for column in table.columns:
        source = f'"{column.name}"'
        if column.name in times:
            source = convert(source)  # NULL stays NULL: every step of either form keeps it
        elif column.name == "legacy_uid":
            source = '"uid"'  # every step made so far keeps the UID it may have been exported with
        elif column.name == "uid":
            source = _derived_uid_sql()
        copy.append(source)
    return copy


def _sqlite_upgrade(lean: bool) -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "Migration 0009 swaps tables and needs foreign keys off (store.migrate does this)."
        )
    meta = _tables(lean)
    rows = {
        name: int(bind.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar() or 0)
        for name in TIME_COLUMNS
    }
    # Copying a row and building one of its index entries cost about the same.
    progress = _Progress(sum(n * (1 + len(meta.tables[t].indexes)) for t, n in rows.items()))
    for name in TIME_COLUMNS:
        table = meta.tables[name]
        _rebuild_sqlite(table, _copy_expressions(table, lean), progress, rows[name])
    for name in search_rows.TRIGGERS:
        op.execute(search_rows.create_trigger_sql(name))
    if bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lead_status_counts'"
    ).first():
        for name in status_counts.TRIGGERS:
            op.execute(status_counts.create_trigger_sql(name))
    for statement in _team_sqlite_triggers(lean):
        op.execute(statement)
    # Every row came across (ids kept, so every reference still finds its row): a count per
    # table, where a foreign_key_check would look every reference up again.
    for name, before in rows.items():
        after = int(bind.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar() or 0)
        if after != before:
            raise RuntimeError(f"Migration 0009 copied {after} of the {before} rows of {name}.")


def _derived_uid_sql() -> str:
    """The downgrade's uid for steps made after 0009: the UID they were exported with."""
    workspace = "(SELECT json_extract(value, '$') FROM settings WHERE key = 'workspace_id')"
    return f"coalesce(legacy_uid, 'followup-' || id || '.' || {workspace} || '@repdesk')"


# -- the team's triggers (migration 0008): history and versions -----------------------------------
def _team() -> ModuleType:
    return importlib.import_module("repdesk.migrations.versions.0008_team")


#: The database's clock as epoch microseconds (SQLite's 'now' is one moment per statement).
_SQLITE_NOW_MICROS = (
    "(CAST(strftime('%s', 'now') AS INTEGER) * 1000000"
    " + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER) * 1000)"
)


def _team_sqlite_triggers(lean: bool) -> list[str]:
    """The SQLite triggers of 0008 on the rebuilt `leads` and `follow_ups` (dropping a table drops
    its triggers); after this migration the history's time is an integer like every other."""
    team = _team()
    history = str(team._sqlite_history_trigger())
    if lean:
        fields = team.HISTORY_FIELDS
        changed = " OR ".join(f"OLD.{f} IS NOT NEW.{f}" for f in fields)
        rows = " UNION ALL ".join(
            f"SELECT '{f}' AS f, CAST(OLD.{f} AS TEXT) AS o, CAST(NEW.{f} AS TEXT) AS n"
            for f in fields
        )
        history = (
            f"CREATE TRIGGER lead_history_update AFTER UPDATE OF {', '.join(fields)} ON leads "
            f"WHEN {changed} BEGIN "
            "INSERT INTO lead_history (lead_id, field, old_value, new_value, rep_id, login, "
            "changed_at) SELECT NEW.id, f, o, n, NULL, '', CASE WHEN NEW.updated_at IS NOT "
            f"OLD.updated_at THEN NEW.updated_at ELSE {_SQLITE_NOW_MICROS} END "
            f"FROM ({rows}) WHERE o IS NOT n; END"
        )
    return [history, *team._sqlite_version_triggers()]


def _pg_history_function(schema: str) -> str:
    """0008's history function with the time as epoch microseconds (updated_at is one now)."""
    values = ", ".join(f"('{f}', OLD.{f}::text, NEW.{f}::text)" for f in _team().HISTORY_FIELDS)
    return f"""
CREATE OR REPLACE FUNCTION repdesk_lead_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
DECLARE
  who integer;
  at bigint;
BEGIN
  SELECT id INTO who FROM reps WHERE login = session_user;
  IF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
    at := NEW.updated_at;
  ELSE
    at := round(extract(epoch from now()) * 1000000)::bigint;
  END IF;
  INSERT INTO lead_history (lead_id, field, old_value, new_value, rep_id, login, changed_at)
  SELECT NEW.id, v.f, v.o, v.n, who, session_user, at
  FROM (VALUES {values}) AS v(f, o, n)
  WHERE v.o IS DISTINCT FROM v.n;
  RETURN NULL;
END $$"""


def _pg_schema() -> str:
    return str(op.get_bind().execute(sa.text("SELECT current_schema()")).scalar())


# -- PostgreSQL -------------------------------------------------------------------------------------
def _postgresql_upgrade() -> None:
    for name, times in TIME_COLUMNS.items():
        changes = ", ".join(
            f"ALTER COLUMN {c} TYPE BIGINT USING round(extract(epoch from {c}) * 1000000)::bigint"
            for c in times
        )
        op.execute(f"ALTER TABLE {name} {changes}")
    op.execute("DROP INDEX ix_leads_received_at")
    op.execute("CREATE INDEX ix_leads_received_at ON leads (received_at, id)")
    op.execute("DROP INDEX ix_leads_email_norm")
    op.execute("DROP INDEX ix_leads_phone_norm")
    op.execute("DROP INDEX ix_follow_ups_due_at")
    op.execute("DROP INDEX ix_follow_ups_status")
    op.execute("ALTER TABLE follow_ups DROP CONSTRAINT uq_follow_ups_uid")
    op.execute("ALTER TABLE follow_ups RENAME COLUMN uid TO legacy_uid")
    op.execute("ALTER TABLE follow_ups ALTER COLUMN legacy_uid DROP NOT NULL")
    for index in _partial_indexes():
        index.create(op.get_bind())
    op.execute(_pg_history_function(_pg_schema()))


def _postgresql_downgrade() -> None:
    op.execute(_team()._pg_history_function(_pg_schema()))
    for index in _partial_indexes():
        op.execute(f"DROP INDEX {index.name}")
    op.execute(f"UPDATE follow_ups SET legacy_uid = {_derived_uid_pg()} WHERE legacy_uid IS NULL")
    op.execute("ALTER TABLE follow_ups ALTER COLUMN legacy_uid SET NOT NULL")
    op.execute("ALTER TABLE follow_ups RENAME COLUMN legacy_uid TO uid")
    op.execute("ALTER TABLE follow_ups ADD CONSTRAINT uq_follow_ups_uid UNIQUE (uid)")
    op.execute("CREATE INDEX ix_follow_ups_status ON follow_ups (status)")
    op.execute("CREATE INDEX ix_follow_ups_due_at ON follow_ups (due_at)")
    op.execute("CREATE INDEX ix_leads_phone_norm ON leads (phone)")
    op.execute("CREATE INDEX ix_leads_email_norm ON leads (email)")
    op.execute("DROP INDEX ix_leads_received_at")
    op.execute("CREATE INDEX ix_leads_received_at ON leads (received_at)")
    for name, times in TIME_COLUMNS.items():
        changes = ", ".join(
            f"ALTER COLUMN {c} TYPE TIMESTAMP WITHOUT TIME ZONE "
            f"USING to_timestamp({c} / 1000000.0) AT TIME ZONE 'UTC'"
            for c in times
        )
        op.execute(f"ALTER TABLE {name} {changes}")


def _partial_indexes() -> list[sa.Index]:
    """The partial indexes this migration adds on PostgreSQL (SQLite makes them with the rebuilt
    tables)."""
    before = {i.name for table in _tables(lean=False).tables.values() for i in table.indexes}
    return [
        index
        for table in _tables(lean=True).tables.values()
        for index in table.indexes
        if index.dialect_options["postgresql"]["where"] is not None and index.name not in before
    ]


def _derived_uid_pg() -> str:
    workspace = "(SELECT value #>> '{}' FROM settings WHERE key = 'workspace_id')"
    return f"'followup-' || id || '.' || {workspace} || '@repdesk'"


# -- both -------------------------------------------------------------------------------------------
def upgrade() -> None:
    bind = op.get_bind()
    settings = sa.table("settings", sa.column("key", sa.String()), sa.column("value", sa.JSON()))
    op.bulk_insert(settings, [{"key": "workspace_id", "value": uuid.uuid4().hex}])
    if bind.dialect.name == "sqlite":
        _sqlite_upgrade(lean=True)
    else:
        _postgresql_upgrade()
    op.create_index(MERGES_BY_LEAD, "import_merges", ["lead_id"])


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index(MERGES_BY_LEAD, table_name="import_merges")
    if bind.dialect.name == "sqlite":
        _sqlite_upgrade(lean=False)
    else:
        _postgresql_downgrade()
    op.execute("DELETE FROM settings WHERE key = 'workspace_id'")
