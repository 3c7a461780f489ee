"""Away reps: a rep marks themselves away (a manager marks anyone), so routing hands them nothing;
their open leads can go back to the queue or to another rep. The database decides who may: a rep
changes only their own flag and leads, and cannot hand a lead to someone else."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.domain import CLOSED_STATUSES
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError, is_locked
from repdesk.services.team.identity import IdentityService
from repdesk.store.errors import describe_database_error
from repdesk.store.models import LeadRecord, RepRecord


@dataclass(frozen=True)
class AwayResult:
    """What marking away (or back) did. `to`: who got the open leads ("" the queue), None when
    they stayed where they were; `lead_ids`: the leads handed over (an undo takes back those
    still unassigned)."""

    rep: str
    away: bool
    to: str | None = None
    lead_ids: tuple[int, ...] = field(default=())

    @property
    def changes(self) -> Changes:
        return Changes(reps=True, leads=bool(self.lead_ids))

    def describe(self) -> str:
        if not self.away:
            return f"{self.rep} is back: routing hands them leads again."
        said = f"{self.rep} is away: routing hands them no leads"
        count = len(self.lead_ids)
        if self.to is None or not count:
            return said + "."
        leads = f"{count} open lead{'s' if count != 1 else ''}"
        return said + (
            f"; {leads} went to {self.to}."
            if self.to
            else f"; {leads} {'is' if count == 1 else 'are'} in the queue."
        )

    def to_json(self) -> dict[str, Any]:
        return {"rep": self.rep, "away": self.away, "to": self.to, "lead_ids": list(self.lead_ids)}


class AwayService:
    def __init__(self, sessions: sessionmaker[Session], identity: IdentityService) -> None:
        self._sessions = sessions
        self._identity = identity

    def mark(
        self,
        away: bool,
        *,
        rep: str | None = None,
        hand_to: str | None = None,
        release: bool = False,
    ) -> AwayResult:
        """Mark `rep` (a login or a name; default: me) away or back, in one transaction with the
        hand-over of their open leads: to `hand_to` (a manager only), or to the queue (`release`).
        Nothing is changed when any part is refused."""
        if hand_to is not None and release:
            raise UserError("Hand the leads to a rep or release them to the queue, not both.")
        try:
            with self._sessions.begin() as session:
                target = self._rep(session, rep)
                done = session.execute(
                    update(RepRecord).where(RepRecord.id == target.id).values(away=away)
                ).rowcount  # type: ignore[attr-defined]
                if not done:  # the database's policy hid the row: a rep marking someone else
                    raise UserError(
                        f"Only a manager can mark {target.name} away or back; nothing was changed."
                    )
                if hand_to is None and not release:
                    return AwayResult(target.name, away)
                dest = self._rep(session, hand_to) if hand_to is not None else None
                if dest is not None and dest.id == target.id:
                    raise UserError(f"{target.name}'s leads cannot be handed to themselves.")
                ids = tuple(
                    session.scalars(
                        select(LeadRecord.id)
                        .where(
                            LeadRecord.owner_id == target.id,
                            LeadRecord.status.not_in(CLOSED_STATUSES),
                        )
                        .order_by(LeadRecord.id)
                    )
                )
                if ids:
                    session.execute(
                        update(LeadRecord)
                        .where(LeadRecord.id.in_(ids))
                        .values(owner_id=dest.id if dest else None)
                    )
                return AwayResult(target.name, away, dest.name if dest else "", ids)
        except SQLAlchemyError as exc:
            if hand_to is not None and "row-level security" in str(exc):
                raise UserError(
                    "Only a manager can hand leads to another rep; nothing was changed "
                    "(release them to the queue instead)."
                ) from None
            if is_locked(exc):
                raise  # an import holds SQLite's write lock: nothing changed, the window waits
            raise UserError(describe_database_error(exc)) from None

    def open_lead_count(self, rep: str | None = None) -> int:
        """How many open leads `rep` (default: me) owns: what going away could hand over."""
        with self._sessions() as session:
            target = self._rep(session, rep)
            return int(
                session.scalar(
                    select(func.count(LeadRecord.id)).where(
                        LeadRecord.owner_id == target.id,
                        LeadRecord.status.not_in(CLOSED_STATUSES),
                    )
                )
                or 0
            )

    def take_back(self, lead_ids: Collection[int]) -> int:
        """Undo a release to the queue: the leads nobody took meanwhile are mine again."""
        me = self._identity.me().rep_id
        if me is None or not lead_ids:
            return 0
        with self._sessions.begin() as session:
            done = session.execute(
                update(LeadRecord)
                .where(LeadRecord.id.in_(list(lead_ids)), LeadRecord.owner_id.is_(None))
                .values(owner_id=me)
            ).rowcount  # type: ignore[attr-defined]
        return int(done or 0)

    def _rep(self, session: Session, who: str | None) -> RepRecord:
        if who is None:
            me = self._identity.me().rep_id
            found = session.get(RepRecord, me) if me is not None else None
            if found is None:
                raise UserError("Name the rep (--rep LOGIN): you are signed in without a rep.")
            return found
        found = session.scalars(
            select(RepRecord).where(
                (RepRecord.login == who)
                | (func.lower(RepRecord.name) == " ".join(who.split()).lower())
            )
        ).first()
        if found is None:
            raise UserError(f"There is no rep with the login or name {who!r}.")
        return found
