"""The import's floors (issue 15), each written by raw sqlite3 from the same csv.DictReader rows:

- bare: one table of the CSV's columns, one executemany (what any program pays to store a CSV);
- same tables as written: the schema before the lean one (BEFORE_LEAN), written the way the
  import wrote it there: chunks of 2,000 leads, the search and status-count insert triggers paused
  and their rows added per chunk by one statement, times as SQLAlchemy's text, one follow-up per
  lead with a random UUID (one read of the random source, as followup_planner.new_uids did), one
  transaction, the import's page cache;
- lean: the current schema written the fastest safe way: the leads by one executemany with
  integer times (with their phones and name key as an import writes them), each lead's stable-id
  key ("hubspot:<Record ID>") by one executemany, then the search rows, status counts, inquiry
  activities and first steps each by one INSERT ... SELECT over the new leads; WAL, synchronous
  NORMAL, one transaction, the page cache. `lean_indexes_after` also drops the secondary indexes
  of leads first and builds them after the rows (an import into an empty table could do that).

None of them normalises, dedupes or parses dates: each row's time comes from its record id by
arithmetic, so the index on received times is filled in the same random order as the app fills it.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

HOUR_MICROS = 3_600_000_000


def _before_lean() -> str:
    """The revision the lean-schema migration starts from (it is renumbered as others land)."""
    import importlib

    versions = Path(__file__).resolve().parents[2] / "repdesk/migrations/versions"
    module = next(versions.glob("*_lean_schema.py")).stem
    return str(importlib.import_module(f"repdesk.migrations.versions.{module}").down_revision)


BEFORE_LEAN = _before_lean()
BASE = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
CHUNK = 2000


def _fresh(target: Path) -> None:
    for leftover in target.parent.glob(target.name + "*"):
        leftover.unlink()


def _rows(source: Path) -> list[dict[str, str]]:
    with source.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _received_micros(record_id: str) -> int:
    """A time in the 500 days before BASE, spread like the CSV dates (arithmetic on the id)."""
    spread = int(record_id) * 2_654_435_761 % (500 * 24 * 60)
    return int((BASE - timedelta(minutes=spread)).timestamp()) * 1_000_000


def _schema_at(target: Path, revision: str | None) -> None:
    """An empty workspace file at `revision` (None: the app's newest, by its start-up path)."""
    from alembic.command import upgrade

    from repdesk.store.engine import make_engine
    from repdesk.store.migrate import alembic_config, ensure_schema

    engine = make_engine(f"sqlite:///{target}")
    if revision is None:
        ensure_schema(engine)
    else:
        upgrade(alembic_config(engine), revision)
    engine.dispose()


def _connect(target: Path) -> sqlite3.Connection:
    from repdesk.store.bulk import BULK_CACHE_KIB

    con = sqlite3.connect(target, isolation_level=None)
    for pragma in (
        "journal_mode = WAL",
        "foreign_keys = ON",
        "synchronous = NORMAL",
        f"cache_size = -{BULK_CACHE_KIB}",
    ):
        con.execute(f"PRAGMA {pragma}")
    return con


def bare(source: Path, target: Path, headers: list[str]) -> float:
    """csv.DictReader + executemany of the same rows into a plain table with the same columns."""
    _fresh(target)
    con = sqlite3.connect(target)
    con.execute("CREATE TABLE leads (" + ", ".join(f'"{h}" TEXT' for h in headers) + ")")
    con.commit()
    started = time.perf_counter()
    with source.open(newline="", encoding="utf-8") as handle:
        rows = ([row[h] for h in headers] for row in csv.DictReader(handle))
        con.executemany(f"INSERT INTO leads VALUES ({', '.join('?' * len(headers))})", rows)
    con.commit()
    seconds = time.perf_counter() - started
    con.close()
    return seconds


_OLD_LEAD_COLUMNS = (
    "id, first_name, last_name, company, title, email, phone, source, product, message, notes, "
    "tags, status, received_at, next_follow_up_at, journey_stage, email_opens, email_clicks, "
    "site_visits, do_not_contact, extra, edited_fields, import_id, created_at, updated_at"
)


def _old_stamp(micros: int) -> str:
    """The text SQLAlchemy's SQLite DATETIME stored before the lean schema."""
    moment = datetime(1970, 1, 1) + timedelta(microseconds=micros)
    return moment.isoformat(" ", "microseconds")


def _old_uids(count: int) -> list[str]:
    """Random version-4 UUIDs from one read of the random source (followup_planner.new_uids)."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes(b & 0x0F | 0x40 for b in raw[6::16])
    raw[8::16] = bytes(b & 0x3F | 0x80 for b in raw[8::16])
    h = raw.hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-"
        f"{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}@repdesk"
        for i in range(0, 32 * count, 32)
    ]


def same_tables(source: Path, target: Path) -> float:
    """The schema before the lean one, written the way the import wrote it there (see the
    module)."""
    _fresh(target)
    _schema_at(target, BEFORE_LEAN)
    con = _connect(target)
    now_micros = int(time.time()) * 1_000_000
    now, due = _old_stamp(now_micros), _old_stamp(now_micros + HOUR_MICROS)
    fts = con.execute("SELECT sql FROM sqlite_master WHERE name = 'leads_fts_ai'").fetchone()[0]
    counts = con.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'lead_status_counts_ai'"
    ).fetchone()[0]
    started = time.perf_counter()
    con.execute("BEGIN")
    con.execute(
        "INSERT INTO imports (id, started_at, files, added, merged) VALUES (1, ?, '[]', 0, 0)",
        (now,),
    )
    con.execute("DROP TRIGGER leads_fts_ai")
    con.execute("DROP TRIGGER lead_status_counts_ai")
    stamps: dict[int, str] = {}
    next_id = 1
    for chunk in _chunks(_rows(source)):
        leads = []
        for i, r in enumerate(chunk, start=next_id):
            micros = _received_micros(r["Record ID"])
            received = stamps.get(micros) or stamps.setdefault(micros, _old_stamp(micros))
            leads.append(
                (i, r["First Name"], r["Last Name"], r["Company Name"], "", r["Email"],
                 r["Phone Number"], r["Original Source"], "", "", "", "", "new", received, due,
                 "awareness", 0, 0, 0, 0, json.dumps({"Record ID": r["Record ID"]}), "[]", 1,
                 now, now)
            )  # fmt: skip
        first, last = next_id, next_id + len(leads) - 1
        next_id = last + 1
        con.executemany(
            f"INSERT INTO leads ({_OLD_LEAD_COLUMNS}) VALUES ({', '.join('?' * 25)})", leads
        )
        con.execute(
            "INSERT INTO leads_fts(rowid, name, company, email, phone, notes) SELECT id, "
            "first_name || ' ' || last_name, company, email, replace(phone, '+', '') || ' ' || "
            "substr(replace(phone, '+', ''), -10) || ' ' || substr(replace(phone, '+', ''), -7),"
            " notes FROM leads WHERE id BETWEEN ? AND ?",
            (first, last),
        )
        con.execute(
            "INSERT INTO lead_status_counts (status, leads) SELECT status, count(*) FROM leads "
            "WHERE id BETWEEN ? AND ? GROUP BY status "
            "ON CONFLICT (status) DO UPDATE SET leads = leads + excluded.leads",
            (first, last),
        )
        con.executemany(
            "INSERT INTO activities (lead_id, kind, occurred_at, body, import_id) "
            "VALUES (?, 'inquiry', ?, 'Imported from hubspot-export.csv', 1)",
            [(lead[0], lead[13]) for lead in leads],
        )
    ids = range(1, next_id)
    con.executemany(
        "INSERT INTO follow_ups (lead_id, due_at, kind, note, status, cadence, step_index, "
        "cadence_started_at, uid, sequence, updated_at) VALUES (?, ?, 'call', 'First call', "
        "'pending', 'new_lead', 0, ?, ?, 0, ?)",
        [(i, due, now, uid, now) for i, uid in zip(ids, _old_uids(len(ids)), strict=True)],
    )
    con.execute(fts)
    con.execute(counts)
    con.execute("COMMIT")
    seconds = time.perf_counter() - started
    _check(con, len(ids))
    con.close()
    return seconds


_LEAN_LEAD_COLUMNS = (
    "id, first_name, last_name, company, title, email, phone, source, product, message, notes, "
    "tags, status, received_at, next_follow_up_at, journey_stage, email_opens, email_clicks, "
    "site_visits, do_not_contact, extra, edited_fields, import_id, created_at, updated_at, "
    "phones, name_key"
)


def lean(source: Path, target: Path, *, indexes_after: bool = False) -> float:
    """The current schema written the fastest safe way (see the module)."""
    return lean_timed(source, target, indexes_after=indexes_after)[0]


def lean_timed(source: Path, target: Path, *, indexes_after: bool = False) -> tuple[float, float]:
    """lean(), and the seconds from BEGIN IMMEDIATE to COMMIT: the floor of the write lock."""
    from repdesk.store import search_rows, status_counts

    _fresh(target)
    _schema_at(target, None)
    con = _connect(target)
    now = int(time.time()) * 1_000_000
    due = now + HOUR_MICROS
    secondary = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads' "
        "AND sql IS NOT NULL"
    ).fetchall()
    started = time.perf_counter()
    rows = _rows(source)
    locked = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.execute(
        "INSERT INTO imports (id, started_at, files, added, merged) VALUES (1, ?, '[]', 0, 0)",
        (now,),
    )
    con.execute(f"DROP TRIGGER {search_rows.INSERT_TRIGGER}")
    con.execute(f"DROP TRIGGER {status_counts.INSERT_TRIGGER}")
    if indexes_after:
        for name, _sql in secondary:
            con.execute(f"DROP INDEX {name}")
    con.executemany(
        f"INSERT INTO leads ({_LEAN_LEAD_COLUMNS}) VALUES ({', '.join('?' * 27)})",
        (
            (i, r["First Name"], r["Last Name"], r["Company Name"], "", r["Email"],
             r["Phone Number"], r["Original Source"], "", "", "", "", "new",
             _received_micros(r["Record ID"]), due, "awareness", 0, 0, 0, 0,
             json.dumps({"Record ID": r["Record ID"]}), "[]", 1, now, now,
             json.dumps([{"number": r["Phone Number"], "kind": "main"}]),
             f"{r['First Name']} {r['Last Name']}|{r['Company Name']}".lower())
            for i, r in enumerate(rows, start=1)
        ),
    )  # fmt: skip
    con.executemany(
        "INSERT INTO lead_keys (lead_id, key, import_id) VALUES (?, ?, 1)",
        ((i, f"hubspot:{r['Record ID']}") for i, r in enumerate(rows, start=1)),
    )
    last = len(rows)
    con.execute(search_rows.BULK_FILL, (1, last))
    con.execute(status_counts.ADD_RANGE, (1, last))
    con.execute(
        "INSERT INTO activities (lead_id, kind, occurred_at, body, import_id) SELECT id, "
        "'inquiry', received_at, 'Imported from hubspot-export.csv', 1 FROM leads "
        "WHERE id BETWEEN 1 AND ?",
        (last,),
    )
    con.execute(
        "INSERT INTO follow_ups (lead_id, due_at, kind, note, status, cadence, step_index, "
        "cadence_started_at, sequence, updated_at) SELECT id, next_follow_up_at, 'call', "
        "'First call', 'pending', 'new_lead', 0, created_at, 0, created_at FROM leads "
        "WHERE id BETWEEN 1 AND ?",
        (last,),
    )
    if indexes_after:
        for _name, sql in secondary:
            con.execute(sql)
    con.execute(search_rows.create_trigger_sql(search_rows.INSERT_TRIGGER))
    con.execute(status_counts.create_trigger_sql(status_counts.INSERT_TRIGGER))
    con.execute("COMMIT")
    done = time.perf_counter()
    _check(con, last)
    con.close()
    return done - started, done - locked


def _chunks(rows: list[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _check(con: sqlite3.Connection, leads: int) -> None:
    found = [
        con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("leads", "leads_fts", "activities", "follow_ups")
    ]
    assert found == [leads] * 4, found
    assert con.execute("SELECT sum(leads) FROM lead_status_counts").fetchone()[0] == leads
