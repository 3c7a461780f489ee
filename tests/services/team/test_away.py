"""Away reps, as real logins: a rep marks themselves away and puts their open leads back in the
queue (never in another rep's hands: the database refuses), a manager marks anyone and hands
their leads over; `repdesk team away` says what it did, in one sentence or one JSON document."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from repdesk.cli import main
from repdesk.services.common.errors import UserError
from repdesk.services.team.away import AwayService
from repdesk.services.team.identity import IdentityService
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.models import LeadHistoryRecord, LeadRecord, RepRecord
from tests.fixtures.team import Team

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _away(team: Team, who: str) -> AwayService:
    sessions = make_session_factory(make_engine(team.url_for(who)))
    return AwayService(sessions, IdentityService(sessions))


def _leads(team: Team, who: str, *statuses: str) -> list[int]:
    sessions = make_session_factory(make_engine(team.owner_url))
    with sessions.begin() as session:
        records = [
            LeadRecord(
                first_name="Pat",
                company=f"Co {i}",
                owner_id=team.rep_ids[who],
                status=status,
                received_at=NOW,
                created_at=NOW,
                updated_at=NOW,
            )
            for i, status in enumerate(statuses)
        ]
        session.add_all(records)
        session.flush()
        return [int(r.id) for r in records]


def _owners(team: Team, ids: list[int]) -> list[int | None]:
    with make_session_factory(make_engine(team.owner_url))() as session:
        return [session.get(LeadRecord, i).owner_id for i in ids]  # type: ignore[union-attr]


def _is_away(team: Team, who: str) -> bool:
    with make_session_factory(make_engine(team.owner_url))() as session:
        return bool(session.scalar(select(RepRecord.away).where(RepRecord.id == team.rep_ids[who])))


def test_a_rep_goes_away_putting_their_open_leads_in_the_queue_and_takes_back_the_rest(
    team: Team,
) -> None:
    new, working, won = _leads(team, "ann", "new", "contacted", "won")
    ann = _away(team, "ann")
    with pytest.raises(UserError, match="^Only a manager can hand leads to another rep"):
        ann.mark(True, hand_to="Ben Okafor")
    assert (_is_away(team, "ann"), _owners(team, [new, working])) == (
        False,
        [team.rep_ids["ann"]] * 2,
    )
    result = ann.mark(True, release=True)
    assert (
        result.describe()
        == "Ann Lee is away: routing hands them no leads; 2 open leads are in the queue."
    )
    assert result.lead_ids == (new, working)
    assert _is_away(team, "ann")
    assert _owners(team, [new, working, won]) == [None, None, team.rep_ids["ann"]]  # won stays
    with make_session_factory(make_engine(team.owner_url))() as session:
        by = session.scalars(
            select(LeadHistoryRecord.login).where(
                LeadHistoryRecord.lead_id == new, LeadHistoryRecord.field == "owner_id"
            )
        ).all()
    assert by == [team.logins["ann"]]  # the history says who handed it back
    _away(team, "ben").mark(False)  # ben claims one of them meanwhile:
    sessions = make_session_factory(make_engine(team.url_for("ben")))
    with sessions.begin() as session:
        session.get(LeadRecord, new).owner_id = team.rep_ids["ben"]  # type: ignore[union-attr]
    assert ann.mark(False).describe() == "Ann Lee is back: routing hands them leads again."
    assert ann.take_back(result.lead_ids) == 1  # the one nobody took
    assert _owners(team, [new, working]) == [team.rep_ids["ben"], team.rep_ids["ann"]]


def test_a_manager_marks_a_rep_away_and_hands_their_leads_to_another(team: Team) -> None:
    ids = _leads(team, "ben", "new", "qualified")
    with pytest.raises(UserError, match="^Only a manager can mark Ben Okafor away or back"):
        _away(team, "ann").mark(True, rep=team.logins["ben"], release=True)
    assert _owners(team, ids) == [team.rep_ids["ben"]] * 2  # nothing was changed
    result = _away(team, "mia").mark(True, rep="ben okafor", hand_to=team.logins["ann"])
    assert (
        result.describe()
        == "Ben Okafor is away: routing hands them no leads; 2 open leads went to Ann Lee."
    )
    assert _owners(team, ids) == [team.rep_ids["ann"]] * 2
    with pytest.raises(UserError, match="^There is no rep with the login or name 'zed'"):
        _away(team, "mia").mark(True, rep="zed")


def test_the_command_line_marks_away_and_back(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _leads(team, "ann", "new")
    url = team.url_for("ann")
    assert main(["--db", url, "team", "away", "--release", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "rep": "Ann Lee",
        "away": True,
        "to": "",
        "lead_ids": ids,
    }
    assert main(["--db", url, "team", "away", "--rep", "Ben Okafor"]) == 1
    assert capsys.readouterr().err == (
        "repdesk: Only a manager can mark Ben Okafor away or back; nothing was changed.\n"
    )
    assert main(["--db", url, "team", "away", "--back"]) == 0
    assert capsys.readouterr().out == "Ann Lee is back: routing hands them leads again.\n"
    assert not _is_away(team, "ann")
