"""Reading leads: lists and searches streamed a page at a time, the `leads --json` objects, one
lead's detail with its timeline and its steps (LeadService's reading half)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from repdesk.core.domain import LeadStatus
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.services.common.keyset import keyset_rows
from repdesk.services.leads.lead_history import lead_history
from repdesk.services.leads.lead_rows import (
    LEAD_FIELDS,
    ActivityRow,
    LeadDetail,
    LeadSummary,
    StepRow,
    lead_json,
)
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord, RepRecord
from repdesk.store.search import apply_search

_Owner = aliased(RepRecord)
#: What `leads --json` adds to each lead's fields: what an import kept of it.
_IMPORT_KEPT = (
    LeadRecord.tags,
    LeadRecord.message,
    LeadRecord.extra,
    LeadRecord.phones,
    LeadRecord.phone_ext,
)


_SUMMARY_COLUMNS = [
    _Owner.name.label("owner") if name == "owner" else getattr(LeadRecord, name)
    for name in LEAD_FIELDS
]


def summary_rows_select() -> Select[Any]:
    """Only the columns a LeadSummary needs, in its field order, as plain rows (lists of
    thousands stay cheap)."""
    return select(*_SUMMARY_COLUMNS).outerjoin(_Owner, LeadRecord.owner_id == _Owner.id)


def row_summary(row: Any) -> LeadSummary:
    """A LeadSummary from a summary_rows_select() row (its columns are in field order)."""
    return LeadSummary(*row)


def parse_status(text: str) -> LeadStatus:
    """The status named `text`; UserError with the choices when there is none of that name."""
    try:
        return LeadStatus(text)
    except ValueError:
        choices = ", ".join(s.value for s in LeadStatus)
        raise UserError(f"Unknown status {text!r}; use one of {choices}.") from None


class LeadQueries:
    """What LeadService reads (it holds `_sessions`)."""

    _sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        bind = self._sessions.kw["bind"]
        return str(bind.dialect.name)

    # -- reading ---------------------------------------------------------------------------------
    def list_leads(
        self, *, status: str | None = None, search: str | None = None, limit: int | None = None
    ) -> list[LeadSummary]:
        return list(self.stream_leads(status=status, search=search, limit=limit))

    def stream_leads(
        self,
        *,
        status: str | None = None,
        search: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> Iterator[LeadSummary]:
        """Leads newest first (received time, then id), read a page at a time as they are
        consumed: a million leads stream in flat memory."""
        for row in self._stream_rows(status, search, offset, limit):
            yield row_summary(row)

    def stream_leads_json(
        self,
        *,
        status: str | None = None,
        search: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The `leads --json` objects of stream_leads(), made straight from the rows, plus what an
        import kept of each lead (tags, message, the extra fields kept as written, every phone with
        its kind, the main phone's extension)."""
        n = len(LEAD_FIELDS)
        for row in self._stream_rows(status, search, offset, limit, _IMPORT_KEPT):
            data = lead_json(tuple(row[:n]))
            tags, message, extra, phones, phone_ext = row[n:]
            data["phone_ext"] = phone_ext
            data.update(
                tags=tags or "",  # as `lead show --json` gives them: "a, b, check phone"
                message=message,
                extra=dict(extra or {}),
                phones=list(phones or []),
            )
            yield data

    def _stream_rows(
        self,
        status: str | None,
        search: str | None,
        offset: int,
        limit: int | None,
        more: tuple[Any, ...] = (),
    ) -> Iterator[Any]:
        """LEAD_FIELDS' values of each lead, then the `more` columns."""
        if status is not None:
            parse_status(status)
        stmt = summary_rows_select().add_columns(*more) if more else summary_rows_select()
        if status:
            stmt = stmt.where(LeadRecord.status == status)
        stmt = apply_search(stmt, self.dialect, search)
        received = LEAD_FIELDS.index("received_at")
        with self._sessions() as session:
            yield from keyset_rows(
                session,
                stmt,
                (LeadRecord.received_at, LeadRecord.id),
                key=lambda r: (r[received], r[0]),
                descending=True,
                offset=offset,
                limit=limit,
            )

    def count(self) -> int:
        with self._sessions() as session:
            return int(session.scalar(select(func.count(LeadRecord.id))) or 0)

    def detail(self, lead_id: int) -> LeadDetail:
        with self._sessions() as session:
            row = session.execute(summary_rows_select().where(LeadRecord.id == lead_id)).first()
            lead = session.get(LeadRecord, lead_id)
            if row is None or lead is None:
                raise NotFoundError(f"There is no lead with id {lead_id}.")
            acts = session.execute(
                select(ActivityRecord, _Owner.name)
                .outerjoin(_Owner, _Owner.id == ActivityRecord.rep_id)
                .where(ActivityRecord.lead_id == lead_id)
                .order_by(ActivityRecord.occurred_at.desc(), ActivityRecord.id.desc())
            )
            return LeadDetail(
                lead=row_summary(row),
                message=lead.message,
                tags=lead.tags,
                extra=dict(lead.extra or {}),
                qualification_expires_at=lead.qualification_expires_at,
                email_opens=lead.email_opens,
                email_clicks=lead.email_clicks,
                site_visits=lead.site_visits,
                activities=[
                    ActivityRow(
                        a.id, a.kind, a.outcome, a.occurred_at, a.body, a.duration_seconds, by or ""
                    )
                    for a, by in acts
                ],
                history=lead_history(session, lead_id),
                version=lead.version,
                phones=list(lead.phones or []),
                phone_ext=lead.phone_ext or "",
            )

    def steps(self, lead_id: int) -> list[StepRow]:
        """Every follow-up of the lead (pending, done and cancelled), earliest due first."""
        with self._sessions() as session:
            self._lead(session, lead_id)
            return [
                StepRow(
                    f.id,
                    f.due_at,
                    f.kind,
                    f.note,
                    f.status,
                    f.cadence,
                    f.outcome,
                    f.done_at,
                    f.cancelled_at,
                )
                for f in session.scalars(
                    select(FollowUpRecord)
                    .where(FollowUpRecord.lead_id == lead_id)
                    .order_by(FollowUpRecord.due_at, FollowUpRecord.id)
                )
            ]

    def _lead(self, session: Session, lead_id: int) -> LeadRecord:
        lead = session.get(LeadRecord, lead_id)
        if lead is None:
            raise NotFoundError(f"There is no lead with id {lead_id}.")
        return lead
