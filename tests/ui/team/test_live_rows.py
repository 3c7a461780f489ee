"""Another client's change of one lead refreshes just that row of this window's inbox: the
NOTIFY names the lead, the inbox reads that lead again (and counts the list), patches its row in
place or moves it out, and keeps the selection and the scroll position; no other row is read.

How soon is the benchmark's to say (tests/bench/bench_team.py, the two-second promise); here the
wait is generous so that a loaded machine does not make the test flaky."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from repdesk.app import open_workspace
from repdesk.core.domain import ActivityKind
from repdesk.services.inbox.inbox_snapshots import InboxSnapshot
from repdesk.store.models import LeadRecord
from repdesk.ui.shell.main_window import MainWindow
from tests.fixtures.team import Team

ARRIVES_MS = 10_000
NOW = datetime.now(UTC).replace(microsecond=0)


def _row_of(model: Any, company: str) -> int:
    return next(r for r in range(model.rowCount()) if model.lead_at(r).company == company)


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """Every call of InboxSnapshot.<name> from now on (its arguments), still made."""
    calls: list[Any] = []
    real: Callable[..., Any] = getattr(InboxSnapshot, name)

    def counted(self: InboxSnapshot, *args: Any) -> Any:
        calls.append(args)
        return real(self, *args)

    monkeypatch.setattr(InboxSnapshot, name, counted)
    return calls


@pytest.mark.integration
def test_a_colleagues_change_refreshes_only_its_row_keeping_selection_and_scroll(
    qtbot: QtBot, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = open_workspace(team.owner_url)
    ann = open_workspace(team.url_for("ann"))
    ben = open_workspace(team.url_for("ben"))
    try:
        with owner.sessions.begin() as session:  # 40 unassigned inquiries, oldest first
            for n in range(40):
                session.add(
                    LeadRecord(
                        first_name=f"Pat{n}",
                        company=f"Co {n:02d}",
                        received_at=NOW - timedelta(minutes=100 - n),
                        created_at=NOW,
                        updated_at=NOW,
                    )
                )
        window = MainWindow(ann)
        qtbot.addWidget(window)
        window.resize(1024, 640)
        window.show()
        inbox = window.pages["inbox"]
        model, table = inbox.model, inbox.table  # type: ignore[attr-defined]
        assert model.rowCount() == 40
        table.selectRow(_row_of(model, "Co 20"))
        bar = table.verticalScrollBar()
        bar.setValue(12)
        assert bar.value() == 12  # the list is longer than the table: it scrolls
        selected = inbox.detail.lead_id  # type: ignore[attr-defined]
        qtbot.wait(1500)  # the feed's first LISTEN and its catch-up
        fetched, reread = _counting(monkeypatch, "fetch"), _counting(monkeypatch, "reread")
        signals: list[str] = []
        model.modelReset.connect(lambda: signals.append("reset"))
        model.rowsRemoved.connect(lambda _p, first, last: signals.append(f"removed {first}"))
        model.rowsInserted.connect(lambda _p, first, last: signals.append(f"inserted {first}"))
        model.dataChanged.connect(
            lambda top, bottom, _roles=(): signals.append(f"changed {top.row()}-{bottom.row()}")
        )
        # Ben corrects a company's name: its row changes in place, nothing else is read.
        edited = model.lead_at(_row_of(model, "Co 05")).id
        ben.services.leads.update_lead(edited, {"company": "Co 05 Ltd"})
        qtbot.waitUntil(lambda: reread != [], timeout=ARRIVES_MS)
        qtbot.waitUntil(lambda: model.lead_at(5).company == "Co 05 Ltd", timeout=ARRIVES_MS)
        # Each inbox page built (Inbox, All leads) read that one lead again, and no page of rows.
        assert set(reread) == {(frozenset({edited}),)}
        assert fetched == []
        assert signals == ["changed 5-5"]
        assert inbox.detail.lead_id == selected and table.currentIndex().row() == 20  # type: ignore[attr-defined]
        assert bar.value() == 12
        # Ben calls another lead, which claims it: it leaves Ann's Mine + Unassigned; the rows
        # after it move up, the selection stays on the same lead, the scroll where it was.
        signals.clear()
        taken = model.lead_at(_row_of(model, "Co 10")).id
        ben.services.leads.log_activity(taken, ActivityKind.CALL, outcome="voicemail")
        qtbot.waitUntil(lambda: model.rowCount() == 39, timeout=ARRIVES_MS)
        assert "Co 10" not in {model.lead_at(r).company for r in range(39)}
        assert fetched == []
        assert signals == ["removed 10"]
        assert inbox.detail.lead_id == selected  # type: ignore[attr-defined]
        assert model.lead_at(table.currentIndex().row()).id == selected
        assert bar.value() == 12
        assert inbox.summary.text().startswith("39 leads")  # type: ignore[attr-defined]
        window.close()
    finally:
        ben.close()
        ann.close()
        owner.close()
