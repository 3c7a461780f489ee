"""Benchmark (issues 3 and 15): import of 100,000 CSV rows against honest floors, the same import
into a workspace that already holds 100,000 leads (half the rows people already there), its undo;
prefix search and inbox open / jump-to-bottom on 1,000,000 leads. Every floor is measured in the
same run and every ratio printed (tests/bench/import_floors.py says what each floor writes).

Targets: import ≤ 6× bare and ≤ 1.3× lean; merge-path import ≤ 1.5× the empty-workspace import;
undo ≤ 1× the import; the import's write-lock time ≤ 1.2× the lean floor's BEGIN … COMMIT (issue
19.4: repdesk reads, parses, normalises and matches before taking the lock); search ≤ 2×, inbox
open and bottom ≤ 2×, inbox peak memory ≤ 1.5×. The rows import as inquiries, as the floors write
them. `--rows N` imports fewer rows while developing.
Run: .venv/bin/python tests/bench/bench_inbox.py [--only import|search|inbox ...]
(the 1M-lead file is generated once per schema revision and cached; `--only import` needs none).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

IMPORT_ROWS = 100_000
LEADS = 1_000_000
CACHE = Path(tempfile.gettempdir()) / "repdesk-bench-inbox"
TARGETS = {
    "bare": 6.0,
    "lean": 1.3,
    "merge": 1.5,
    "undo": 1.0,
    "lock": 1.2,
    "search": 2.0,
    "open": 2.0,
    "bottom": 2.0,
    "memory": 1.5,
}
WORDS = ["okafor", "globex", "martin", "555123", "zq"]  # typed one key at a time from 2 letters
FIRST = [
    "Dana",
    "Lee",
    "Zoë",
    "Omar",
    "Priya",
    "Jonas",
    "Ana",
    "Kofi",
    "Mei",
    "Sam",
    "Ines",
    "Raj",
    "Martina",
    "Chloé",
    "Liam",
    "Noah",
    "Emma",
    "Olivia",
    "Ava",
    "Lucas",
    "Mateo",
    "Aiko",
    "Yusuf",
    "Fatima",
    "Björn",
]
LAST = [
    "Reyes",
    "Müller",
    "Okafor",
    "Chen",
    "Patel",
    "Novak",
    "Silva",
    "Berg",
    "Kim",
    "Haddad",
    "Martin",
    "García",
    "Nguyen",
    "Smith",
    "Johnson",
    "Kowalski",
    "Rossi",
    "Dubois",
    "O'Brien",
    "Tanaka",
    "Ivanova",
]
COMPANY = [
    "Acme",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Cyberdyne",
    "Soylent",
    "Tyrell",
    "Aperture",
    "Wonka",
    "Gringotts",
    "Oscorp",
]
SUFFIX = ["Inc.", "GmbH", "Ltd", "LLC", "SA", "& Co", "Group", ""]


def stamp(moment: datetime) -> int:
    """How a time is stored (store.times: UTC epoch microseconds)."""
    from repdesk.store.times import to_micros

    return to_micros(moment)


# -- 1. import ------------------------------------------------------------------------------------
HEADERS = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Company Name",
    "Lead Status",
    "Create Date",
    "Original Source",
]


def phone_text(rng: random.Random, i: int) -> str:
    area, line = 200 + i % 700, f"{i % 10_000_000:07d}"
    return rng.choice(
        [
            f"({area}) {line[:3]}-{line[3:]}",
            f"{area}-{line[:3]}-{line[3:]}",
            f"+1 {area} {line[:3]} {line[3:]}",
            f"{area}{line}",
            f"{area}.{line[:3]}.{line[3:]}",
            f"+44 20 7{line[:3]} {line[3:]}",
            f"+49 30 {line}",
            "",
        ]
    )


def make_csv(path: Path, rows: int) -> None:
    """HubSpot-like export: mixed phone and date formats, some blanks, ~2% people who inquired
    twice."""
    rng = random.Random(3)
    now = datetime(2026, 1, 15, 12, 0)
    written: list[list[str]] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for i in range(rows):
            if written and rng.random() < 0.02:
                again = list(rng.choice(written[-5000:] if rng.random() < 0.5 else written))
                again[0] = str(900_000 + i)
                out.writerow(again)
                continue
            first, last = rng.choice(FIRST), rng.choice(LAST)
            created = now - timedelta(minutes=rng.randint(1, 500 * 24 * 60))
            date = rng.choice(
                [
                    f"{created:%Y-%m-%d %H:%M}",
                    f"{created:%m/%d/%Y %I:%M %p}",
                    f"{created:%Y-%m-%dT%H:%M:%SZ}",
                ]
            )
            email = (
                f"{first}.{last}{i}@{rng.choice(COMPANY)}.example".lower().replace("'", "")
                if rng.random() < 0.95
                else ""
            )
            record = [
                str(100_000 + i),
                first,
                last,
                email,
                phone_text(rng, i),
                f"{rng.choice(COMPANY)} {rng.choice(SUFFIX)}".strip(),
                rng.choice(
                    [
                        "New",
                        "Open",
                        "Attempted to contact",
                        "Connected",
                        "In progress",
                        "Unqualified",
                        "",
                    ]
                ),
                date,
                rng.choice(
                    [
                        "Organic search",
                        "Paid social",
                        "Direct traffic",
                        "Referrals",
                        "Offline sources",
                    ]
                ),
            ]
            written.append(record)
            out.writerow(record)


def make_prior_csv(source: Path, path: Path) -> None:
    """100,000 rows for the workspace the merge-path import goes into: every other row of `source`
    (the same people: same e-mail and phone) and as many other people."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(rows[0])
        for i, row in enumerate(rows[1:]):
            if i % 2 == 0:
                out.writerow([str(2_000_000 + i), *row[1:]])
            else:
                other = list(row)
                other[0], other[3], other[4] = str(3_000_000 + i), f"n{i}@other.example", ""
                out.writerow(other)


def app_import(
    source: Path, target: Path, prior: Path | None = None, undo: bool = False
) -> tuple[float, str, float | None, float]:
    """repdesk's import of `source` into a new workspace (holding `prior`'s leads first, when
    given); with `undo`, the undo of that import is timed too. The last value: the seconds the
    import held the write lock."""
    from repdesk.app import open_workspace

    for leftover in target.parent.glob(target.name + "*"):
        leftover.unlink()
    workspace = open_workspace(f"sqlite:///{target}")
    try:
        before = workspace.imports.import_files([prior]).added if prior else 0
        started = time.perf_counter()
        summary = workspace.imports.import_files([source], as_kind="inquiries")
        seconds = time.perf_counter() - started
        with workspace.engine.connect() as con:
            leads, fts, steps = (
                con.exec_driver_sql(q).scalar()
                for q in (
                    "SELECT count(*) FROM leads",
                    "SELECT count(*) FROM leads_fts",
                    "SELECT count(*) FROM follow_ups WHERE status = 'pending'",
                )
            )
        undo_seconds = None
        if undo:
            started = time.perf_counter()
            workspace.imports.undo_import(summary.import_id)
            undo_seconds = time.perf_counter() - started
            with workspace.engine.connect() as con:
                assert con.exec_driver_sql("SELECT count(*) FROM leads").scalar() == before
    finally:
        workspace.close()
    assert summary.added + summary.merged + len(summary.rejected) == IMPORT_ROWS, summary.to_json()
    assert leads == fts == before + summary.added, (leads, fts, summary.added)
    return (
        seconds,
        f"{summary.added:,} added, {summary.merged:,} merged, {len(summary.rejected)} rejected, "
        f"{steps:,} steps",
        undo_seconds,
        summary.lock_seconds,
    )


def import_measures(work: Path) -> list[tuple[str, str, str, float, str]]:
    """Every import floor and ratio of issue 15, in one run."""
    from tests.bench import import_floors

    source, prior = work / "hubspot-export.csv", work / "prior.csv"
    make_csv(source, IMPORT_ROWS)
    make_prior_csv(source, prior)
    bare = min(import_floors.bare(source, work / "bare.sqlite3", HEADERS) for _ in range(3))
    tables = min(import_floors.same_tables(source, work / "tables.sqlite3") for _ in range(3))
    lean_runs = [import_floors.lean_timed(source, work / "lean.sqlite3") for _ in range(3)]
    lean = min(total for total, _ in lean_runs)
    lean_lock = min(locked for _, locked in lean_runs)
    lean_after = min(
        import_floors.lean(source, work / "lean2.sqlite3", indexes_after=True) for _ in range(2)
    )
    runs = [app_import(source, work / "app.sqlite3", undo=True) for _ in range(2)]
    app, detail, _, _ = min(runs, key=lambda r: r[0])
    held = min(r[3] for r in runs)
    undo = min(r[2] or 0.0 for r in runs)
    merged = [app_import(source, work / "merge.sqlite3", prior) for _ in range(2)]
    merge, merge_detail, _, _ = min(merged, key=lambda r: r[0])
    print(f"import {IMPORT_ROWS:,} rows into an empty workspace: repdesk {app:.2f} s ({detail})")
    print(f"  floor bare (one table, executemany):            {bare:.2f} s")
    print(f"  floor same tables as written (before lean):     {tables:.2f} s "
          f"= {tables / bare:.2f}× bare; repdesk / it {app / tables:.2f}×")  # fmt: skip
    print(f"  floor lean (current schema, fastest safe way):  {lean:.2f} s "
          f"= {lean / bare:.2f}× bare; repdesk / it {app / lean:.2f}×")  # fmt: skip
    print(f"  floor lean, leads' indexes built after the rows: {lean_after:.2f} s "
          f"= {lean_after / lean:.2f}× lean (informational)")  # fmt: skip
    print(f"  into a workspace of {IMPORT_ROWS:,} leads (half the rows people already there): "
          f"{merge:.2f} s ({merge_detail})")  # fmt: skip
    print(f"  undo of the empty-workspace import: {undo:.2f} s")
    print(f"  write lock held: lean floor BEGIN…COMMIT {lean_lock:.2f} s, "
          f"repdesk {held:.2f} s of its {app:.2f} s")  # fmt: skip
    return [
        ("import 100k rows / bare", f"{bare:.2f} s", f"{app:.2f} s", app / bare, "bare"),
        ("import 100k rows / lean", f"{lean:.2f} s", f"{app:.2f} s", app / lean, "lean"),
        (
            "merge-path import / empty import",
            f"{app:.2f} s",
            f"{merge:.2f} s",
            merge / app,
            "merge",
        ),
        ("undo import / the import", f"{app:.2f} s", f"{undo:.2f} s", undo / app, "undo"),
        ("import write-lock time", f"{lean_lock:.2f} s", f"{held:.2f} s", held / lean_lock, "lock"),
    ]


# -- the 1,000,000-lead database ------------------------------------------------------------------
def database() -> Path:
    """1M leads made with the app's migrations and executemany (the FTS triggers fill leads_fts);
    cached."""
    from repdesk.migrations import HEAD_REVISION

    # One cache per schema revision: engineers on other branches share /tmp.
    path = CACHE / f"leads-{LEADS}-{HEAD_REVISION}.sqlite3"
    if path.exists():
        return path
    from repdesk.store.engine import make_engine
    from repdesk.store.migrate import ensure_schema

    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    engine = make_engine(f"sqlite:///{partial}")
    ensure_schema(engine)
    engine.dispose()
    rng = random.Random(8)
    now = datetime.now(UTC)
    statuses = (
        ["new"] * 3 + ["contacted"] * 3 + ["qualified", "nurture", "not_a_fit", "won", "lost"]
    )
    columns = (
        "first_name, last_name, company, title, email, phone, source, product, message, notes, "
        "tags, status, "
        "received_at, first_response_at, next_follow_up_at, journey_stage, email_opens, "
        "email_clicks, "
        "site_visits, do_not_contact, extra, edited_fields, created_at, updated_at"
    )
    sql = f"INSERT INTO leads ({columns}) VALUES ({', '.join('?' * len(columns.split(',')))})"
    con = sqlite3.connect(partial)
    started = time.perf_counter()
    for chunk in range(0, LEADS, 20_000):
        rows = []
        for i in range(chunk, min(chunk + 20_000, LEADS)):
            first, last, company = rng.choice(FIRST), rng.choice(LAST), rng.choice(COMPANY)
            received = now - timedelta(minutes=rng.randint(1, 400 * 24 * 60))
            status = rng.choice(statuses)
            contacted, closed, dnc = (
                status != "new",
                status in ("won", "lost"),
                rng.random() < 0.005,
            )
            step = None if closed or dnc else stamp(now + timedelta(hours=rng.randint(-200, 600)))
            rows.append(
                (
                    first,
                    last,
                    f"{company} {rng.choice(SUFFIX)}".strip(),
                    "Operations lead",
                    f"{first}.{last}{i}@{company}.example".lower().replace("'", ""),
                    f"+1{200 + i % 700}{i % 10_000_000:07d}",
                    rng.choice(["web form", "trade show", "referral", "csv import"]),
                    rng.choice(["Widgets", "Gadgets", "Service plan"]),
                    "Interested in a quote.",
                    "",
                    "",
                    status,
                    stamp(received),
                    stamp(received + timedelta(minutes=rng.randint(2, 600))) if contacted else None,
                    step,
                    "awareness",
                    0,
                    0,
                    0,
                    int(dnc),
                    "{}",
                    "[]",
                    stamp(received),
                    stamp(received),
                )
            )
        with con:
            con.executemany(sql, rows)
        print(
            f"  generating: {chunk + len(rows):,} / {LEADS:,} leads "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    con.execute("ANALYZE")
    con.close()
    partial.rename(path)
    print(f"made {path} in {time.perf_counter() - started:.0f} s")
    return path


# -- 2. prefix search -----------------------------------------------------------------------------
def prefixes() -> list[str]:
    return [word[:n] for word in WORDS for n in range(2, len(word) + 1)]


def app_search(db: Path, runs: int) -> dict[str, float]:
    from repdesk.app import open_workspace
    from repdesk.services.inbox.inbox_service import InboxFilter, InboxService

    workspace = open_workspace(f"sqlite:///{db}", migrate=False)
    service = InboxService(workspace.sessions, workspace.clock)
    end = workspace.end_of_today(workspace.clock())
    best: dict[str, float] = {}
    try:
        for _ in range(runs):
            for text in prefixes():
                started = time.perf_counter()
                snapshot = service.any_snapshot(InboxFilter(search=text), end)
                rows = snapshot.fetch(0, 200)
                seconds = time.perf_counter() - started
                assert len(rows) == min(200, snapshot.total)
                best[text] = min(best.get(text, seconds), seconds)
    finally:
        workspace.close()
    return best


def floor_search(db: Path, runs: int) -> dict[str, float]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    best: dict[str, float] = {}
    for _ in range(runs):
        for text in prefixes():
            query = '"' + text + '"*'
            started = time.perf_counter()
            rows = con.execute(
                "SELECT rowid FROM leads_fts WHERE leads_fts MATCH ? LIMIT 200", (query,)
            ).fetchall()
            total = con.execute(
                "SELECT count(*) FROM leads_fts WHERE leads_fts MATCH ?", (query,)
            ).fetchone()[0]
            seconds = time.perf_counter() - started
            assert len(rows) == min(200, total)
            best[text] = min(best.get(text, seconds), seconds)
    con.close()
    return best


# -- 3. inbox open, jump to bottom, memory (each side in its own process) -------------------------
def child(side: str, db: Path, memory: bool) -> None:
    """Open the inbox over `db` in a QTableView, show the first rows, jump to the bottom; print
    JSON."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication(sys.argv[:1])
    if side == "app":
        from repdesk.core.inbox import end_of_day
        from repdesk.services.inbox.inbox_service import InboxFilter, InboxService
        from repdesk.store.engine import make_engine, make_session_factory
        from repdesk.ui.inbox.lead_table_model import LeadTableModel
    else:

        class FloorModel(QAbstractTableModel):
            """Minimal windowed model: count(*) rows, pages of 200 by LIMIT/OFFSET in rowid
            order."""

            def __init__(self, con: sqlite3.Connection) -> None:
                super().__init__()
                self.con, self.pages = con, {}
                self.rows = con.execute("SELECT count(*) FROM leads").fetchone()[0]

            def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
                return 0 if parent.isValid() else self.rows

            def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008
                return 0 if parent.isValid() else 8

            def data(self, index, role=Qt.ItemDataRole.DisplayRole):
                if role != Qt.ItemDataRole.DisplayRole:
                    return None
                page = index.row() // 200
                if page not in self.pages:
                    self.pages[page] = self.con.execute(
                        "SELECT received_at, first_name || ' ' || last_name, company, status, "
                        "next_follow_up_at, "
                        "source, owner_id, product FROM leads ORDER BY rowid LIMIT 200 OFFSET ?",
                        (page * 200,),
                    ).fetchall()
                row = self.pages[page][index.row() % 200]
                return None if row[index.column()] is None else str(row[index.column()])

    view = QTableView()
    view.resize(1280, 800)
    if memory:
        import tracemalloc

        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset the peak RSS: imports and QApplication are not the inbox's cost
        base_rss = _status("VmRSS")
        tracemalloc.start()
    started = time.perf_counter()
    if side == "app":
        engine = make_engine(f"sqlite:///{db}")
        service = InboxService(make_session_factory(engine), lambda: datetime.now(UTC))
        model = LeadTableModel(lambda: datetime.now(UTC), lambda: 5)
        model.set_snapshot(
            service.any_snapshot(
                InboxFilter(), end_of_day(datetime.now(UTC), datetime.now().astimezone().tzinfo)
            )
        )
    else:
        model = FloorModel(sqlite3.connect(f"file:{db}?mode=ro", uri=True))
    view.setModel(model)
    view.show()
    view.viewport().grab()  # paints the visible rows: every cell's data() is asked for
    first = time.perf_counter() - started
    assert model.data(model.index(0, 1)) is not None
    started = time.perf_counter()
    view.scrollToBottom()
    view.viewport().grab()
    bottom = time.perf_counter() - started
    assert model.data(model.index(model.rowCount() - 1, 1)) is not None
    result = {"rows": model.rowCount(), "first": first, "bottom": bottom}
    if memory:
        result["traced_peak"] = tracemalloc.get_traced_memory()[1]
        result["rss_peak"] = _status("VmHWM") - base_rss
    print(json.dumps(result))
    app.quit()


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def run_child(side: str, db: Path, memory: bool) -> dict[str, float]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        QT_LOGGING_RULES="qt.qpa.*=false",
        PYTHONPATH=str(ROOT),
    )
    command = [sys.executable, __file__, "--child", side, str(db)] + (
        ["--memory"] if memory else []
    )
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"bench_inbox: the {side} inbox child failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def inbox(db: Path, runs: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for side in ("floor", "app"):
        run_child(side, db, False)  # warm the page cache; not counted
        timed = [run_child(side, db, False) for _ in range(runs)]
        mem = [run_child(side, db, True) for _ in range(2)]
        out[side] = {
            "rows": timed[0]["rows"],
            "first": min(t["first"] for t in timed),
            "bottom": min(t["bottom"] for t in timed),
            "rss_peak": min(m["rss_peak"] for m in mem),
            "traced_peak": min(m["traced_peak"] for m in mem),
        }
    return out


# -- main -----------------------------------------------------------------------------------------
def verdict(ratio: float, key: str) -> str:
    return "PASS" if ratio <= TARGETS[key] else "FAIL"


def main() -> int:
    global IMPORT_ROWS
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("import", "search", "inbox"),
        default=[],
        help="run only these measures (default: all)",
    )
    parser.add_argument(
        "measures", nargs="*", help=argparse.SUPPRESS
    )  # the older spelling: bench_inbox.py import
    parser.add_argument("--rows", type=int, default=IMPORT_ROWS, help="rows the import reads")
    args = parser.parse_args()
    IMPORT_ROWS = args.rows
    if unknown := set(args.measures) - {"import", "search", "inbox"}:
        parser.error(f"unknown measure(s): {', '.join(sorted(unknown))}")
    only = set(args.only) | set(args.measures) or {"import", "search", "inbox"}
    work = Path(tempfile.mkdtemp(prefix="repdesk-bench-inbox-"))
    summary: list[tuple[str, str, str, float, str]] = []
    if "import" in only:
        summary += import_measures(work)
    if only & {"search", "inbox"}:
        db = database()
    if "search" in only:
        floor_s, app_s = floor_search(db, 3), app_search(db, 3)
        for text in prefixes():
            print(
                f"search {text!r:10}: floor {floor_s[text] * 1000:7.1f} ms, "
                f"repdesk {app_s[text] * 1000:7.1f} ms, "
                f"{app_s[text] / floor_s[text]:5.2f}×"
            )
        worst = max(prefixes(), key=lambda t: app_s[t] / floor_s[t])
        total_f, total_a = sum(floor_s.values()), sum(app_s.values())
        summary.append(
            (
                f"search, {len(prefixes())} keystrokes",
                f"{total_f * 1000:.0f} ms",
                f"{total_a * 1000:.0f} ms",
                total_a / total_f,
                "search",
            )
        )
        summary.append(
            (
                f"search, worst key {worst!r}",
                f"{floor_s[worst] * 1000:.1f} ms",
                f"{app_s[worst] * 1000:.1f} ms",
                app_s[worst] / floor_s[worst],
                "search",
            )
        )
    if "inbox" in only:
        sides = inbox(db, 3)
        f, a = sides["floor"], sides["app"]
        print(f"inbox rows: floor {f['rows']:,}, repdesk {a['rows']:,} (open leads only)")
        print(
            f"traced Python peak: floor {f['traced_peak'] / 2**20:.1f} MiB, repdesk "
            f"{a['traced_peak'] / 2**20:.1f} MiB"
        )
        summary.append(
            (
                "inbox open to first rows",
                f"{f['first'] * 1000:.0f} ms",
                f"{a['first'] * 1000:.0f} ms",
                a["first"] / f["first"],
                "open",
            )
        )
        summary.append(
            (
                "inbox jump to bottom",
                f"{f['bottom'] * 1000:.0f} ms",
                f"{a['bottom'] * 1000:.0f} ms",
                a["bottom"] / f["bottom"],
                "bottom",
            )
        )
        summary.append(
            (
                "inbox peak RSS growth",
                f"{f['rss_peak'] / 2**20:.1f} MiB",
                f"{a['rss_peak'] / 2**20:.1f} MiB",
                a["rss_peak"] / max(f["rss_peak"], 1),
                "memory",
            )
        )
    print()
    print(f"{'measure':36} {'floor':>11} {'repdesk':>11} {'ratio':>7}  target  verdict")
    failed = 0
    for name, floor_text, app_text, ratio, key in summary:
        result = verdict(ratio, key)
        failed += result == "FAIL"
        print(
            f"{name:36} {floor_text:>11} {app_text:>11} {ratio:6.2f}×  ≤ {TARGETS[key]:<4}  "
            f"{result}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]), "--memory" in sys.argv)
        sys.exit(0)
    sys.exit(main())
