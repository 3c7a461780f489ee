"""No double calls: claims race as two real rep logins, and call markers that expire."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from repdesk.services.team import claims
from repdesk.services.team.claims import ClaimedError, OnCallError, TeamQueue
from repdesk.services.team.identity import IdentityService
from repdesk.store.engine import make_engine, make_session_factory
from repdesk.store.models import LeadRecord
from tests.fixtures.team import Team

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _queue(url: str, lease_ms: int = claims.CALL_LEASE_MS) -> TeamQueue:
    sessions = make_session_factory(make_engine(url))
    return TeamQueue(sessions, IdentityService(sessions), lease_ms=lease_ms)


def _leads(team: Team, n: int) -> list[int]:
    sessions = make_session_factory(make_engine(team.owner_url))
    with sessions.begin() as session:
        records = [
            LeadRecord(first_name=f"P{i}", received_at=NOW, created_at=NOW, updated_at=NOW)
            for i in range(n)
        ]
        session.add_all(records)
        session.flush()
        return [int(r.id) for r in records]


def test_two_reps_claiming_at_once_have_exactly_one_winner_100_times(team: Team) -> None:
    queues = {who: _queue(team.url_for(who)) for who in ("ann", "ben")}
    for q in queues.values():
        q.on_calls()  # connect and learn who I am before the race
    leads = _leads(team, 100)
    outcomes: dict[int, dict[str, str]] = {lead: {} for lead in leads}
    for lead in leads:
        barrier = threading.Barrier(2)

        def run(who: str, lead: int = lead, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                queues[who].claim(lead)
                outcomes[lead][who] = "won"
            except ClaimedError as exc:
                outcomes[lead][who] = exc.owner

        threads = [threading.Thread(target=run, args=(who,)) for who in queues]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    owners = dict(
        make_session_factory(make_engine(team.owner_url))()
        .execute(select(LeadRecord.id, LeadRecord.owner_id).where(LeadRecord.id.in_(leads)))
        .all()
    )
    names = {"ann": "Ann Lee", "ben": "Ben Okafor"}
    for lead, result in outcomes.items():
        winners = [who for who, r in result.items() if r == "won"]
        assert len(winners) == 1, result
        loser = ({"ann", "ben"} - set(winners)).pop()
        assert result[loser] == names[winners[0]]  # the other sees at once who has it
        assert owners[lead] == team.rep_ids[winners[0]]


def test_a_rep_cannot_start_work_on_another_reps_lead_but_a_manager_can(team: Team) -> None:
    (lead,) = _leads(team, 1)
    _queue(team.url_for("ben")).claim(lead)
    with pytest.raises(ClaimedError, match="Ben Okafor has this lead now"):
        _queue(team.url_for("ann")).start_call(lead)
    assert _queue(team.url_for("mia")).claim(lead) is False  # works it, does not take it


def test_on_a_call_shows_everywhere_and_expires_by_itself(team: Team) -> None:
    (lead,) = _leads(team, 1)
    ann, ben, mia = (_queue(team.url_for(w)) for w in ("ann", "ben", "mia"))
    ann.start_call(lead)
    seen = mia.on_calls([lead])[lead]
    assert (seen.who, seen.rep_id, seen.mine) == ("Ann Lee", team.rep_ids["ann"], False)
    assert 0 < seen.expires_in_ms <= claims.CALL_LEASE_MS
    assert ann.on_calls()[lead].mine is True
    with pytest.raises(OnCallError, match="Ann Lee is on a call with this lead now"):
        mia.start_call(lead)
    ann.heartbeat(lead)
    ann.end_call(lead)
    assert mia.on_calls() == {}
    # A crashed client renews its lease no more: with a short lease (a client's setting) its
    # marker ends for everyone when the lease does, by the database's clock.
    crashing = _queue(team.url_for("ann"), lease_ms=400)
    crashing.start_call(lead)
    assert mia.on_calls()[lead].expires_in_ms <= 400
    deadline = time.monotonic() + 5
    while mia.on_calls() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mia.on_calls() == {}
    mia.start_call(lead)  # takes over the expired marker
    assert ben.on_calls()[lead].who == "Mia Novak"


def test_renewing_a_lease_keeps_the_marker_and_tells_nobody(team: Team) -> None:
    """Heartbeats send no NOTIFY (nothing the others see changes); a call starting, ending does."""
    import psycopg

    (lead,) = _leads(team, 1)
    ann = _queue(team.url_for("ann"), lease_ms=600)
    with psycopg.connect(
        team.url_for("ben").replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute("LISTEN repdesk")

        def heard() -> list[str]:
            return [n.payload for n in conn.notifies(timeout=0.3, stop_after=20)]

        ann.start_call(lead)
        assert f"call_markers:{lead}" in heard()
        for _beat in range(4):  # 4 × 0.2 s: past the first lease, kept alive by its renewals
            time.sleep(0.2)
            ann.heartbeat(lead)
        assert heard() == []
        assert _queue(team.url_for("ben")).on_calls()[lead].who == "Ann Lee"
        ann.end_call(lead)
        assert f"call_markers:{lead}" in heard()
