"""Every query the inbox, Today, the calendar, search, reports, dedupe, undo and the CLI run is
served by an index, and every index serves some query: the statements are recorded while the real
use cases run, and each one's plan is read back from the database (SQLite and PostgreSQL).

A hot query that scans a whole big table fails here, and so does an index no plan uses (every
index is written on every insert of an import: one nobody reads is pure cost).
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from repdesk.app import Workspace, open_workspace
from repdesk.cli import main
from repdesk.core.domain import ActivityKind, LeadStatus
from repdesk.core.inbox import InboxFilter
from repdesk.launch import ensure_demo
from repdesk.services.followups.followup_service import FollowUpService
from repdesk.services.inbox.inbox_sqlite import SqliteInbox
from repdesk.services.team import owner_scope
from repdesk.store.models import RepRecord
from repdesk.store.sqlite_file import sqlite_path
from repdesk.store.times import to_micros
from tests.fixtures.workspace import FakeClock
from tests.store.query_plans import (
    Recorder,
    postgresql_indexes,
    postgresql_plan,
    postgresql_scans,
    recording,
    sqlite_indexes,
    sqlite_plan,
    sqlite_scans,
)

#: Scans allowed, each with why: (use case, a piece of the statement) -> reason.
ALLOWED_SCANS: dict[tuple[str, str], str] = {
    ("inbox", "WHERE 0 = 1"): "a condition known false: SQLite reads no row",
    ("inbox", "WHERE leads.owner_id IS NULL"): (
        "the unassigned filter: unassigned leads are most of an imported workspace, so counting"
        " them is a pass over the table whatever the index (and leads with an owner are indexed)"
    ),
}
#: Indexes no SELECT names in its plan, kept for what they do instead.
KEPT_FOR_WRITES = {
    "ix_import_merges_lead_id": "deleting a lead finds its merge snapshots (ON DELETE CASCADE)",
    "ix_lead_merges_kept_id": "deleting a lead deletes the merges into it (ON DELETE CASCADE)",
    "ix_question_sets_key_version": "one version per set key (a unique index)",
    "ix_email_templates_key_product": "one template per key and product (a unique index)",
    "ix_reps_login": "one rep per PostgreSQL login (a unique index; team mode's who-am-I)",
    "ix_lead_history_lead_id": "deleting a lead deletes its history (ON DELETE CASCADE)",
    "ix_inbound_mail_message_id": (
        "the mail filer's read-again check (lead and Message-ID): PostgreSQL's plan reads it,"
        " SQLite picks the lead's index on a mailbox's few rows (the email stream's to judge)"
    ),
}


def write_csv(path: Path, rows: int, start: int = 0) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["First Name", "Last Name", "Email", "Phone", "Company", "Lead Source"])
        for i in range(start, start + rows):
            out.writerow(
                [
                    f"P{i}",
                    f"Q{i}",
                    f"p{i}@x.example" if i % 5 else "",
                    f"+1202555{i:04d}",
                    f"Co {i % 40}",
                    "web" if i % 2 else "fair",
                ]
            )
    return path


def run_use_cases(ws: Workspace, recorder: Recorder, tmp_path: Path, url: str) -> None:
    """The use cases whose queries must be served by indexes, each under its own label."""
    now = ws.clock()
    end = ws.end_of_today(now)
    inbox = ws.services.inbox
    recorder.label = "import (dedupe)"
    ws.imports.import_files([write_csv(tmp_path / "a.csv", 400)])
    second = ws.imports.import_files([write_csv(tmp_path / "b.csv", 400, start=200)])
    recorder.label = "inbox"
    for flt in (
        InboxFilter(),
        InboxFilter(status="new"),
        InboxFilter(owner="-"),
        InboxFilter(include_closed=True),
    ):
        snapshot = inbox.snapshot(flt, end)
        for offset in (0, snapshot.total // 2, max(0, snapshot.total - 50)):
            snapshot.fetch(offset, 50)
    recorder.label = "search"
    for text in ("p2", "q31 co", "2025550", "zzz"):
        found = inbox.any_snapshot(InboxFilter(search=text), end)
        found.fetch(0, 50)
        found.fetch(max(0, found.total - 10), 10)
    ws.leads.list_leads(search="p3")
    recorder.label = "today"
    owner = ws.leads.reps()[0]
    for who in (None, owner):
        today = ws.followups.today(who)
        for offset in (0, today.total // 2, max(0, today.total - 20)):
            rows = today.fetch(offset, 20)
        if rows:
            today.position(rows[-1].id)
        ws.followups.coverage(who)
    ws.followups.first_after(now)
    # Today's owner scopes (services/team/owner_scope), also as a signed-in rep would see them.
    with ws.sessions() as session:  # the reps are a small table
        rep_id = session.scalar(select(RepRecord.id).where(RepRecord.name == owner))
    as_rep = FollowUpService(
        ws.sessions,
        ws.clock,
        ws.followups.planner,
        ws.leads,
        ws.end_of_today,
        ws.services.time.zone,
        my_rep=lambda: rep_id,
    )
    for followups in (ws.followups, as_rep):
        for scope in (owner_scope.MINE_AND_UNASSIGNED, owner_scope.MINE, owner_scope.UNASSIGNED):
            groups = followups.today_groups(scope)
            for window in (groups.overdue, groups.today, groups.later):
                rows = window.fetch(max(0, window.total // 2), 20)
                if rows:
                    window.position(rows[-1].id)
            followups.done_count(now - timedelta(days=1), end, owner=scope)
    recorder.label = "calendar"
    for who in (None, owner):
        ws.followups.day_counts(now.date(), now.date() + timedelta(days=55), who)
        ws.followups.week(now.date() - timedelta(days=now.weekday()), 4, who)
        ws.followups.window(now, now + timedelta(days=1), who).fetch(0, 50)
    recorder.label = "reports"
    reports = ws.services.reports
    reports.report()
    reports.report(date(2000, 1, 1), now.date(), owner=owner)
    recorder.label = "follow-ups"
    steps = ws.followups.list("all")
    ws.followups.complete(steps[0].id, outcome="voicemail")
    ws.followups.move(steps[1].id, now + timedelta(days=3))
    ws.followups.snooze(steps[2].id, timedelta(hours=1))
    recorder.label = "lead"
    lead = steps[3].lead_id
    ws.leads.detail(lead)
    ws.leads.log_activity(lead, ActivityKind.CALL, outcome="connected")
    ws.leads.add_note(lead, "asked for a quote")
    ws.leads.update_lead(lead, {"company": "Renamed Ltd"})
    ws.leads.set_status(lead, LeadStatus.NURTURE)
    recorder.label = "caldav"
    ws.services.caldav._finished_uids(
        {f"followup-{steps[0].id}.{ws.settings.get('workspace_id')}@repdesk", "x@elsewhere"}
    )
    website = next(x for x in ws.leads.list_leads(status="new") if x.product == "website")
    answers = (
        "need=yes",
        "challenge=Phones show a broken page",
        "timeline=this_month",
        "authority=decides",
        "budget=approved",
        "site_goal=leads",
    )
    recorder.label = "cli"
    db = ["--db", url]
    for command in (
        ["leads", "--json"],
        ["leads", "--status", "new"],
        ["leads", "--search", "p1"],
        ["leads", "--json", "--limit", "5", "--offset", "10"],
        ["followups", "--json", "--limit", "5", "--offset", "3"],
        ["followups", "--due", "today", "--json"],
        ["followups", "--due", "overdue"],
        ["followups", "--json"],
        ["followup", "done", str(steps[4].id), "--outcome", "no_answer"],
        ["followup", "move", str(steps[5].id), (now + timedelta(days=2)).date().isoformat()],
        ["export-ics", str(tmp_path / "all.ics")],
        ["export-ics", str(tmp_path / "one.ics"), "--lead", str(lead)],
        ["export-ics", str(tmp_path / "owner.ics"), "--owner", owner, "--to", "2099-01-01"],
        ["report", "--json"],
        ["qualify", str(website.id), *(a for pair in answers for a in ("--answer", pair))],
    ):
        assert main(db + command) == 0, command
    recorder.label = "email"
    mailed = next(x for x in ws.leads.list_leads(status="contacted") if x.email)
    outbox, replies = ws.services.outbox, ws.services.replies
    outbox.counts()
    outbox.rows(lead_id=mailed.id)
    outbox.step_waits(steps[6].id)
    ws.services.templates.all()
    reply = (
        f"From: {mailed.email}\r\nTo: rep@example.com\r\nSubject: Re: your quote\r\n"
        "Message-ID: <r1@lead.example>\r\nIn-Reply-To: <unknown@repdesk>\r\n\r\nThanks!\r\n"
    ).encode()
    claim = replies.claim(reply)
    assert claim is not None and claim.lead_id == mailed.id
    with ws.sessions.begin() as session:
        replies.file(session, [claim])
    replies.stop_request(mailed.id)
    recorder.label = "undo import"
    ws.imports.undo_import(second.import_id)


@pytest.fixture
def recorded_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Path, Recorder]]:
    path = tmp_path / "plans.sqlite3"
    url = f"sqlite:///{path}"
    ws = open_workspace(url, clock=FakeClock())
    ensure_demo(ws)
    ws.close()
    with recording(monkeypatch, path) as recorder:
        ws = open_workspace(url, clock=FakeClock())  # its connections are recorded
        recorder.label = "first screen"
        first = SqliteInbox(path)
        snapshot = first.snapshot(ws.end_of_today(ws.clock()))
        snapshot.fetch(0, 50)
        snapshot.fetch(max(0, snapshot.total - 20), 20)
        first.close()
        run_use_cases(ws, recorder, tmp_path, url)
    ws.close()
    capsys.readouterr()
    yield path, recorder


def grow_postgresql(ws: Workspace, leads: int) -> None:
    """Many more leads, each with its pending step, a call and now and then a qualification, and
    fresh statistics: PostgreSQL plans by size, and on a few hundred rows any plan is as good as
    another."""
    now = to_micros(ws.clock())
    with ws.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO leads (first_name, last_name, company, title, email, phone, source,"
            " product, message, notes, tags, status, received_at, first_response_at,"
            " next_follow_up_at, journey_stage, email_opens, email_clicks, site_visits,"
            " do_not_contact, extra, edited_fields, created_at, updated_at)"
            " SELECT 'G' || g, 'H' || g, 'Co ' || (g %% 90), '', 'g' || g || '@y.example',"
            " '+1303555' || lpad((g %% 10000)::text, 4, '0'), 'web', '', '', '', '',"
            " (ARRAY['new','contacted','qualified','nurture','won','lost'])[1 + g %% 6],"
            f" {now} - g * 1000000000::bigint, NULL, {now} + (g %% 8760) * 3600000000::bigint,"
            " 'awareness', 0, 0, 0, false, '{}', '[]', %(now)s, %(now)s"
            " FROM generate_series(1, %(n)s) AS g",
            {"now": now, "n": leads},
        )
        conn.exec_driver_sql(
            "UPDATE leads SET next_follow_up_at = NULL WHERE status IN ('won', 'lost')"
        )
        conn.exec_driver_sql(
            "INSERT INTO follow_ups (lead_id, due_at, kind, note, status, cadence, step_index,"
            " sequence, updated_at) SELECT id, next_follow_up_at, 'call', '', 'pending',"
            " 'new_lead', 0, 0, updated_at FROM leads"
            " WHERE next_follow_up_at IS NOT NULL AND first_name LIKE 'G%%'"
        )
        conn.exec_driver_sql(
            "INSERT INTO activities (lead_id, kind, outcome, occurred_at, body)"
            " SELECT id, 'call', CASE WHEN id %% 3 = 0 THEN 'connected' ELSE 'voicemail' END,"
            " received_at + 600000000, '' FROM leads WHERE first_name LIKE 'G%%'"
        )
        conn.exec_driver_sql(
            "INSERT INTO qualifications (lead_id, set_ids, answers, is_draft, started_at,"
            " completed_at, verdict, score) SELECT id, '[]', '{}', id %% 7 = 0, received_at,"
            " received_at + 900000000, 'nurture', 40 FROM leads"
            " WHERE first_name LIKE 'G%%' AND id %% 4 = 0"
        )
        conn.exec_driver_sql("ANALYZE")


#: Indexes SQLite's plans use and PostgreSQL's (at the sizes a test can give it) do not.
USED_ON_SQLITE = {
    "ix_leads_waiting": "SQLite seeks the inbox's waiting leads and counts the answered new ones"
    " by it; PostgreSQL reads the few new leads through ix_leads_status_received instead",
}


def check(plans: list[tuple[str, str, list[str], list[str], set[str]]], indexes: set[str]) -> None:
    scans = [
        f"{label}: scans {table}\n  {sql if len(sql) < 900 else sql[:450] + ' … ' + sql[-450:]}"
        "\n  " + "\n  ".join(plan)
        for label, sql, plan, tables, _ in plans
        for table in tables
        if not any(label == where and piece in sql for where, piece in ALLOWED_SCANS)
    ]
    assert not scans, "\n\n".join(scans)
    used = set().union(*(found for *_, found in plans))
    unused = indexes - used - set(KEPT_FOR_WRITES)
    assert not unused, f"no query plan uses {sorted(unused)}"


def test_sqlite_every_hot_query_uses_an_index_and_every_index_is_used(
    recorded_sqlite: tuple[Path, Recorder],
) -> None:
    path, recorder = recorded_sqlite
    plans = []
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        found = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        indexes = {name for name, _sql in found}
        partial = {name for name, sql in found if " WHERE " in sql}
        for label, sql, params in recorder.statements():
            plan = sqlite_plan(con, sql, params)
            scans = sqlite_scans(plan, sql, partial)
            plans.append((label, sql, plan, scans, sqlite_indexes(plan)))
    labels = {label for label, *_ in plans}
    assert {"first screen", "inbox", "today", "calendar", "reports", "cli", "undo import"} <= labels
    check(plans, indexes)


@pytest.mark.integration
def test_postgresql_every_hot_query_uses_an_index_and_every_index_is_used(
    postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws = open_workspace(postgres_url, clock=FakeClock())
    ensure_demo(ws)
    grow_postgresql(ws, 30_000)
    with recording(monkeypatch, None) as recorder:
        run_use_cases(ws, recorder, tmp_path, postgres_url)
    capsys.readouterr()
    plans = []
    raw: Any = ws.engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")  # a Seq Scan now means: no usable index
        with raw.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
            found = cursor.fetchall()
        # Constraints (primary keys, unique) are kept for what they enforce.
        indexes = {name for name, _ in found if not name.startswith(("pk_", "uq_"))}
        for label, sql, params in recorder.statements():
            plan = postgresql_plan(raw.driver_connection, sql, params)
            scans = postgresql_scans(plan)
            plans.append((label, sql, plan, scans, postgresql_indexes(plan)))
        raw.driver_connection.rollback()
    finally:
        raw.close()
        ws.close()
    assert sqlite_path(postgres_url) is None
    check(plans, indexes - set(USED_ON_SQLITE))
