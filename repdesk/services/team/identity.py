"""Who am I on this database, and what may I do: the rep of the PostgreSQL login, by its role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.store import team_roles
from repdesk.store.models import LeadRecord, RepRecord


@dataclass(frozen=True)
class Me:
    """The signed-in person. `role`: "solo" (a one-person SQLite file: one implicit me who may do
    everything), "owner" (the database's owner), "manager", "rep", or "guest" (a login in neither
    group: the database lets it do nothing)."""

    role: str
    login: str = ""
    rep_id: int | None = None
    rep_name: str = ""

    @property
    def may_manage(self) -> bool:
        """May change question sets, rules, templates, reps, capacity, sources and settings."""
        return self.role in ("solo", "owner", "manager")

    @property
    def is_team(self) -> bool:
        return self.role != "solo"

    def writable_leads(self) -> ColumnElement[bool] | None:
        """Which leads this login may change (None: all). Background chores (re-qualify steps)
        only try those; the database is what refuses the rest."""
        if self.role == "rep":
            return LeadRecord.owner_id.is_(None) | (LeadRecord.owner_id == self.rep_id)
        if self.role == "guest":
            return false()
        return None

    def describe(self) -> str:
        """What the window title and status bar say: "Ann Lee (ann, rep)"."""
        if not self.is_team:
            return ""
        who = self.rep_name or self.login
        return f"{who} ({self.login}, {self.role})" if self.rep_name else f"{who} ({self.role})"


SOLO = Me("solo")


def who_am_i(session: Session) -> Me:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return SOLO
    login = str(session.scalar(text("SELECT current_user")))
    rep = session.execute(
        select(RepRecord.id, RepRecord.name).where(RepRecord.login == login)
    ).first()
    role = team_roles.role_of(session.connection(), login)
    if not role:
        owns = team_roles.is_owner(session.connection())
        role = "owner" if owns else "guest"
    return Me(role, login, int(rep.id) if rep else None, rep.name if rep else "")


class IdentityService:
    """Asks the database once per connection set-up; the answer does not change while signed in."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._me: Me | None = None

    def me(self) -> Me:
        if self._me is None:
            with self._sessions() as session:
                self._me = who_am_i(session)
        return self._me

    def set_away(self, away: bool, rep_id: int | None = None) -> Changes:
        """Mark a rep away (routing hands them nothing) or back; default: me. A rep may mark
        only themselves (the database's policy), a manager anyone."""
        target = self.me().rep_id if rep_id is None else rep_id
        if target is None:
            raise UserError("Name the rep to mark away: you are signed in without a rep.")
        with self._sessions.begin() as session:
            changed = session.execute(
                update(RepRecord).where(RepRecord.id == target).values(away=away)
            ).rowcount  # type: ignore[attr-defined]
        if not changed:
            raise UserError("Only a manager can mark another rep away; nothing was changed.")
        return Changes(reps=True)
