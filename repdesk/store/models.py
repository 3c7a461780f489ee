"""SQLAlchemy 2.0 typed models for the repdesk domain (one MetaData with a naming convention)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    and_,
    false,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from repdesk.store.types import JSONValue, UTCTime

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
    started_at: Mapped[datetime] = mapped_column(UTCTime)
    files: Mapped[Any] = mapped_column(JSONValue, default=list)
    added: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCTime)
    # Who started it: "user" (File → Import, `repdesk import`), "mailbox", "folder". Undo last
    # import offers the user's own.
    origin: Mapped[str] = mapped_column(String(20), default="user")
    kind: Mapped[str] = mapped_column(String(12), default="inquiries")  # inquiries | contacts
    created_reps: Mapped[Any] = mapped_column(JSONValue, default=list)  # undo removes unused
    refused: Mapped[Any] = mapped_column(JSONValue, default=list)  # files not imported, why


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
    received_at: Mapped[datetime] = mapped_column(UTCTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCTime)
    # Speed to lead: business-hours seconds from received_at to first_response_at, computed once
    # (core.business_hours.business_seconds_between) when the first response is recorded, so
    # reports aggregate it in SQL.
    first_response_business_seconds: Mapped[int | None] = mapped_column(Integer)
    # Denormalised from follow_ups (the one pending step) so the inbox can order 1M rows by index
    # (ix_leads_next_step below, which leads with this column; migration 0004 dropped a second one).
    next_follow_up_at: Mapped[datetime | None] = mapped_column(UTCTime)
    journey_stage: Mapped[str] = mapped_column(String(20), default="awareness")
    email_opens: Mapped[int] = mapped_column(Integer, default=0)
    email_clicks: Mapped[int] = mapped_column(Integer, default=0)
    site_visits: Mapped[int] = mapped_column(Integer, default=0)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[Any] = mapped_column(JSONValue, default=dict)
    # Field names the user edited by hand: a merge never overwrites those.
    edited_fields: Mapped[Any] = mapped_column(JSONValue, default=list)
    # Every number of the lead with its kind and extension ([{"number", "kind", "ext"?, "valid"?}]);
    # `phone` is the best of them (E.164), `phone_ext` its extension.
    phones: Mapped[Any] = mapped_column(JSONValue, default=list)
    phone_ext: Mapped[str] = mapped_column(String(20), default="")
    # A known contact (imported from a CRM or an address book): no waiting clock, not counted in
    # speed to lead. An inquiry from the person makes the lead an inquiry.
    is_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    # "first last|company" folded (core.dedupe.name_key): found by imports when nothing else
    # identifies a person; "" when a part is missing.
    name_key: Mapped[str] = mapped_column(String(400), default="")
    verdict: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)
    qualification_expires_at: Mapped[datetime | None] = mapped_column(UTCTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCTime)
    updated_at: Mapped[datetime] = mapped_column(UTCTime)
    # The provisional verdict of the answers it arrived with, and their time frame ("this month"):
    # the latest qualification from a form, for the inbox (migration 0005).
    form_verdict: Mapped[str | None] = mapped_column(String(20))
    form_note: Mapped[str | None] = mapped_column(String(200))
    # When the lead's unanswered reply came in ("replied — waiting for you"); cleared by our next
    # outbound contact (services/email).
    replied_at: Mapped[datetime | None] = mapped_column(UTCTime, index=True)
    # The address a delivery report said bounces; sending to it is refused while it is the email.
    bouncing_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    #: Bumped by the database (migration 0008's triggers) whenever a field the history keeps
    #: changes, whoever writes: a change made from a stale view names the version it saw.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        # `repdesk leads` and the reports' periods: every status, by received time (then id: a
        # list pages through an import's leads received at one moment by id).
        Index("ix_leads_received_at", "received_at", "id"),
        Index("ix_leads_status_received", "status", "received_at"),
        # The inbox's segments are counted and ordered from these alone (see
        # services/inbox/inbox_service).
        Index("ix_leads_waiting", "status", "first_response_at", "received_at"),
        Index("ix_leads_next_step", "next_follow_up_at", "status", "first_response_at"),
        # A team's inbox, filtered by owner, counts its segments from this alone (an index-only
        # scan, 0013). PostgreSQL only: a solo file filters by owner rarely, and its partial
        # ix_leads_owner_id serves those queries.
        Index(
            "ix_leads_owner_inbox",
            "owner_id",
            postgresql_include=[
                "status",
                "first_response_at",
                "is_contact",
                "replied_at",
                "next_follow_up_at",
                "form_verdict",
                "received_at",
            ],
        ).ddl_if(dialect="postgresql"),
        # Expired verdicts to re-qualify (services/followups/requalify.py); partial: only leads
        # that were ever qualified (0005).
        Index(
            "ix_leads_qualification_expires",
            "qualification_expires_at",
            sqlite_where=text("qualification_expires_at IS NOT NULL"),
            postgresql_where=text("qualification_expires_at IS NOT NULL"),
        ),
        # Imports find people by name and company when nothing else identifies them; leads
        # without such a key (a part missing) are not indexed (0010).
        Index(
            "ix_leads_name_key",
            "name_key",
            sqlite_where=text("name_key != ''"),
            postgresql_where=text("name_key != ''"),
        ),
    )


class ActivityRecord(Base):
    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    # No index: nothing selects by time alone (0004).
    occurred_at: Mapped[datetime] = mapped_column(UTCTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    #: Left out when not given: a team database fills in the signed-in rep (`repdesk team init`).
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("reps.id", ondelete="SET NULL"), server_default=FetchedValue()
    )
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))


class ImportMergeRecord(Base):
    """What an import changed in a lead it merged into: each field as (before, after) in
    `changes`, so Undo import puts back only what still holds the import's value (imports made
    before 0010 kept a snapshot in `before`)."""

    __tablename__ = "import_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    # Indexed: deleting a lead (undo of the import that added it) looks its merges up by lead.
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    before: Mapped[Any | None] = mapped_column(JSONValue, nullable=True)
    changes: Mapped[Any | None] = mapped_column(JSONValue, nullable=True)


class LeadKeyRecord(Base):
    """Another way to find a lead than its own e-mail and phone columns: a stable id of the person
    ("hubspot:5101", "uid:…", "linkedin:in/…"), another e-mail ("email:…") or phone ("phone:…")."""

    __tablename__ = "lead_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    # The import that added the key to a lead it merged into (undo takes the key back).
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))


class PossibleDuplicateRecord(Base):
    """Two leads that may be one person (a shared phone, the same name and company): the rep
    merges them or keeps them apart."""

    __tablename__ = "possible_duplicates"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCTime)
    resolution: Mapped[str | None] = mapped_column(String(20))  # merged | apart


class LeadMergeRecord(Base):
    """A rep's merge of two leads, with what it takes to undo it: the removed lead as it was, the
    rows moved to the kept lead, each field of the kept lead the merge filled (before, after)."""

    __tablename__ = "lead_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    pair_id: Mapped[int | None] = mapped_column(
        ForeignKey("possible_duplicates.id", ondelete="SET NULL")
    )
    absorbed: Mapped[Any] = mapped_column(JSONValue)
    moved: Mapped[Any] = mapped_column(JSONValue)
    changes: Mapped[Any] = mapped_column(JSONValue)
    merged_at: Mapped[datetime] = mapped_column(UTCTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCTime)


class CalendarTombstoneRecord(Base):
    """A calendar event whose step is gone with its lead (an undone import): the next .ics export
    sends it cancelled (when an export held it) and CalDAV pushes delete it."""

    __tablename__ = "calendar_tombstones"
    uid: Mapped[str] = mapped_column(String(200), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCTime)
    in_ics: Mapped[bool] = mapped_column(Boolean, default=False)
    ics_sent: Mapped[bool] = mapped_column(Boolean, default=False)


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
    created_at: Mapped[datetime] = mapped_column(UTCTime)
    #: A rep id (migration 0008); on a team database, the signed-in rep by default.
    created_by: Mapped[int | None] = mapped_column(Integer, server_default=FetchedValue())

    __table_args__ = (Index("ix_question_sets_key_version", "key", "version", unique=True),)


class RuleSetRecord(Base):
    """One version of the verdict rules (data, not code)."""

    __tablename__ = "rule_sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    rules: Mapped[Any] = mapped_column(JSONValue)
    created_at: Mapped[datetime] = mapped_column(UTCTime)
    #: A rep id (migration 0008); on a team database, the signed-in rep by default.
    created_by: Mapped[int | None] = mapped_column(Integer, server_default=FetchedValue())


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
    started_at: Mapped[datetime] = mapped_column(UTCTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCTime)
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
    created_at: Mapped[datetime] = mapped_column(UTCTime)


class FollowUpRecord(Base):
    """A scheduled next step. Its calendar UID is derived from its id and the workspace id
    (core.calendar_uids); ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL),
    so a UID names one step forever. Steps made before migration 0009 keep the random UID they
    were exported with, in legacy_uid."""

    __tablename__ = "follow_ups"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCTime)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    cadence: Mapped[str] = mapped_column(String(50), default="")
    step_index: Mapped[int] = mapped_column(Integer, default=0)
    cadence_started_at: Mapped[datetime | None] = mapped_column(UTCTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
    done_at: Mapped[datetime | None] = mapped_column(UTCTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCTime)
    legacy_uid: Mapped[str | None] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCTime)
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
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCTime)


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
    updated_at: Mapped[datetime] = mapped_column(UTCTime)

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
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCTime)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[datetime] = mapped_column(UTCTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCTime)


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
    received_at: Mapped[datetime] = mapped_column(UTCTime)
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
    changed_at: Mapped[datetime] = mapped_column(UTCTime)


class CallMarkerRecord(Base):
    """A rep is on a call with this lead now: a lease the caller's client renews while the call
    lasts. Times are the database's clock in milliseconds (every client judges expiry by the same
    clock); a marker past `expires_ms` is ignored (a crashed client's marker ends by itself)."""

    __tablename__ = "call_markers"
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    login: Mapped[str] = mapped_column(String(63), default="", server_default="")
    started_ms: Mapped[int] = mapped_column(BigInteger)
    heartbeat_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger, server_default="0")


# -- conditions that partial indexes are made for --------------------------------------------------
# A query uses a partial index only when its WHERE holds the index's condition as written, so each
# is defined once here (constants rendered inline, not as parameters) for the index and the queries.
def _inline(value: str) -> ColumnElement[str]:
    return literal_column("'" + value.replace("'", "''") + "'")


#: A pending step: Today, the calendar, `followups` and the exports read only these.
PENDING_STEP = FollowUpRecord.status == _inline("pending")
#: A step done: Today's "done today" counts them by the time they were done.
DONE_STEP = FollowUpRecord.status == _inline("done")
#: An exported step changed since (it goes out again whatever its date).
CHANGED_SINCE_EXPORT = and_(
    FollowUpRecord.exported_sequence.is_not(None),
    FollowUpRecord.exported_sequence < FollowUpRecord.sequence,
)
HAS_EMAIL = LeadRecord.email != _inline("")
HAS_PHONE = LeadRecord.phone != _inline("")
#: Imports find people by name and company (ix_leads_name_key is partial on it).
HAS_NAME_KEY = LeadRecord.name_key != _inline("")
FROM_IMPORT = LeadRecord.import_id.is_not(None)
HAS_OWNER = LeadRecord.owner_id.is_not(None)
#: Few leads are do-not-contact: coverage counts the open ones among them by status.
DO_NOT_CONTACT = LeadRecord.do_not_contact.is_(True)
#: A finished qualification (drafts are the script's autosave).
FINAL_QUALIFICATION = QualificationRecord.is_draft.is_(False)
ACTIVITY_FROM_IMPORT = ActivityRecord.import_id.is_not(None)
HAS_LEGACY_UID = FollowUpRecord.legacy_uid.is_not(None)


def _partial(name: str, column: Any, where: ColumnElement[bool]) -> Index:
    return Index(name, column, sqlite_where=where, postgresql_where=where)


# Dedupe looks people up by e-mail and phone; many leads have neither.
_partial("ix_leads_email", LeadRecord.email, HAS_EMAIL)
_partial("ix_leads_phone", LeadRecord.phone, HAS_PHONE)
# Undo import finds what an import wrote; an import appends to these (one id, rising row ids).
_partial("ix_leads_import_id", LeadRecord.import_id, FROM_IMPORT)
# An owner's leads (the Mine filters, reports and exports per rep); imported leads mostly have none.
_partial("ix_leads_owner_id", LeadRecord.owner_id, HAS_OWNER)
_partial("ix_leads_do_not_contact", LeadRecord.status, DO_NOT_CONTACT)
# Routing reads the latest finished qualifications (rep loads, round robin).
_partial("ix_qualifications_completed_at", QualificationRecord.completed_at, FINAL_QUALIFICATION)
_partial("ix_activities_import_id", ActivityRecord.import_id, ACTIVITY_FROM_IMPORT)
_partial(
    "ix_qualifications_import_id",
    QualificationRecord.import_id,
    QualificationRecord.import_id.is_not(None),
)
# By due time, then id: exports page through a million steps due at one moment by id.
Index(
    "ix_follow_ups_pending_due",
    FollowUpRecord.due_at,
    FollowUpRecord.id,
    sqlite_where=PENDING_STEP,
    postgresql_where=PENDING_STEP,
)
# Today's "done today" (and its owner scopes): the steps done in a range of times (0014).
_partial("ix_follow_ups_done_at", FollowUpRecord.done_at, DONE_STEP)
_partial("ix_follow_ups_changed_since_export", FollowUpRecord.id, CHANGED_SINCE_EXPORT)
# CalDAV push asks which of the server's UIDs are finished here; only old steps have a stored one.
_partial("ix_follow_ups_legacy_uid", FollowUpRecord.legacy_uid, HAS_LEGACY_UID)
