"""One queue for a team: claiming an unassigned lead atomically, and who is on a call with which
lead (markers by the database's clock that expire by themselves)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BigInteger, delete, func, literal, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from repdesk.services.common.errors import UserError
from repdesk.services.team.identity import IdentityService
from repdesk.store.errors import describe_database_error
from repdesk.store.models import CallMarkerRecord, LeadRecord, RepRecord

#: How long a call marker lasts unless its client renews it (a crashed client's call ends by
#: itself within this); a client renews it every third of its lease (TeamQueue.heartbeat_ms).
CALL_LEASE_MS = 45_000


class ClaimedError(UserError):
    """Another rep owns the lead (or won the race to claim it)."""

    def __init__(self, message: str, owner: str) -> None:
        super().__init__(message)
        self.owner = owner


class OnCallError(UserError):
    """Someone else is on a call with the lead now; the UI asks before starting another."""

    def __init__(self, message: str, who: str) -> None:
        super().__init__(message)
        self.who = who


@dataclass(frozen=True)
class OnCall:
    lead_id: int
    rep_id: int | None
    who: str  # the rep's name, or the login when it has no rep
    started_ms: int
    mine: bool
    expires_in_ms: int = 0  # by the database's clock, when it was read


def _now_ms(session: Session) -> ColumnElement[int]:
    """The database's clock in milliseconds: every client judges expiry by the same clock."""
    if session.get_bind().dialect.name == "postgresql":
        sql = "(extract(epoch from clock_timestamp()) * 1000)::bigint"
    else:
        sql = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
    return literal_column(sql, BigInteger)


class TeamQueue:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        identity: IdentityService,
        *,
        lease_ms: int = CALL_LEASE_MS,
    ) -> None:
        """`lease_ms`: how long my call markers last unless renewed (tests set a short one)."""
        self._sessions = sessions
        self._identity = identity
        self.lease_ms = lease_ms

    @property
    def is_team(self) -> bool:
        """Others may be on calls (a team database); a solo file has nobody else to show."""
        return self._identity.me().is_team

    @property
    def heartbeat_ms(self) -> int:
        """How often a client on a call renews its marker: three times per lease."""
        return max(1, self.lease_ms // 3)

    # -- claims ----------------------------------------------------------------------------------
    def claim_in(self, session: Session, lead: LeadRecord) -> bool:
        """Make an unassigned lead mine inside the caller's transaction (True when it did). Two
        reps racing: the database serialises the conditional UPDATE, exactly one matches a row,
        the other is told who won. A rep starting work on another rep's lead is refused."""
        me = self._identity.me()
        if me.rep_id is None or lead.owner_id == me.rep_id:
            return False
        if lead.owner_id is None:
            result = session.execute(
                update(LeadRecord)
                .where(LeadRecord.id == lead.id, LeadRecord.owner_id.is_(None))
                .values(owner_id=me.rep_id)
                .execution_options(synchronize_session=False)
            )
            won = cast("CursorResult[Any]", result).rowcount
            if won == 1:
                lead.owner_id = me.rep_id  # what the row now holds (the ORM flushes nothing new)
                session.flush()
                return True
            owner_id = session.scalar(select(LeadRecord.owner_id).where(LeadRecord.id == lead.id))
            if owner_id == me.rep_id:
                return False
        else:
            owner_id = lead.owner_id
        if me.role != "rep":
            return False  # a manager may work anyone's lead without taking it
        name = (
            session.scalar(select(RepRecord.name).where(RepRecord.id == owner_id)) or "Another rep"
        )
        raise ClaimedError(f"{name} has this lead now; only they or a manager can work it.", name)

    def claim(self, lead_id: int) -> bool:
        with self._sessions.begin() as session:
            lead = session.get(LeadRecord, lead_id)
            if lead is None:
                raise UserError(f"There is no lead with id {lead_id}.")
            return self.claim_in(session, lead)

    # -- calls -----------------------------------------------------------------------------------
    def start_call(self, lead_id: int, *, anyway: bool = False) -> None:
        """Claim the lead (when unassigned) and mark that I am on a call with it. Someone else on
        a call with it: OnCallError, unless `anyway` (the rep was asked and said go ahead)."""
        me = self._identity.me()
        with self._sessions.begin() as session:
            lead = session.get(LeadRecord, lead_id)
            if lead is None:
                raise UserError(f"There is no lead with id {lead_id}.")
            self.claim_in(session, lead)
            now = _now_ms(session)
            login = func.current_user() if me.is_team else literal("")
            values = {
                "lead_id": lead_id,
                "rep_id": me.rep_id,
                "login": login,
                "started_ms": now,
                "heartbeat_ms": now,
                "expires_ms": now + self.lease_ms,
            }
            dialect = session.get_bind().dialect.name
            insert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
            stmt: Any = insert(CallMarkerRecord).values(values)
            taken = CallMarkerRecord.expires_ms <= now
            if me.is_team:
                taken = taken | (CallMarkerRecord.login == func.current_user())
            else:
                taken = taken | (CallMarkerRecord.login == "")
            if anyway:
                taken = literal(True)
            stmt = stmt.on_conflict_do_update(
                index_elements=[CallMarkerRecord.lead_id],
                set_={
                    k: stmt.excluded[k]
                    for k in ("rep_id", "login", "started_ms", "heartbeat_ms", "expires_ms")
                },
                where=taken,
            ).returning(CallMarkerRecord.lead_id)
            if session.execute(stmt).first() is None:
                other = self._on_call_in(session, [lead_id]).get(lead_id)
                who = other.who if other else "Someone"
                raise OnCallError(f"{who} is on a call with this lead now.", who)

    def heartbeat(self, lead_id: int) -> None:
        """Renew my marker's lease (every heartbeat_ms while the call lasts; off the GUI thread).
        The others are not told: nothing they see changes."""
        with self._sessions.begin() as session:
            now = _now_ms(session)
            session.execute(
                update(CallMarkerRecord)
                .where(CallMarkerRecord.lead_id == lead_id, self._mine())
                .values(heartbeat_ms=now, expires_ms=now + self.lease_ms)
            )

    def end_call(self, lead_id: int) -> None:
        """Take my marker away (the others are told); UserError when the database cannot be
        reached (the lease then ends it)."""
        try:
            with self._sessions.begin() as session:
                session.execute(
                    delete(CallMarkerRecord).where(
                        CallMarkerRecord.lead_id == lead_id, self._mine()
                    )
                )
        except SQLAlchemyError as exc:
            raise UserError(describe_database_error(exc)) from None

    def on_calls(self, lead_ids: list[int] | None = None) -> dict[int, OnCall]:
        """Live markers (of these leads, or all), by lead."""
        with self._sessions() as session:
            return self._on_call_in(session, lead_ids)

    def _mine(self) -> ColumnElement[bool]:
        if self._identity.me().is_team:
            return CallMarkerRecord.login == func.current_user()
        return CallMarkerRecord.login == ""

    def _on_call_in(self, session: Session, lead_ids: list[int] | None) -> dict[int, OnCall]:
        me = self._identity.me()
        now = _now_ms(session)
        stmt = (
            select(CallMarkerRecord, RepRecord.name, CallMarkerRecord.expires_ms - now)
            .outerjoin(RepRecord, RepRecord.id == CallMarkerRecord.rep_id)
            .where(CallMarkerRecord.expires_ms > now)
        )
        if lead_ids is not None:
            stmt = stmt.where(CallMarkerRecord.lead_id.in_(lead_ids))
        found = {}
        for marker, name, left in session.execute(stmt):
            found[marker.lead_id] = OnCall(
                marker.lead_id,
                marker.rep_id,
                name or marker.login or "Someone",
                marker.started_ms,
                marker.login == me.login,
                int(left),
            )
        return found
