"""Lead use cases: edit, notes, status changes, logging contact (listing, search and the detail
with its timeline are services.leads.lead_queries, which LeadService extends)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core import contact, do_not_contact
from repdesk.core.business_hours import BusinessHours
from repdesk.core.contact import display_name
from repdesk.core.domain import OUTBOUND_KINDS, ActivityKind, LeadStatus
from repdesk.core.phones import parse_phone
from repdesk.core.quoting import quoted
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.common.undo import UndoRecorder
from repdesk.services.leads.edit_conflicts import StaleEditError, changed_fields
from repdesk.services.leads.lead_queries import LeadQueries
from repdesk.services.leads.lead_timeline import activity_label, change_status, record_activity
from repdesk.store.guarded import json_set_with
from repdesk.store.models import ActivityRecord, LeadRecord, RepRecord

#: Called inside the action's transaction after a lead changed (follow-up planning hooks in here).
LeadHook = Callable[[Session, LeadRecord, datetime], object]

#: How often an edit is tried again when the database refused it as stale but no field collides.
_WRITE_ATTEMPTS = 5
#: A lead needs at least one of these.
_NAMES = ("first_name", "last_name", "company", "email", "phone")
EDITABLE = (
    "first_name",
    "last_name",
    "company",
    "title",
    "email",
    "phone",
    "phone_ext",
    "source",
    "product",
    "notes",
    "tags",
)

#: What the timeline says when the do-not-contact mark is set or cleared.
DNC_ON_NOTE = "Marked do not contact: no calls, emails or follow-ups"
DNC_OFF_NOTE = "Do not contact cleared: may be contacted again"


class LeadService(LeadQueries):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        default_region: Callable[[], str] = lambda: "US",
        *,
        hooks: Sequence[LeadHook] = (),
        hours: Callable[[], BusinessHours],
        claim: Callable[[Session, LeadRecord], bool] | None = None,
    ) -> None:
        """`hooks` run inside every action's transaction after a lead changed, in order (the
        composition root passes follow-up planning and the journey stage); `hours`: the
        workspace's business hours (speed to lead counts only those). `claim` makes an
        unassigned lead the signed-in rep's when work on it starts (services/team/claims)."""
        self._sessions = sessions
        self._clock = clock
        self._region = default_region
        self._hooks = tuple(hooks)
        self.hours = hours
        self._claim = claim

    def region(self) -> str:
        """The workspace's phone region (numbers without +country code are read, and shown, in
        it)."""
        return self._region()

    # -- writing ---------------------------------------------------------------------------------
    def claim_in(self, session: Session, lead: LeadRecord) -> bool:
        """Work on `lead` starts: an unassigned lead becomes mine (True), atomically; another
        rep's lead is refused for a rep (ClaimedError)."""
        return self._claim(session, lead) if self._claim is not None else False

    def run_hooks(self, session: Session, lead: LeadRecord, now: datetime) -> None:
        session.flush()
        for hook in self._hooks:
            hook(session, lead, now)

    def log_activity(
        self,
        lead_id: int,
        kind: ActivityKind,
        *,
        outcome: str | None = None,
        body: str = "",
        duration_seconds: int | None = None,
        occurred_at: datetime | None = None,
    ) -> Changes:
        """Record a call, email, meeting or note that really happened (at `occurred_at`, default
        now); the first outbound one sets the first-response time and the business-hours wait. A
        lead marked do not contact is neither called nor emailed (UserError)."""
        now = self._clock()
        when = min(occurred_at, now) if occurred_at is not None else now
        with self._sessions.begin() as session:
            lead = self._lead(session, lead_id)
            if lead.do_not_contact and kind in do_not_contact.REFUSED_KINDS:
                raise UserError(do_not_contact.refusal(display_name(lead)))
            undo = UndoRecorder(session, [lead_id])
            if kind in OUTBOUND_KINDS:
                self.claim_in(session, lead)
            record_activity(
                session,
                lead,
                kind,
                when,
                outcome=outcome,
                body=body,
                duration_seconds=duration_seconds,
                hours=self.hours(),
            )
            self.run_hooks(session, lead, now)
            step = undo.step(activity_label(kind, outcome))
        return Changes(leads=True, activities=True, follow_ups=True, undo=step)

    def set_status(self, lead_id: int, status: LeadStatus, *, note: str = "") -> Changes:
        now = self._clock()
        with self._sessions.begin() as session:
            lead = self._lead(session, lead_id)
            if lead.status == status.value:
                return Changes()
            undo = UndoRecorder(session, [lead_id])
            change_status(session, lead, status, now, note=note)
            self.run_hooks(session, lead, now)
            label = f"Marked {status.label.lower()}" + (f" ({note})" if note else "")
            step = undo.step(label if status.is_closed else f"Status set to {status.label}")
        return Changes(leads=True, activities=True, follow_ups=True, undo=step)

    def set_do_not_contact(self, lead_id: int, on: bool = True) -> Changes:
        """Mark the lead do not contact (its steps are cancelled and no new ones are planned), or
        clear the mark (its cadence starts again from now); the timeline records either."""
        now = self._clock()
        with self._sessions.begin() as session:
            lead = self._lead(session, lead_id)
            if bool(lead.do_not_contact) == on:
                return Changes()
            undo = UndoRecorder(session, [lead_id])
            lead.do_not_contact = on
            lead.updated_at = now
            session.add(
                ActivityRecord(
                    lead_id=lead.id,
                    kind=ActivityKind.STATUS_CHANGE.value,
                    occurred_at=now,
                    body=DNC_ON_NOTE if on else DNC_OFF_NOTE,
                )
            )
            self.run_hooks(session, lead, now)
            step = undo.step("Marked do not contact" if on else "Do not contact cleared")
        return Changes(leads=True, activities=True, follow_ups=True, undo=step)

    def assign(self, lead_id: int, rep: str | None) -> Changes:
        """Give the lead to a rep by name (None: nobody)."""
        now = self._clock()
        with self._sessions.begin() as session:
            lead = self._lead(session, lead_id)
            rep_id = None
            if rep:
                rep_id = session.scalar(select(RepRecord.id).where(RepRecord.name == rep))
                if rep_id is None:
                    raise UserError(f"There is no rep named {rep!r}.")
            if lead.owner_id == rep_id:
                return Changes()
            undo = UndoRecorder(session, [lead_id])
            lead.owner_id = rep_id
            lead.updated_at = now
            session.add(
                ActivityRecord(
                    lead_id=lead.id,
                    kind=ActivityKind.EDIT.value,
                    occurred_at=now,
                    body=f"Owner: {rep}" if rep else "Owner: nobody (unassigned)",
                )
            )
            step = undo.step(f"Assigned to {rep}" if rep else "Unassigned")
        return Changes(leads=True, activities=True, undo=step)

    def _cleaned(self, values: dict[str, str]) -> dict[str, str]:
        unknown = set(values) - set(EDITABLE)
        if unknown:
            raise UserError(
                f"The field {quoted(sorted(unknown)[0])} cannot be edited; the fields that can "
                f"are {', '.join(EDITABLE)}."
            )
        cleaned = dict(values)
        if cleaned.get("email"):
            email = contact.normalize_email(cleaned["email"])
            if email is None:
                raise UserError(f"{quoted(cleaned['email'])} is not a valid email address.")
            cleaned["email"] = email
        if cleaned.get("phone"):
            found = parse_phone(cleaned["phone"], self._region())
            if found is None:
                raise UserError(f"{quoted(cleaned['phone'])} is not a valid phone number.")
            # "(614) 555-0120 x12": the number, and the extension beside it (kept, not dropped).
            cleaned["phone"] = found[0]
            cleaned["phone_ext"] = found[1] or cleaned.get("phone_ext", "")
        elif "phone" in cleaned:
            cleaned["phone_ext"] = ""  # no number, no extension
        return {key: value.strip() for key, value in cleaned.items()}

    def create_lead(self, values: dict[str, str]) -> tuple[int, Changes]:
        """New lead by hand (a walk-in, an inbound call): an inquiry received now, with its first
        step planned. Someone already on file (same email or phone) is named, not duplicated."""
        cleaned = self._cleaned(values)
        if not any(
            cleaned.get(k) for k in ("first_name", "last_name", "company", "email", "phone")
        ):
            raise UserError("A lead needs at least a name, a company, an email or a phone number.")
        now = self._clock()
        with self._sessions.begin() as session:
            for key in ("email", "phone"):
                if cleaned.get(key):
                    known = session.execute(
                        select(LeadRecord.id, LeadRecord.first_name, LeadRecord.last_name).where(
                            getattr(LeadRecord, key) == cleaned[key]
                        )
                    ).first()
                    if known is not None:
                        name = f"{known.first_name} {known.last_name}".strip() or f"lead {known.id}"
                        raise UserError(
                            f"{name} (lead {known.id}) already has this {key}; open that lead "
                            "instead of adding a second one."
                        )
            undo = UndoRecorder.for_new_lead(session)
            lead = LeadRecord(
                **{key: cleaned.get(key, "") for key in EDITABLE},
                status=LeadStatus.NEW.value,
                received_at=now,
                created_at=now,
                updated_at=now,
                extra={},
                edited_fields=[],
            )
            session.add(lead)
            session.flush()
            session.add(
                ActivityRecord(
                    lead_id=lead.id,
                    kind=ActivityKind.INQUIRY.value,
                    occurred_at=now,
                    body="Added by hand (walk-in or inbound call)",
                )
            )
            self.run_hooks(session, lead, now)
            step = undo.step(f"{lead.first_name or lead.company or 'Lead'} added", [lead.id])
            lead_id = lead.id
        return lead_id, Changes(leads=True, activities=True, follow_ups=True, undo=step)

    def update_lead(
        self,
        lead_id: int,
        values: dict[str, str],
        *,
        seen: Mapping[str, str] | None = None,
        seen_version: int | None = None,
        keep_mine: Collection[str] = (),
    ) -> Changes:
        """Save the edit dialog; every field the user changed is protected from later merges.

        `seen`: the values the user saw when the edit began. Only the fields they changed are
        written; when someone else changed one of those meanwhile (to something else), nothing is
        saved (StaleEditError naming who changed what, when, and the lead's version now) unless it
        is in `keep_mine`. `seen_version`: the version those values (and the `keep_mine` choice)
        were read at; once the lead has moved past it, `keep_mine` no longer holds (a change the
        user was not shown is refused too). The write itself names the version it read, so a
        change committed in between is refused by the database and looked at again."""
        cleaned = self._cleaned(values)
        now = self._clock()
        for _attempt in range(_WRITE_ATTEMPTS):
            with self._sessions.begin() as session:
                lead = session.get(LeadRecord, lead_id)
                if lead is None:
                    raise NotFoundError(f"There is no lead with id {lead_id}.")
                mine = dict(cleaned)
                if seen is not None:
                    # What they saw, in the stored form (a phone as shown is "(212) 555-0174").
                    shown = dict(seen)
                    with contextlib.suppress(UserError):  # else compared as it was shown
                        shown = self._cleaned(shown)
                    mine, conflicts = changed_fields(session, lead, mine, shown)
                    kept = keep_mine if seen_version in (None, lead.version) else ()
                    refused = [c for c in conflicts if c.field not in kept]
                    if refused:
                        raise StaleEditError(refused, lead.version)
                changed = [
                    (k, getattr(lead, k), v) for k, v in mine.items() if getattr(lead, k) != v
                ]
                new = {k: v for k, _o, v in changed}
                if not any(new.get(k, getattr(lead, k)) for k in _NAMES):
                    raise UserError(
                        "A lead needs at least a name, a company, an email or a phone number."
                    )
                if not changed:
                    return Changes()
                undo = UndoRecorder(session, [lead_id])
                if not self._write_edit(session, lead, new, now):
                    continue  # someone committed a change in between: look again
                # The edit on the timeline: what changed, from what to what.
                session.add(
                    ActivityRecord(
                        lead_id=lead.id,
                        kind=ActivityKind.EDIT.value,
                        occurred_at=now,
                        body=edit_summary(changed),
                    )
                )
                names = ", ".join(_FIELD_LABELS.get(k, k).lower() for k, _o, _n in changed)
                step = undo.step(f"Edited {names}")
                return Changes(leads=True, activities=True, undo=step)
        raise UserError("The lead kept changing while it was saved; nothing was saved. Try again.")

    def _write_edit(
        self, session: Session, lead: LeadRecord, changed: Mapping[str, str], now: datetime
    ) -> bool:
        """Write the changed fields on the condition that the lead is still at the version read;
        False when the database refused (someone committed a change in between)."""
        # The protected fields merged in SQL from the row as it is now (no read-modify-write).
        edited = json_set_with(LeadRecord.edited_fields, set(changed), self.dialect)
        done = session.execute(
            update(LeadRecord)
            .where(LeadRecord.id == lead.id, LeadRecord.version == lead.version)
            .values(**changed, edited_fields=edited, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def add_note(self, lead_id: int, text: str) -> Changes:
        if not text.strip():
            raise UserError("A note cannot be empty.")
        return self.log_activity(lead_id, ActivityKind.NOTE, body=text.strip())

    def reps(self) -> Sequence[str]:
        with self._sessions() as session:
            return list(session.scalars(select(RepRecord.name).order_by(RepRecord.name)))

    def distinct_values(self, column: str) -> list[str]:
        col = getattr(LeadRecord, column)
        with self._sessions() as session:
            return [v for v in session.scalars(select(col).distinct().order_by(col)) if v]


_FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "company": "Company",
    "title": "Title",
    "email": "Email",
    "phone": "Phone",
    "phone_ext": "Extension",
    "source": "Source",
    "product": "Product",
    "notes": "Notes",
    "tags": "Tags",
}


def edit_summary(changed: Sequence[tuple[str, str, str]]) -> str:
    """'Phone: +15550100001 → +15550100002 · Notes changed' for the timeline."""
    parts = []
    for key, old, new in changed:
        label = _FIELD_LABELS.get(key, key)
        if key == "notes" or len(old) + len(new) > 80:
            parts.append(f"{label} changed")
        else:
            parts.append(f"{label}: {old or '—'} → {new or '—'}")
    return " · ".join(parts)
