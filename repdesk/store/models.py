"""SQLAlchemy 2.0 typed models for the repdesk domain (one MetaData with a naming convention)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from repdesk.store.types import JSONValue, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SettingRecord(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONValue)


class RepRecord(Base):
    __tablename__ = "reps"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    monthly_capacity: Mapped[int] = mapped_column(Integer, default=40)
    work_start: Mapped[str] = mapped_column(String(5), default="09:00")
    work_end: Mapped[str] = mapped_column(String(5), default="17:00")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The PostgreSQL login of this rep on a team database (`repdesk team add-rep`); the rep
    #: linked to `current_user` is "me". None on a one-person workspace.
    login: Mapped[str | None] = mapped_column(String(63))
    #: Away (holiday, sick): routing hands them nothing and the overflow queue says so.
    away: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_reps_login", "login", unique=True),)


class ImportRecord(Base):
    """One import run: what it added and merged, so it can be undone."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    files: Mapped[Any] = mapped_column(JSONValue, default=list)
    added: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LeadRecord(Base):
    __tablename__ = "leads"
    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(100), default="")
    product: Mapped[str] = mapped_column(String(100), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Denormalised from follow_ups (the one pending step) so the inbox can order 1M rows by index
    # (ix_leads_next_step below, which leads with this column; migration 0004 dropped a second one).
    next_follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    journey_stage: Mapped[str] = mapped_column(String(20), default="awareness")
    email_opens: Mapped[int] = mapped_column(Integer, default=0)
    email_clicks: Mapped[int] = mapped_column(Integer, default=0)
    site_visits: Mapped[int] = mapped_column(Integer, default=0)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[Any] = mapped_column(JSONValue, default=dict)
    # Field names the user edited by hand: a merge never overwrites those.
    edited_fields: Mapped[Any] = mapped_column(JSONValue, default=list)
    verdict: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)
    qualification_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The provisional verdict of the answers it arrived with, and their time frame ("this month"):
    # the latest qualification from a form, for the inbox (migration 0005).
    form_verdict: Mapped[str | None] = mapped_column(String(20))
    form_note: Mapped[str | None] = mapped_column(String(200))
    # When the lead's unanswered reply came in ("replied — waiting for you"); cleared by our next
    # outbound contact (services/email).
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The address a delivery report said bounces; sending to it is refused while it is the email.
    bouncing_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    #: Bumped by the database (migration 0008's triggers) whenever a field the history keeps
    #: changes, whoever writes: a change made from a stale view names the version it saw.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        Index("ix_leads_email_norm", "email"),
        Index("ix_leads_phone_norm", "phone"),
        Index("ix_leads_status_received", "status", "received_at"),
        # The inbox's segments are counted and ordered from these alone (see
        # services/inbox/inbox_service).
        Index("ix_leads_waiting", "status", "first_response_at", "received_at"),
        Index("ix_leads_next_step", "next_follow_up_at", "status", "first_response_at"),
        # Expired verdicts to re-qualify (services/followups/requalify.py); partial: only leads
        # that were ever qualified (0005).
        Index(
            "ix_leads_qualification_expires",
            "qualification_expires_at",
            sqlite_where=text("qualification_expires_at IS NOT NULL"),
            postgresql_where=text("qualification_expires_at IS NOT NULL"),
        ),
    )


class ActivityRecord(Base):
    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(
        UTCDateTime
    )  # no index: nothing selects by time alone (0004)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    #: Left out when not given: a team database fills in the signed-in rep (`repdesk team init`).
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("reps.id", ondelete="SET NULL"), server_default=FetchedValue()
    )
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))


class ImportMergeRecord(Base):
    """A lead's values before an import merged into it (for Undo import)."""

    __tablename__ = "import_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    before: Mapped[Any] = mapped_column(JSONValue)


class QuestionSetRecord(Base):
    """One version of a question set; editing stores a new row with version + 1."""

    __tablename__ = "question_sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # core | product
    product: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    questions: Mapped[Any] = mapped_column(JSONValue)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(Integer)  # a rep id (migration 0008)

    __table_args__ = (Index("ix_question_sets_key_version", "key", "version", unique=True),)


class RuleSetRecord(Base):
    """One version of the verdict rules (data, not code)."""

    __tablename__ = "rule_sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    rules: Mapped[Any] = mapped_column(JSONValue)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(Integer)  # a rep id (migration 0008)


class QualificationRecord(Base):
    __tablename__ = "qualifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    set_ids: Mapped[Any] = mapped_column(JSONValue)  # question_sets.id of every version asked
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_sets.id"))
    answers: Mapped[Any] = mapped_column(JSONValue, default=dict)
    score: Mapped[int | None] = mapped_column(Integer)
    verdict: Mapped[str | None] = mapped_column(String(20))
    is_draft: Mapped[bool] = mapped_column(Boolean, default=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    #: "call" (the script panel, `repdesk qualify`) or "form" (answers that arrived with it).
    origin: Mapped[str] = mapped_column(String(10), default="call", server_default="call")
    #: The form a "form" qualification came from: the set versions a repdesk form carried, or the
    #: form tool and its fields.
    form_id: Mapped[str | None] = mapped_column(String(200))
    #: The import that brought the answers (Undo import takes the qualification back).
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))


class FormMappingRecord(Base):
    """Which fields of one form are which questions, when they match none by themselves."""

    __tablename__ = "form_mappings"
    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(100))
    labels: Mapped[Any] = mapped_column(JSONValue)  # the form's field labels, in arrival order
    mapping: Mapped[Any] = mapped_column(JSONValue)  # label -> question key
    state: Mapped[str] = mapped_column(String(10))  # offered | mapped | dismissed
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUpRecord(Base):
    __tablename__ = "follow_ups"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    cadence: Mapped[str] = mapped_column(String(50), default="")
    step_index: Mapped[int] = mapped_column(Integer, default=0)
    cadence_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    exported_sequence: Mapped[int | None] = mapped_column(Integer)
    #: Bumped by the database on every change, like leads.version; who made the latest change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_by: Mapped[int | None] = mapped_column(Integer)  # a rep id (migration 0008)


class SourceRecord(Base):
    """An inquiry source (IMAP mailbox or watched folder); secrets live in the keyring only."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    config: Mapped[Any] = mapped_column(JSONValue, default=dict)
    state: Mapped[Any] = mapped_column(JSONValue, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="idle")
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailTemplateRecord(Base):
    """One email template (a key, optionally for one product); see formats/template_file."""

    __tablename__ = "email_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50))
    product: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_email_templates_key_product", "key", "product", unique=True),)


class OutboxRecord(Base):
    """One outgoing email, from queued to accepted by the server (or unsure, or failed).

    The Message-ID is fixed when it is queued; `handing_over` is written just before the message
    text goes to the server, so a crash after that point is known and it is never sent twice.
    """

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    #: Left out when not given: a team database fills in the signed-in rep (`repdesk team init`).
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("reps.id", ondelete="SET NULL"), server_default=FetchedValue()
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL")
    )
    follow_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_ups.id", ondelete="SET NULL")
    )
    template: Mapped[str] = mapped_column(String(50), default="")
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    in_reply_to: Mapped[str] = mapped_column(String(250), default="")
    thread_refs: Mapped[str] = mapped_column(Text, default="")
    from_header: Mapped[str] = mapped_column(String(400))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InboundMailRecord(Base):
    """Mail from a lead that the mailbox source filed on the lead: a reply, an automatic answer
    or a delivery report (bounce)."""

    __tablename__ = "inbound_mail"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL")
    )
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str] = mapped_column(String(250), index=True)
    from_address: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    asks_to_stop: Mapped[bool] = mapped_column(Boolean, default=False)
    stop_answered: Mapped[bool] = mapped_column(Boolean, default=False)


class LeadHistoryRecord(Base):
    """One field of a lead changed: old and new value, who (the rep of the PostgreSQL login, or
    the login alone), when. Written by database triggers (migration 0008), so every writer is
    recorded: the app, an import, a rep's psql."""

    __tablename__ = "lead_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    login: Mapped[str] = mapped_column(String(63), default="", server_default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CallMarkerRecord(Base):
    """A rep is on a call with this lead now. Times are the database's clock in milliseconds
    (every client judges expiry by the same clock); a marker whose heartbeat is older than the
    time to live is ignored (a crashed client's marker expires by itself)."""

    __tablename__ = "call_markers"
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    login: Mapped[str] = mapped_column(String(63), default="", server_default="")
    started_ms: Mapped[int] = mapped_column(BigInteger)
    heartbeat_ms: Mapped[int] = mapped_column(BigInteger)
