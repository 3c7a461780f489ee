"""Setting up a team database: `repdesk team init`, `add-rep` and `list` (run by the owner)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from repdesk.services.common.errors import UserError
from repdesk.services.script.script_service import ScriptService
from repdesk.services.team.rep_service import MAX_CAPACITY
from repdesk.store import team_roles
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.errors import StoreError, describe_database_error
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import ensure_schema
from repdesk.store.models import RepRecord
from repdesk.store.sqlite_file import sqlite_path

_LOGIN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIN_PASSWORD = 8
DEFAULT_CAPACITY = 40


@dataclass(frozen=True)
class TeamMember:
    """One rep of the team as `repdesk team list` shows it."""

    id: int
    name: str
    login: str
    role: str  # "manager", "rep", or "" (no login: a rep of the solo file, or a removed login)
    monthly_capacity: int
    away: bool
    active: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def _team_engine(url: str) -> Iterator[Engine]:
    url = resolve_url(url)
    if sqlite_path(url) is not None:
        raise UserError("A team database is a PostgreSQL server (postgresql://…), not a file.")
    engine = make_engine(url)
    try:
        yield engine
    except SQLAlchemyError as exc:
        raise StoreError(describe_database_error(exc)) from exc
    finally:
        engine.dispose()


def init_team(url: str) -> None:
    """Migrate the schema, create the group roles, apply privileges and policies (harmless to
    run again: it converges to the same state)."""
    with _team_engine(url) as engine:
        ensure_schema(engine)
        with engine.begin() as conn:
            _require_owner(conn)
            team_roles.create_groups(conn)
            team_roles.apply_privileges(conn)
        # The shipped question sets and rules, stored by the owner: reps may not write them, so
        # the first rep to start a call must find them there.
        ScriptService(make_session_factory(engine), lambda: datetime.now(UTC)).current()


def validate_login(login: str) -> str:
    if not _LOGIN.match(login):
        raise UserError(
            f"{login!r} cannot be a login: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit)."
        )
    if login.startswith(("pg_", "repdesk_")) or login in ("public", "postgres"):
        raise UserError(f"{login!r} is reserved; choose another login.")
    return login


def add_rep(
    url: str,
    *,
    name: str,
    login: str,
    password: str,
    manager: bool = False,
    capacity: int | None = None,
) -> TeamMember:
    """Create the login role in the manager or rep group and the rep linked to it, in one
    transaction. A rep of that name without a login (from a solo file) is linked, not doubled."""
    login = validate_login(login)
    clean_name = " ".join(name.split())
    if not clean_name:
        raise UserError("A rep needs a name.")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"The password needs at least {MIN_PASSWORD} characters.")
    if capacity is not None and not 0 <= capacity <= MAX_CAPACITY:
        raise UserError(f"Monthly capacity must be between 0 and {MAX_CAPACITY:,}.")
    group = team_roles.MANAGER if manager else team_roles.REP
    with _team_engine(url) as engine:
        ensure_schema(engine)
        with engine.begin() as conn:
            _require_owner(conn)
            if not team_roles.is_team_database(conn):
                raise UserError(
                    "This database is not set up for a team yet: run `repdesk team init`."
                )
            if conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :l"), {"l": login}):
                raise UserError(f"A PostgreSQL login named {login!r} already exists.")
            session = Session(bind=conn)
            if session.scalar(select(RepRecord.id).where(RepRecord.login == login)) is not None:
                raise UserError(f"A rep with the login {login!r} already exists.")
            record = session.scalar(
                select(RepRecord).where(func.lower(RepRecord.name) == clean_name.lower())
            )
            if record is not None and record.login:
                raise UserError(f"There is already a rep named {clean_name!r} ({record.login}).")
            team_roles.create_login(conn, login, password, group)
            if record is None:
                record = RepRecord(
                    name=clean_name,
                    monthly_capacity=DEFAULT_CAPACITY if capacity is None else capacity,
                )
                session.add(record)
            elif capacity is not None:
                record.monthly_capacity = capacity
            record.login = login
            session.flush()
            member = _member(conn, record)
            session.close()
            return member


def list_team(url: str) -> list[TeamMember]:
    with _team_engine(url) as engine:
        ensure_schema(engine)
        with engine.connect() as conn:
            records = Session(bind=conn).scalars(
                select(RepRecord).order_by(func.lower(RepRecord.name))
            )
            return [_member(conn, r) for r in records]


def _member(conn: Connection, record: RepRecord) -> TeamMember:
    return TeamMember(
        id=int(record.id),
        name=record.name,
        login=record.login or "",
        role=team_roles.role_of(conn, record.login) if record.login else "",
        monthly_capacity=record.monthly_capacity,
        away=bool(record.away),
        active=bool(record.active),
    )


def _require_owner(conn: Connection) -> None:
    owner = team_roles.is_owner(conn)
    if not owner:
        raise UserError("Only the owner of the team database can set it up; connect as the owner.")
