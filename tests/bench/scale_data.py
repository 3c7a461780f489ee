"""A generated workspace of N leads with most steps due today (issue 20's benchmark), written at
the revision before the lean schema (times as text, random UIDs) so that migrating it is measured.

Per lead: an inquiry activity; contacted and later leads one to three calls (one in three reached)
and a done step; every open lead not on do-not-contact one pending step, 85 % of them due today
(local day of the machine); a qualification for every third qualified, nurture or not-a-fit lead;
60 % of leads owned by one of five reps. Written by raw sqlite3 with the per-row triggers dropped
and their rows added by one statement each (store.search_rows, store.status_counts).
"""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

CHUNK = 50_000
STATUSES = ["new"] * 3 + ["contacted"] * 3 + ["qualified", "nurture", "not_a_fit", "won", "lost"]
FIRST = ["Dana", "Lee", "Zoë", "Omar", "Priya", "Jonas", "Ana", "Kofi", "Mei", "Sam", "Ines"]
LAST = ["Reyes", "Müller", "Okafor", "Chen", "Patel", "Novak", "Silva", "Berg", "Kim", "Haddad"]
COMPANY = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark"]
REPS = ["Sam Ortiz", "Priya Shah", "Jordan Blake", "Mia Chen", "Noah Berg"]


def _text(micros: int | None) -> str | None:
    """A time as the schema before the lean one stored it (SQLAlchemy's DATETIME text, UTC)."""
    if micros is None:
        return None
    return (datetime(1970, 1, 1) + timedelta(microseconds=micros)).isoformat(" ", "microseconds")


def generate(path: Path, leads: int, *, seed: int = 20) -> None:
    """Write the workspace to `path` (at the revision before the lean schema)."""
    from repdesk.store import search_rows, status_counts
    from tests.bench.import_floors import BEFORE_LEAN, _schema_at

    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    _schema_at(path, BEFORE_LEAN)
    rng = random.Random(seed)
    now = int(time.time()) * 1_000_000
    local = datetime.now().astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    day_start = int(midnight.astimezone(UTC).timestamp()) * 1_000_000
    day_micros = 86_400_000_000
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA cache_size = -262144")
    started = time.perf_counter()
    con.execute("BEGIN")
    con.execute(f"DROP TRIGGER {search_rows.INSERT_TRIGGER}")
    con.execute(f"DROP TRIGGER {status_counts.INSERT_TRIGGER}")
    con.executemany(
        "INSERT INTO reps (id, name, monthly_capacity, work_start, work_end, active) "
        "VALUES (?, ?, 40, '09:00', '17:00', 1)",
        list(enumerate(REPS, start=1)),
    )
    columns = (
        "id, first_name, last_name, company, title, email, phone, source, product, message, "
        "notes, tags, status, owner_id, received_at, first_response_at, next_follow_up_at, "
        "journey_stage, email_opens, email_clicks, site_visits, do_not_contact, extra, "
        "edited_fields, verdict, score, created_at, updated_at"
    )
    insert = f"INSERT INTO leads ({columns}) VALUES ({', '.join('?' * 28)})"
    for chunk in range(0, leads, CHUNK):
        rows = []
        for i in range(chunk + 1, min(chunk + CHUNK, leads) + 1):
            first, last, company = rng.choice(FIRST), rng.choice(LAST), rng.choice(COMPANY)
            received = now - rng.randint(60, 400 * 86_400) * 1_000_000
            status = rng.choice(STATUSES)
            closed, dnc = status in ("won", "lost"), rng.random() < 0.005
            answered = received + rng.randint(2, 600) * 60_000_000 if status != "new" else None
            step = None
            if not (closed or dnc):
                step = (
                    day_start + rng.randint(0, day_micros - 1)
                    if rng.random() < 0.85
                    else now + rng.randint(1, 30 * 86_400) * 1_000_000
                )
            verdict = status if status in ("qualified", "nurture", "not_a_fit") else None
            rows.append(
                (i, first, last, f"{company} {rng.choice(['Inc.', 'GmbH', 'Ltd'])}",
                 "Operations lead", f"{first}.{last}{i}@{company}.example".lower(),
                 f"+1{200 + i % 700}{i % 10_000_000:07d}",
                 rng.choice(["web form", "trade show", "referral", "csv import"]),
                 rng.choice(["Widgets", "Gadgets", "Service plan"]), "Interested in a quote.",
                 "", "", status, rng.randint(1, 5) if rng.random() < 0.6 else None,
                 _text(received), _text(answered), _text(step), "awareness", 0, 0, 0, int(dnc),
                 "{}", "[]", verdict, 60 if verdict else None, _text(received),
                 _text(answered or received))
            )  # fmt: skip
        con.executemany(insert, rows)
        print(
            f"  generating: {chunk + len(rows):,} / {leads:,} leads "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    con.execute(search_rows.BULK_FILL, (1, leads))
    con.execute(status_counts.ADD_RANGE, (1, leads))
    con.execute(
        "INSERT INTO activities (lead_id, kind, occurred_at, body) "
        "SELECT id, 'inquiry', received_at, message FROM leads"
    )
    for n in range(3):  # up to three calls per contacted lead, the last one sometimes reached
        con.execute(
            "INSERT INTO activities (lead_id, kind, outcome, occurred_at, duration_seconds, body) "
            "SELECT id, 'call', CASE WHEN id % 3 = ? THEN 'connected' ELSE 'voicemail' END, "
            "first_response_at, 60, '' FROM leads "
            f"WHERE first_response_at IS NOT NULL AND id % 4 >= {n}",
            (n,),
        )
    uid = (
        "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
        "substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) "
        "|| '-' || lower(hex(randomblob(6))) || '@repdesk'"
    )
    con.execute(
        "INSERT INTO follow_ups (lead_id, due_at, kind, note, status, cadence, step_index, "
        "cadence_started_at, done_at, outcome, uid, sequence, updated_at, exported_sequence) "
        "SELECT id, first_response_at, 'call', '', 'done', 'new_inquiry', 0, received_at, "
        f"first_response_at, 'voicemail', {uid}, 1, first_response_at, NULL FROM leads "
        "WHERE first_response_at IS NOT NULL"
    )
    con.execute(
        "INSERT INTO follow_ups (lead_id, due_at, kind, note, status, cadence, step_index, "
        "cadence_started_at, uid, sequence, updated_at) "
        "SELECT id, next_follow_up_at, CASE WHEN id % 5 = 0 THEN 'email' ELSE 'call' END, "
        "CASE WHEN id % 7 = 0 THEN 'Ask about the budget' ELSE '' END, 'pending', "
        "CASE status WHEN 'new' THEN 'new_inquiry' ELSE status END, 1, received_at, "
        f"{uid}, 0, updated_at FROM leads WHERE next_follow_up_at IS NOT NULL"
    )
    con.execute(
        "INSERT INTO question_sets (id, key, kind, product, name, version, questions, created_at)"
        " VALUES (1, 'core', 'core', '', 'Core', 1, '[]', ?)",
        (_text(now),),
    )
    con.execute(
        "INSERT INTO qualifications (lead_id, set_ids, answers, score, verdict, is_draft, "
        "started_at, completed_at, rep_id) SELECT id, '[1]', '{}', 60, verdict, 0, "
        "first_response_at, first_response_at, owner_id FROM leads "
        "WHERE verdict IS NOT NULL AND id % 3 = 0"
    )
    con.execute(search_rows.create_trigger_sql(search_rows.INSERT_TRIGGER))
    con.execute(status_counts.create_trigger_sql(status_counts.INSERT_TRIGGER))
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print(f"made {path} in {time.perf_counter() - started:.0f} s", flush=True)
