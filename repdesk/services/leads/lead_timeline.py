"""A lead's timeline entries written in the caller's transaction: an activity (the first outbound
one sets the first response), a status change, and what the confirmation calls an activity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from repdesk.core.business_hours import BusinessHours, business_seconds_between
from repdesk.core.domain import OUTBOUND_KINDS, ActivityKind, LeadStatus
from repdesk.store.models import ActivityRecord, LeadRecord


def activity_label(kind: ActivityKind, outcome: str | None) -> str:
    """What the confirmation says an activity did: 'Voicemail logged', 'Note added'."""
    if kind is ActivityKind.CALL and outcome:
        return {"connected": "Call logged (connected)"}.get(
            outcome, f"{outcome.replace('_', ' ').capitalize()} logged"
        )
    if kind is ActivityKind.NOTE:
        return "Note added"
    return f"{kind.value.replace('_', ' ').capitalize()} logged"


def record_activity(
    session: Session,
    lead: LeadRecord,
    kind: ActivityKind,
    now: datetime,
    *,
    outcome: str | None = None,
    body: str = "",
    duration_seconds: int | None = None,
    hours: BusinessHours | None = None,
) -> ActivityRecord:
    """Add the activity; the first outbound one sets the first response and, counted in `hours`
    (required then), how long the inquiry waited for it."""
    activity = ActivityRecord(
        lead_id=lead.id,
        kind=kind.value,
        outcome=outcome,
        occurred_at=now,
        body=body,
        duration_seconds=duration_seconds,
    )
    session.add(activity)
    if kind in OUTBOUND_KINDS and lead.first_response_at is None:
        if hours is None:
            raise ValueError("The first response needs the business hours to count the wait.")
        set_first_response(lead, now, hours)
    if kind in OUTBOUND_KINDS:
        lead.replied_at = None  # we got back to them: their reply is answered (services/email)
    # Reaching the person ends the new-inquiry cadence; an unanswered attempt does not.
    reached = (kind is ActivityKind.CALL and outcome == "connected") or kind is ActivityKind.MEETING
    if reached and lead.status == LeadStatus.NEW.value:
        change_status(session, lead, LeadStatus.CONTACTED, now)
    lead.updated_at = now
    return activity


def set_first_response(lead: LeadRecord, at: datetime, hours: BusinessHours) -> None:
    """The lead's first response was at `at`: speed to lead is the wait counted in `hours`."""
    lead.first_response_at = at
    lead.first_response_business_seconds = business_seconds_between(lead.received_at, at, hours)


def change_status(
    session: Session, lead: LeadRecord, status: LeadStatus, now: datetime, *, note: str = ""
) -> None:
    old = lead.status
    lead.status = status.value
    lead.updated_at = now
    body = f"{LeadStatus(old).label} → {status.label}" + (f": {note}" if note else "")
    session.add(
        ActivityRecord(
            lead_id=lead.id, kind=ActivityKind.STATUS_CHANGE.value, occurred_at=now, body=body
        )
    )
