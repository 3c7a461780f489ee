"""Imports that run at the same moment never make one person two leads: two imports of the same
people and a mailbox fetch of them race on the real PostgreSQL (and on SQLite)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from repdesk.app import Workspace
from repdesk.formats.lead_file import ParsedLead
from repdesk.store.models import LeadRecord

PEOPLE = 1500


def test_two_imports_and_a_mailbox_fetch_of_the_same_people_at_once(
    any_workspace: Workspace, tmp_path: Path
) -> None:
    ws = any_workspace
    rows = [f"p{i}@race.example,Person {i},+1 614 5{i:06d}" for i in range(PEOPLE)]
    path = tmp_path / "people.csv"
    path.write_text("Email,Name,Phone\n" + "\n".join(rows) + "\n", encoding="utf-8")
    mails = [
        ParsedLead(
            i,
            {"email": f"p{i}@race.example", "first_name": "Person", "last_name": str(i)},
            datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            {},
            None,
        )
        for i in range(0, PEOPLE, 3)
    ]
    start = threading.Barrier(3)
    failures: list[BaseException] = []

    def run(work: object) -> None:
        try:
            start.wait(timeout=30)
            work()  # type: ignore[operator]
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [
        threading.Thread(target=run, args=(lambda: ws.imports.import_files([path]),)),
        threading.Thread(target=run, args=(lambda: ws.imports.import_files([path]),)),
        threading.Thread(
            target=run, args=(lambda: ws.imports.import_parsed(mails, "mailbox leads@x.example"),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    with ws.sessions() as session:
        leads = session.scalar(select(func.count(LeadRecord.id)))
        distinct = session.scalar(select(func.count(func.distinct(LeadRecord.email))))
    assert leads == distinct == PEOPLE
