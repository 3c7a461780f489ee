"""The inbox's counts stay exact through everything that adds, merges, changes or removes leads
(SQLite reads them from the trigger-kept lead_status_counts, PostgreSQL counts), and windows
served by a snapshot that counts its segments lazily line up with the whole result."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from repdesk.app import Workspace
from repdesk.core.domain import ActivityKind, CallOutcome, LeadStatus
from repdesk.launch import ensure_demo
from repdesk.services.inbox.inbox_service import InboxFilter, InboxService
from repdesk.services.leads.lead_rows import LeadSummary
from repdesk.store.models import LeadRecord

FIRST = (
    "First Name,Last Name,Email,Phone,Company,Status\n"
    "Ana,Ruiz,ana@ruiz.example,555-010-1001,Ruiz Co,new\n"
    "Ben,Okafor,ben@okafor.example,555-010-1002,Okafor HVAC,contacted\n"
    "Cleo,Lee,cleo@lee.example,,Lee Dental,nurture\n"
    "Dev,Patel,dev@patel.example,555-010-1004,,qualified\n"
    "Eva,Berg,eva@berg.example,555-010-1005,Berg Bakery,won\n"
    "Finn,Holm,finn@holm.example,555-010-1006,,new\n"
)
# Two people already known (merged into their leads) and two new ones, one of them lost.
SECOND = (
    "First Name,Last Name,Email,Phone,Company,Status\n"
    "Ana,Ruiz,ana@ruiz.example,,Ruiz Company,qualified\n"
    "Ben,Okafor,ben@okafor.example,,,new\n"
    "Gus,Amato,gus@amato.example,555-010-1007,Amato Tiles,lost\n"
    "Hana,Sato,hana@sato.example,555-010-1008,,new\n"
)


def real_counts(ws: Workspace) -> dict[str, int]:
    with ws.sessions() as session:
        return dict(
            session.execute(
                select(LeadRecord.status, func.count()).group_by(LeadRecord.status)
            ).all()
        )


def assert_inbox_counts_exact(ws: Workspace) -> None:
    real = real_counts(ws)
    with ws.sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            kept = dict(
                session.execute(
                    text("SELECT status, leads FROM lead_status_counts WHERE leads <> 0")
                ).all()
            )
            assert kept == real
        waiting = session.scalar(
            select(func.count())
            .select_from(LeadRecord)
            .where(LeadRecord.status == "new", LeadRecord.first_response_at.is_(None))
        )
    service = InboxService(ws.sessions, ws.clock)
    end = ws.end_of_today(ws.clock())
    inbox = service.snapshot(InboxFilter(), end)
    open_total = sum(n for status, n in real.items() if not LeadStatus(status).is_closed)
    assert (inbox.total, inbox.waiting) == (open_total, waiting)
    rows = inbox.fetch(0, inbox.total + 5)
    assert len(rows) == len({r.id for r in rows}) == open_total
    everything = service.snapshot(InboxFilter(include_closed=True), end)
    assert everything.total == len(everything.fetch(0, everything.total + 5)) == sum(real.values())


def test_counts_follow_imports_merges_status_changes_and_undo(
    any_workspace: Workspace, tmp_path: Path
) -> None:
    ws = any_workspace
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    assert_inbox_counts_exact(ws)  # empty
    assert ws.imports.import_files([first]).added == 6
    assert_inbox_counts_exact(ws)
    summary = ws.imports.import_files([second])
    assert (summary.added, summary.merged) == (2, 2)
    assert_inbox_counts_exact(ws)
    ids = {lead.email: lead.id for lead in ws.leads.list_leads()}
    ws.leads.set_status(ids["ana@ruiz.example"], LeadStatus.QUALIFIED)
    ws.leads.set_status(ids["cleo@lee.example"], LeadStatus.NOT_A_FIT)
    ws.leads.set_status(ids["eva@berg.example"], LeadStatus.NURTURE)  # a closed lead reopens
    ws.leads.set_status(ids["dev@patel.example"], LeadStatus.WON)
    assert_inbox_counts_exact(ws)
    ws.leads.log_activity(
        ids["finn@holm.example"], ActivityKind.CALL, outcome=CallOutcome.CONNECTED.value
    )
    ws.leads.log_activity(
        ids["hana@sato.example"], ActivityKind.CALL, outcome=CallOutcome.NO_ANSWER.value
    )
    assert_inbox_counts_exact(ws)
    ws.imports.undo_import()  # removes Gus and Hana, puts Ana's and Ben's merged fields back
    assert real_counts(ws) == {
        "qualified": 1,
        "contacted": 2,
        "not_a_fit": 1,
        "nurture": 1,
        "won": 1,
    }
    assert_inbox_counts_exact(ws)
    ws.imports.undo_import()
    assert real_counts(ws) == {}
    assert_inbox_counts_exact(ws)


def test_a_large_import_and_its_undo_keep_the_counts(
    any_workspace: Workspace, tmp_path: Path
) -> None:
    """Big enough for the import's bulk path (search rows and counts written per chunk, not per
    lead), between two small imports that go through the per-lead triggers."""
    statuses = ["new", "contacted", "qualified", "won", "lost", "nurture", "not_a_fit", ""]
    files = []
    for name, first, size in (
        ("before", 0, len(statuses)),
        ("big", 100, 1200),
        ("after", 5000, len(statuses)),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(
            "Name,Email,Status\n"
            + "".join(
                f"Person {i},p{i}@big.example,{statuses[i % len(statuses)]}\n"
                for i in range(first, first + size)
            ),
            encoding="utf-8",
        )
        files.append(path)
    for path in files:
        any_workspace.imports.import_files([path])
        assert_inbox_counts_exact(any_workspace)
    assert sum(real_counts(any_workspace).values()) == 1200 + 2 * len(statuses)
    for _ in files:
        any_workspace.imports.undo_import()
        assert_inbox_counts_exact(any_workspace)


def test_windows_from_any_offset_line_up_with_the_whole(any_workspace: Workspace) -> None:
    """Whatever window comes first (the top, one across a segment's end, the bottom), it and the
    windows after it on the same snapshot are the same rows as the whole result's slice."""
    ensure_demo(any_workspace)
    service = InboxService(any_workspace.sessions, any_workspace.clock)
    end = any_workspace.end_of_today(any_workspace.clock())

    def segment(row: LeadSummary) -> int:
        if row.status == "new" and row.first_response_at is None:
            return 0
        if LeadStatus(row.status).is_closed:
            return 4
        if row.next_follow_up_at is None:
            return 3
        return 1 if row.next_follow_up_at < end else 2

    for flt in (InboxFilter(), InboxFilter(include_closed=True)):
        whole = service.snapshot(flt, end).fetch(0, 10_000)
        kinds = [segment(row) for row in whole]
        assert len(whole) == service.snapshot(flt, end).total and kinds == sorted(kinds)
        assert {1, 2} <= set(kinds)  # due today and later: the two segments counted only on demand
        bounds = [0, len(whole)] + [i for i in range(1, len(whole)) if kinds[i] != kinds[i - 1]]
        points = sorted({min(len(whole), max(0, b + d)) for b in bounds for d in (-3, -1, 0, 1)})
        for first in points:
            for size in (3, 70):
                snapshot = service.snapshot(flt, end)
                assert snapshot.fetch(first, size) == whole[first : first + size], (first, size)
                for then in points[::2]:
                    assert snapshot.fetch(then, 25) == whole[then : then + 25], (first, size, then)
