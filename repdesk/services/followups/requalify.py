"""Re-qualification of expired verdicts: each open lead whose qualification expired gets one
re-qualify step (once per expiry), planned by the service layer, not by a page of the GUI.

The check runs when a workspace loads, before the follow-up list, the export and the report, and
hourly while the app is open. It reads only verdicts that expired since the last check (a
watermark in the settings table, ix_leads_qualification_expires), so a workspace with years of
expired, already asked verdicts pays for none of them; a lead that changes (reopened, mark
cleared) is looked at on its own by `requalify_hook`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.business_hours import next_business_time
from repdesk.core.domain import CLOSED_STATUSES
from repdesk.services.followups.followup_planner import FollowUpPlanner, needs_step
from repdesk.store.models import FollowUpRecord, LeadRecord, SettingRecord
from repdesk.store.types import UTCTime

REQUALIFY_NOTE = "Re-qualify: the last qualification expired"
#: The settings row holding the time the last check looked up to (ISO 8601, UTC).
WATERMARK_KEY = "requalified_through"
#: Verdicts that expired this long before the last check are looked at again: a team's computers'
#: clocks differ, and a check may run while a qualification is being saved.
SLACK = timedelta(days=1)
#: A check that found nothing moves the watermark at most this often (readers rarely write).
WRITE_EVERY = timedelta(hours=1)


def _asked(lead_id: object, expires: object) -> ColumnElement[bool]:
    return exists().where(
        FollowUpRecord.lead_id == lead_id,
        FollowUpRecord.note == REQUALIFY_NOTE,
        FollowUpRecord.due_at >= expires,
    )


def expired_verdicts(
    now: datetime | BindParameter[Any], since: datetime | BindParameter[Any] | None = None
) -> ColumnElement[bool]:
    """Open, contactable leads whose verdict expired in (since, now] and who were not asked."""
    # The range on qualification_expires_at reads ix_leads_qualification_expires (0005): only
    # leads ever qualified, and only those whose verdict expired in the range.
    clause = (
        (LeadRecord.qualification_expires_at <= now)
        & LeadRecord.status.not_in(CLOSED_STATUSES)
        & LeadRecord.do_not_contact.is_(False)
        & ~_asked(LeadRecord.id, LeadRecord.qualification_expires_at)
    )
    if since is not None:
        clause &= LeadRecord.qualification_expires_at > since
    return clause


# Built once, run with parameters: building the expression costs more than the indexed read.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # "since" when nothing was checked before
_WHERE = expired_verdicts(bindparam("now", type_=UTCTime()), bindparam("since", type_=UTCTime()))
_LOOK = select(LeadRecord.id).where(_WHERE).limit(1)
_LEADS = select(LeadRecord).where(_WHERE)


class Requalifier:
    """The check, remembering the watermark it last read or wrote: another computer of a team only
    moves it forward, so a remembered one is at most too early (a wider look, never a verdict
    missed), and a check that finds nothing then costs one indexed read."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        planner: FollowUpPlanner,
        writable: Callable[[], ColumnElement[bool] | None] = lambda: None,
    ) -> None:
        """`writable`: the leads the signed-in login may change (a team's rep: their own and
        unassigned ones); such a check leaves the others' leads, and the shared watermark, to
        the clients of those who may change them."""
        self._sessions = sessions
        self._planner = planner
        self._writable = writable
        self._through: datetime | None = None

    def plan(self, now: datetime) -> int:
        """Plan the re-qualify steps due by `now`; the number of leads that got one.

        A look without a write transaction first: mostly there is nothing to do, and a reader (the
        follow-up list, a report) then takes no write lock.
        """
        only = self._writable()
        look, load = (_LOOK, _LEADS) if only is None else (_LOOK.where(only), _LEADS.where(only))
        with self._sessions() as session:
            stored = self._through or _watermark(session)
            since = None if stored is None else min(stored, now) - SLACK
            bounds = {"now": now, "since": since or _EPOCH}
            found = session.scalar(look, bounds) is not None
        self._through = stored
        if not found and stored is not None and now - stored < WRITE_EVERY:
            return 0
        count = 0
        if found:
            with self._sessions.begin() as session:
                leads = list(session.scalars(load, bounds))
                due = next_business_time(now, self._planner.hours).astimezone(UTC)
                for lead in leads:
                    self._planner.sync(session, lead, now, first_due=due, note=REQUALIFY_NOTE)
                count = len(leads)
        if only is not None:
            return count  # looked at a part only: the watermark is not this check's to move
        through = now if stored is None else max(stored, now)
        _advance_watermark(self._sessions, through)
        self._through = through
        return count


def plan_requalifications(
    sessions: sessionmaker[Session], planner: FollowUpPlanner, now: datetime
) -> int:
    """One check, reading the watermark from the database (see Requalifier)."""
    return Requalifier(sessions, planner).plan(now)


def _advance_watermark(sessions: sessionmaker[Session], through: datetime) -> None:
    """Remember that the check looked up to `through` (its own transaction, after the steps)."""
    try:
        with sessions.begin() as session:
            session.merge(
                SettingRecord(key=WATERMARK_KEY, value=through.astimezone(UTC).isoformat())
            )
    except IntegrityError:
        # Another computer of the team wrote the first watermark at the same moment: its check
        # covered the same time; the next check starts from that one.
        pass


def requalify_hook(
    planner: FollowUpPlanner,
) -> Callable[[Session, LeadRecord, datetime], None]:
    """A LeadService hook: a lead that changed and whose verdict expired unasked gets its
    re-qualify step now (a lead reopened, or whose do-not-contact mark was cleared, after its
    verdict expired)."""

    def hook(session: Session, lead: LeadRecord, now: datetime) -> None:
        expires = lead.qualification_expires_at
        if expires is None or expires > now or not needs_step(lead):
            return
        if session.scalar(select(_asked(lead.id, expires))):
            return
        due = next_business_time(now, planner.hours).astimezone(UTC)
        planner.sync(session, lead, now, first_due=due, note=REQUALIFY_NOTE)

    return hook


def _watermark(session: Session) -> datetime | None:
    record = session.get(SettingRecord, WATERMARK_KEY)
    if record is None or not isinstance(record.value, str):
        return None
    try:
        moment = datetime.fromisoformat(record.value)
    except ValueError:
        return None  # unreadable: look at every expired verdict once more
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
