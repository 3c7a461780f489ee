"""The team's permissions are PostgreSQL's own: each test connects as a real rep or manager login
with its password and runs raw SQL, as a rep in psql would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import select

from repdesk.services.team.away import AwayService
from repdesk.services.team.identity import IdentityService
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.errors import describe_database_error
from repdesk.store.models import LeadHistoryRecord, LeadRecord
from tests.fixtures.team import Team

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def as_login(team: Team, who: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(_libpq(team.url_for(who)), autocommit=True) as conn:
        yield conn


def _lead(team: Team, owner: str | None, name: str = "Pat") -> int:
    sessions = make_session_factory(make_engine(team.owner_url))
    with sessions.begin() as session:
        record = LeadRecord(
            first_name=name,
            owner_id=team.rep_ids[owner] if owner else None,
            received_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(record)
        session.flush()
        return int(record.id)


def _refused(conn: psycopg.Connection, sql: str, *params: object) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(sql, params)
    return str(caught.value.diag.message_primary)


def test_a_login_needs_its_password(team: Team) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(_libpq(team.url_for("ann", password="wrong-password")))
    engine = make_engine(team.url_for("ann", password="wrong-password"))
    with pytest.raises(Exception) as caught:
        engine.connect()
    assert describe_database_error(caught.value) == (
        "The database refused the login or its password; check them and sign in again."
    )


def test_who_am_i_is_the_rep_of_the_login(team: Team) -> None:
    for who, role in (("ann", "rep"), ("mia", "manager")):
        me = IdentityService(make_session_factory(make_engine(team.url_for(who)))).me()
        assert (me.role, me.login, me.rep_id) == (role, team.logins[who], team.rep_ids[who])
        assert me.may_manage is (role == "manager")
    owner = IdentityService(make_session_factory(make_engine(team.owner_url))).me()
    assert (owner.role, owner.rep_id, owner.may_manage) == ("owner", None, True)


def test_a_rep_changes_own_and_unassigned_leads_only(team: Team) -> None:
    mine, bens, free = _lead(team, "ann"), _lead(team, "ben"), _lead(team, None)
    with as_login(team, "ann") as conn:
        assert conn.execute("SELECT count(*) FROM leads").fetchone() == (3,)  # reads everyone's
        conn.execute("UPDATE leads SET notes = 'called' WHERE id = %s", (mine,))
        message = _refused(conn, "UPDATE leads SET notes = 'mine now' WHERE id = %s", bens)
        assert (
            message == f"Lead {bens} belongs to Ben Okafor; only they or a manager can change it."
        )
        _refused(conn, "UPDATE leads SET owner_id = %s WHERE id = %s", team.rep_ids["ann"], bens)
        _refused(conn, "DELETE FROM leads WHERE id = %s", bens)
        # Claiming an unassigned lead is allowed; handing one to someone else is not.
        conn.execute("UPDATE leads SET owner_id = %s WHERE id = %s", (team.rep_ids["ann"], free))
        _refused(conn, "UPDATE leads SET owner_id = %s WHERE id = %s", team.rep_ids["ben"], mine)
        _refused(
            conn,
            "INSERT INTO leads (first_name, owner_id, received_at, created_at, updated_at, "
            "status, journey_stage) VALUES ('X', %s, 0, 0, 0, 'new', 'awareness')",
            team.rep_ids["ben"],
        )
        # What hangs on a lead follows the lead.
        activity = (
            "INSERT INTO activities (lead_id, kind, occurred_at, body, rep_id) "
            "VALUES (%s, 'note', 0, 'hi', %s)"
        )
        conn.execute(activity, (mine, team.rep_ids["ann"]))
        _refused(conn, activity, bens, team.rep_ids["ann"])
    with make_session_factory(make_engine(team.owner_url))() as session:
        notes = dict(session.execute(select(LeadRecord.id, LeadRecord.notes)).all())
        owners = dict(session.execute(select(LeadRecord.id, LeadRecord.owner_id)).all())
    assert notes[mine] == "called" and notes[bens] == ""
    assert owners == {
        mine: team.rep_ids["ann"],
        bens: team.rep_ids["ben"],
        free: team.rep_ids["ann"],
    }


def test_a_rep_cannot_change_the_script_rules_templates_reps_sources_or_settings(
    team: Team,
) -> None:
    with as_login(team, "ann") as conn:
        for sql in (
            "UPDATE question_sets SET name = 'mine'",
            "INSERT INTO question_sets (key, kind, name, version, questions, created_at) "
            "VALUES ('core', 'core', 'x', 99, '[]', 0)",
            "UPDATE rule_sets SET version = version",
            "DELETE FROM email_templates",
            "DELETE FROM sources",
            "INSERT INTO settings (key, value) VALUES ('x', '1')",
            "INSERT INTO lead_history (lead_id, field, login, changed_at) VALUES (1, 'x', '', 0)",
        ):
            assert "permission denied" in _refused(conn, sql)
        _refused(conn, "UPDATE reps SET monthly_capacity = 999 WHERE login = current_user")
        # Away is theirs to set, for themselves only.
        conn.execute("UPDATE reps SET away = true WHERE login = current_user")
        other = conn.execute("UPDATE reps SET away = true WHERE id = %s", (team.rep_ids["ben"],))
        assert other.rowcount == 0
        assert conn.execute(
            "SELECT login, away FROM reps WHERE login IS NOT NULL ORDER BY name"
        ).fetchall() == [
            (team.logins["ann"], True),
            (team.logins["ben"], False),
            (team.logins["mia"], False),
        ]


def test_a_manager_changes_everything_but_the_history(team: Team) -> None:
    bens = _lead(team, "ben")
    with as_login(team, "mia") as conn:
        conn.execute(
            "UPDATE leads SET notes = 'checked', owner_id = %s WHERE id = %s",
            (team.rep_ids["ann"], bens),
        )
        conn.execute("UPDATE reps SET monthly_capacity = 55 WHERE id = %s", (team.rep_ids["ben"],))
        conn.execute("INSERT INTO settings (key, value) VALUES ('team.x', '1')")
        _refused(conn, "DELETE FROM lead_history")


def test_every_change_is_in_the_history_with_its_login(team: Team) -> None:
    lead = _lead(team, None)
    with as_login(team, "ann") as conn:
        conn.execute(
            "UPDATE leads SET owner_id = %s, notes = 'first call' WHERE id = %s",
            (team.rep_ids["ann"], lead),
        )
        version = conn.execute("SELECT version FROM leads WHERE id = %s", (lead,)).fetchone()
    assert version == (2,)
    with make_session_factory(make_engine(team.owner_url))() as session:
        rows = session.scalars(
            select(LeadHistoryRecord)
            .where(LeadHistoryRecord.lead_id == lead)
            .order_by(LeadHistoryRecord.field)
        ).all()
    assert [(r.field, r.old_value, r.new_value, r.rep_id, r.login) for r in rows] == [
        ("notes", "", "first call", team.rep_ids["ann"], team.logins["ann"]),
        ("owner_id", None, str(team.rep_ids["ann"]), team.rep_ids["ann"], team.logins["ann"]),
    ]


def test_a_refused_write_is_one_sentence(team: Team) -> None:
    bens = _lead(team, "ben")
    sessions = make_session_factory(make_engine(team.url_for("ann")))
    with pytest.raises(Exception) as caught, sessions.begin() as session:
        session.get(LeadRecord, bens).notes = "overwrite"  # type: ignore[union-attr]
    assert describe_database_error(caught.value) == (
        f"Lead {bens} belongs to Ben Okafor; only they or a manager can change it; "
        "nothing was changed."
    )
    with pytest.raises(Exception) as caught, sessions.begin() as session:
        session.execute(select(1))
        session.execute(
            LeadRecord.__table__.insert().values(
                first_name="x",
                owner_id=team.rep_ids["ben"],
                received_at=NOW,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    assert describe_database_error(caught.value) == (
        "Your login may not make this change (only a manager, or the lead's owner, may); "
        "nothing was changed."
    )


def _away(team: Team, who: str) -> AwayService:
    sessions = make_session_factory(make_engine(team.url_for(who)))
    return AwayService(sessions, IdentityService(sessions))


def test_away_reps_are_skipped_by_routing_and_named_in_the_overflow(team: Team) -> None:
    from repdesk.services.common.errors import UserError
    from repdesk.services.script.rep_routing import overflow_note, route

    ann = _away(team, "ann")
    ann.mark(True)
    with pytest.raises(UserError, match="^Only a manager can mark Ben Okafor away or back"):
        ann.mark(True, rep=team.logins["ben"])
    mia = _away(team, "mia")
    mia.mark(True, rep="Ben Okafor")
    mia.mark(True)
    with make_session_factory(make_engine(team.owner_url))() as session:
        assert route(session, NOW, UTC) is None
        assert overflow_note(session, NOW, UTC) == (
            "every rep is full or away (Ann Lee away; Ben Okafor away; Mia Novak away)"
        )
    ann.mark(False)
    with make_session_factory(make_engine(team.owner_url))() as session:
        assert route(session, NOW, UTC) == team.rep_ids["ann"]


def test_the_timeline_shows_who_changed_what_with_owners_by_name(team: Team) -> None:
    from repdesk.app import open_workspace

    lead = _lead(team, None)
    ann = open_workspace(team.url_for("ann"), clock=lambda: NOW)
    owner = open_workspace(team.owner_url, clock=lambda: NOW)
    try:
        from repdesk.core.domain import ActivityKind

        ann.leads.log_activity(lead, ActivityKind.CALL, outcome="voicemail")  # claims it
        ann.leads.update_lead(lead, {"company": "Acme Ltd"})
        detail = owner.leads.detail(lead)
        assert [(h.field, h.old, h.new, h.by) for h in detail.history] == [
            ("company", "", "Acme Ltd", "Ann Lee"),
            ("owner", None, "Ann Lee", "Ann Lee"),
        ]
        # The call and the edit's timeline entry (21.6), both by Ann.
        assert sorted((a.kind, a.by) for a in detail.activities) == [
            ("call", "Ann Lee"),
            ("edit", "Ann Lee"),
        ]
        assert detail.to_json()["history"][0]["by"] == "Ann Lee"
    finally:
        ann.close()
        owner.close()
