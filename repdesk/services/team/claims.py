"""One queue for a team: claiming an unassigned lead atomically, and who is on a call with which
lead (markers by the database's clock that expire by themselves)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, delete, func, literal, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement

from repdesk.services.common.errors import UserError, database_sentence
from repdesk.services.team.identity import IdentityService
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
        importing_here: Callable[[], bool] = lambda: False,
    ) -> None:
        """`lease_ms`: how long my call markers last unless renewed (tests set a short one);
        `importing_here`: services.imports.importing_here (a lock met is then this program's own
        import's, and the refusal says so instead of blaming another program)."""
        self._sessions = sessions
        self._identity = identity
        self.lease_ms = lease_ms
        self._importing_here = importing_here

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
        if lead.owner_id is not None and me.role != "rep":
            return False  # a manager may work anyone's lead without taking it
        if lead.owner_id is None and self._take(session, lead.id, me.rep_id):
            # What the row now holds, without the ORM writing it a second time.
            set_committed_value(lead, "owner_id", me.rep_id)
            return True
        return self._refuse_unless_mine(session, lead.id)

    def claim(self, lead_id: int) -> bool:
        """claim_in in a transaction of its own: one conditional UPDATE when the lead was free,
        and one read of who has it when it was not."""
        me = self._identity.me()
        try:
            with self._sessions.begin() as session:
                if me.rep_id is not None and self._take(session, lead_id, me.rep_id):
                    return True
                return self._refuse_unless_mine(session, lead_id)
        except SQLAlchemyError as exc:
            raise self._refused(exc) from None

    def _refused(self, exc: SQLAlchemyError) -> UserError:
        """A database error as the one sentence a claim or a call marker says (nothing changed)."""
        return UserError(database_sentence(exc, self._importing_here))

    @staticmethod
    def _take(session: Session, lead_id: int, rep_id: int) -> bool:
        """The conditional UPDATE that claims a free lead: True when this one won it."""
        won = session.execute(
            update(LeadRecord)
            .where(LeadRecord.id == lead_id, LeadRecord.owner_id.is_(None))
            .values(owner_id=rep_id)
            .returning(LeadRecord.id)
            .execution_options(synchronize_session=False)
        ).first()
        return won is not None

    def _refuse_unless_mine(self, session: Session, lead_id: int) -> bool:
        """The lead was not free (or not any more): False when it is mine or a manager may work
        it, else ClaimedError naming who has it."""
        me = self._identity.me()
        row = session.execute(
            select(LeadRecord.owner_id, RepRecord.name)
            .outerjoin(RepRecord, RepRecord.id == LeadRecord.owner_id)
            .where(LeadRecord.id == lead_id)
        ).first()
        if row is None:
            raise UserError(f"There is no lead with id {lead_id}.")
        owner_id, name = row
        if me.rep_id is None or owner_id == me.rep_id or me.role != "rep":
            return False  # nobody to claim for; mine already; a manager works anyone's lead
        if owner_id is None:
            return False  # freed again meanwhile: nobody's to refuse (the next action claims it)
        name = name or "Another rep"
        raise ClaimedError(f"{name} has this lead now; only they or a manager can work it.", name)

    # -- calls -----------------------------------------------------------------------------------
    def start_call(self, lead_id: int, *, anyway: bool = False) -> None:
        """Claim the lead (when unassigned) and mark that I am on a call with it. Someone else on
        a call with it: OnCallError, unless `anyway` (the rep was asked and said go ahead)."""
        try:
            self._start_call(lead_id, anyway)
        except SQLAlchemyError as exc:
            raise self._refused(exc) from None

    def _start_call(self, lead_id: int, anyway: bool) -> None:
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
            raise self._refused(exc) from None

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
