"""Benchmark (issues 15 and 20, 19.9): a 1,000,000-lead workspace with most steps due today.

Every figure against a floor measured in the same run (peak RSS from the operating system):
- the start-up migration of the workspace (to the lean schema) against VACUUM INTO of the same
  file, with its progress reports (≤ 3×);
- Today page open to its first painted rows and jump to bottom against a minimal windowed model
  over the same query (≤ 2×), and their RSS growth (≤ 1.5×);
- the calendar's month counts on the busy month against a raw GROUP BY day (≤ 2×);
- `repdesk followup done ID` against the same command on a 10-lead workspace (≤ 1.5×);
- `followups --due today --json` and `leads --json` against a raw sqlite3 cursor → json stream
  writing the same bytes (≤ 2×, peak RSS ≤ 100 MiB);
- `export-ics` of every pending step against plain string formatting of the same events (≤ 3×,
  peak RSS ≤ 150 MiB);
- the all-time `report --json` against raw SQL computing the same aggregates (≤ 2×);
- `repdesk import` of a 1,000,000-row CSV (bench_inbox's HubSpot-like rows) into a new workspace:
  peak RSS ≤ 300 MiB (issue 20.6; its time is printed, the import floors are bench_inbox's).

Run: .venv/bin/python tests/bench/bench_scale.py [--only migrate today calendar done json
export report import]; REPDESK_BENCH_LEADS=N for a smaller workspace. The generated file is cached
per day (most steps are due on the day it was made, so it is made again after three days) in
/tmp/repdesk-bench-scale, with the import's CSV.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LEADS = int(os.environ.get("REPDESK_BENCH_LEADS", "1000000"))
CACHE = Path(tempfile.gettempdir()) / "repdesk-bench-scale"
TARGETS = {
    "migrate": 3.0,
    "open": 2.0,
    "bottom": 2.0,
    "memory": 1.5,
    "month": 2.0,
    "done": 1.5,
    "json": 2.0,
    "export": 3.0,
    "report": 2.0,
    "rss_json": 100.0,
    "rss_export": 150.0,
    "rss_import": 300.0,
}
MEASURES = ("migrate", "today", "calendar", "done", "json", "export", "report", "import")
ENV = dict(
    os.environ,
    QT_QPA_PLATFORM="offscreen",
    QT_LOGGING_RULES="qt.qpa.*=false",
    PYTHONPATH=str(ROOT),
)


def old_workspace() -> Path:
    """The generated workspace at the revision before the lean schema (cached for the day)."""
    from tests.bench.import_floors import BEFORE_LEAN
    from tests.bench.scale_data import generate

    path = CACHE / f"old-{LEADS}.sqlite3"
    if path.exists() and time.time() - path.stat().st_mtime > 3 * 86_400:
        path.unlink()  # its steps were due days ago: make one whose steps are due today
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        for stale in CACHE.glob(f"*-{LEADS}.*"):  # not another size's ("-100000" in "-1000000")
            stale.unlink()
        partial = path.with_suffix(".partial")
        generate(partial, LEADS)
        partial.rename(path)
    _bring_to(path, BEFORE_LEAN)  # a file an older bench_scale made: the migrations before lean
    return path


def _bring_to(path: Path, revision: str) -> None:
    from alembic.command import upgrade

    from repdesk.store.engine import make_engine
    from repdesk.store.migrate import alembic_config
    from repdesk.store.sqlite_file import sqlite_tables_and_revision

    if (sqlite_tables_and_revision(path)[1] or "") < revision:
        engine = make_engine(f"sqlite:///{path}")
        upgrade(alembic_config(engine), revision)
        engine.dispose()


def lean_workspace(old: Path) -> Path:
    """The same workspace migrated to the newest schema (cached beside it)."""
    from repdesk.migrations import HEAD_REVISION

    path = old.with_name(old.name.replace("old-", f"head{HEAD_REVISION}-"))
    if not path.exists():
        partial = path.with_suffix(".partial")
        shutil.copy2(old, partial)
        migrate(partial, quiet=True)
        partial.rename(path)
    return path


def migrate(path: Path, quiet: bool = False) -> tuple[float, list[tuple[float, str]]]:
    from repdesk.store.engine import make_engine
    from repdesk.store.migrate import ensure_schema

    reports: list[tuple[float, str]] = []
    engine = make_engine(f"sqlite:///{path}")
    started = time.perf_counter()
    ensure_schema(engine, lambda share, what: reports.append((share, what)))
    seconds = time.perf_counter() - started
    engine.dispose()
    for backup in path.parent.glob(path.name + ".*.bak"):
        backup.unlink()
    if not quiet:
        shown = [r for i, r in enumerate(reports) if i % max(1, len(reports) // 8) == 0]
        print("  progress: " + ", ".join(f"{s:.0%} {w}" for s, w in shown + reports[-1:]))
    return seconds, reports


def measure_migration(old: Path, work: Path) -> list[tuple[str, str, str, float, str]]:
    copy, source, target = work / "migrate.sqlite3", work / "vacuum.sqlite3", work / "into.sqlite3"
    shutil.copy2(old, copy)
    seconds, reports = migrate(copy)
    assert reports and reports[-1][0] == 1.0, reports[-3:]
    shutil.copy2(old, source)
    target.unlink(missing_ok=True)
    con = sqlite3.connect(source)
    started = time.perf_counter()
    con.execute(f"VACUUM INTO '{target}'")
    vacuum = time.perf_counter() - started
    con.close()
    size = old.stat().st_size / 2**20
    print(
        f"migration of {LEADS:,} leads ({size:.0f} MiB): {seconds:.1f} s, "
        f"VACUUM INTO {vacuum:.1f} s"
    )
    for path in (copy, source, target):
        path.unlink(missing_ok=True)
    return [
        (
            "migration / VACUUM INTO",
            f"{vacuum:.1f} s",
            f"{seconds:.1f} s",
            seconds / vacuum,
            "migrate",
        )
    ]


# -- subprocesses: time and peak RSS ---------------------------------------------------------------
def run(command: list[str], *, hash_out: bool = False) -> tuple[float, float, str]:
    """(seconds, peak RSS MiB, sha256 of stdout) of one process, stdout read as it comes.

    The peak RSS comes from GNU time, whose own child it is: Linux counts what a process held
    before exec in its peak, so a child forked straight from this (large) process would report
    this process's size.
    """
    handle, name = tempfile.mkstemp(prefix="repdesk-bench-rss-")
    os.close(handle)
    report = Path(name)
    started = time.perf_counter()
    child = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", "-o", str(report), *command],
        env=ENV,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    digest = hashlib.sha256()
    assert child.stdout is not None and child.stderr is not None
    while block := child.stdout.read(1 << 20):
        if hash_out:
            digest.update(block)
    error = child.stderr.read().decode()
    seconds_code = child.wait()
    seconds = time.perf_counter() - started
    peak = report.read_text().strip().splitlines()[-1]
    report.unlink()
    if seconds_code != 0:
        raise SystemExit(f"bench_scale: {' '.join(command[:6])} failed:\n{error[-2000:]}")
    return seconds, int(peak) / 1024, digest.hexdigest()


def repdesk(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "repdesk", "--db", str(db), *args]


def floor(name: str, db: Path, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).with_name("scale_floors.py")), name, str(db), *args]


def best(command: list[str], runs: int = 3, hash_out: bool = False) -> tuple[float, float, str]:
    results = [run(command, hash_out=hash_out) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), results[0][2]


def measure_json(db: Path) -> list[tuple[str, str, str, float, str]]:
    out = []
    for label, app_args, floor_args in (
        ("followups --due today --json", ("followups", "--due", "today", "--json"), ("followups",)),
        ("leads --json", ("leads", "--json"), ("leads",)),
    ):
        app, app_rss, app_hash = best(repdesk(db, *app_args), hash_out=True)
        raw, raw_rss, raw_hash = best(floor("json_" + floor_args[0], db), hash_out=True)
        assert app_hash == raw_hash, f"{label}: repdesk and the floor wrote different JSON"
        print(
            f"{label}: repdesk {app:.1f} s, {app_rss:.0f} MiB peak; "
            f"floor {raw:.1f} s, {raw_rss:.0f} MiB"
        )
        out.append((f"{label} time", f"{raw:.1f} s", f"{app:.1f} s", app / raw, "json"))
        out.append((f"{label} peak RSS", "", f"{app_rss:.0f} MiB", app_rss, "rss_json"))
    return out


def measure_export(db: Path, work: Path) -> list[tuple[str, str, str, float, str]]:
    target = work / "all.ics"
    app, app_rss, _ = best(repdesk(db, "export-ics", str(target)), runs=2)
    events = target.read_text(encoding="utf-8").count("BEGIN:VEVENT")
    plain = work / "plain.ics"
    raw, _, _ = best(floor("ics", db, str(plain)), runs=2)
    assert plain.read_text(encoding="utf-8").count("BEGIN:VEVENT") == events
    print(
        f"export-ics of {events:,} steps: repdesk {app:.1f} s, {app_rss:.0f} MiB peak; "
        f"plain formatting {raw:.1f} s"
    )
    return [
        ("export-ics every pending step", f"{raw:.1f} s", f"{app:.1f} s", app / raw, "export"),
        ("export-ics peak RSS", "", f"{app_rss:.0f} MiB", app_rss, "rss_export"),
    ]


def measure_report(db: Path) -> list[tuple[str, str, str, float, str]]:
    app, _, app_hash = best(repdesk(db, "report", "--json", "--from", "2000-01-01"), hash_out=True)
    raw, _, _ = best(floor("report", db))
    print(f"all-time report --json: repdesk {app:.1f} s, raw SQL {raw:.1f} s")
    return [("report --json, all time", f"{raw:.2f} s", f"{app:.2f} s", app / raw, "report")]


def measure_import(work: Path) -> list[tuple[str, str, str, float, str]]:
    """The CLI's import of LEADS generated CSV rows into a new workspace: time and peak RSS."""
    from tests.bench.bench_inbox import make_csv

    source = CACHE / f"import-{LEADS}.csv"  # the rows are the same every time: made once
    if not source.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = source.with_suffix(".partial")
        make_csv(partial, LEADS)
        partial.rename(source)
    target = work / "import.sqlite3"
    seconds, rss, _ = run(repdesk(target, "import", "--as", "inquiries", "--json", str(source)))
    with sqlite3.connect(target) as con:
        leads = con.execute("SELECT count(*) FROM leads").fetchone()[0]
    print(f"import of {LEADS:,} CSV rows ({leads:,} leads): {seconds:.1f} s, {rss:.0f} MiB peak")
    for leftover in work.glob("import.sqlite3*"):
        leftover.unlink()
    return [(f"import {LEADS:,} rows peak RSS", "", f"{rss:.0f} MiB", rss, "rss_import")]


def measure_done(db: Path, work: Path) -> list[tuple[str, str, str, float, str]]:
    from repdesk.app import open_workspace
    from repdesk.launch import ensure_demo

    small = work / "ten.sqlite3"
    ws = open_workspace(f"sqlite:///{small}")
    ensure_demo(ws)
    with ws.engine.begin() as con:  # ten leads, each with its step
        con.exec_driver_sql("DELETE FROM leads WHERE id > 10")
    ws.close()

    def step_of(path: Path, n: int) -> int:
        with sqlite3.connect(path) as con:
            return int(
                con.execute(
                    "SELECT id FROM follow_ups WHERE status = 'pending' ORDER BY id "
                    "LIMIT 1 OFFSET ?",
                    (n,),
                ).fetchone()[0]
            )

    timings = {}
    for name, path in (("10 leads", small), (f"{LEADS:,} leads", db)):
        runs = [
            run(repdesk(path, "followup", "done", str(step_of(path, i)), "--outcome", "voicemail"))[
                0
            ]
            for i in range(5)
        ]
        timings[name] = min(runs)
    few, many = timings["10 leads"], timings[f"{LEADS:,} leads"]
    print(f"followup done: {few:.2f} s on 10 leads, {many:.2f} s on {LEADS:,}")
    return [("followup done ID", f"{few:.2f} s", f"{many:.2f} s", many / few, "done")]


def measure_month(db: Path) -> list[tuple[str, str, str, float, str]]:
    from repdesk.app import open_workspace
    from tests.bench.scale_floors import month_counts_floor

    ws = open_workspace(f"sqlite:///{db}", migrate=False)
    today = ws.clock().astimezone(ws.zone()).date()
    first = today.replace(day=1)
    grid = first.fromordinal(first.toordinal() - first.weekday() - 7)
    last = grid.fromordinal(grid.toordinal() + 55)
    app_runs, app_counts = [], {}
    for _ in range(5):
        started = time.perf_counter()
        app_counts = ws.followups.day_counts(grid, last)
        app_runs.append(time.perf_counter() - started)
    ws.close()
    floor_runs, floor_counts = [], {}
    for _ in range(5):
        started = time.perf_counter()
        floor_counts = month_counts_floor(db, grid, last)
        floor_runs.append(time.perf_counter() - started)
    # The totals agree (overdue moves with the clock between the two reads).
    assert {d: n for d, (n, _) in app_counts.items()} == {
        d: n for d, (n, _) in floor_counts.items()
    }, "the month counts differ from the floor's"
    app, raw = min(app_runs), min(floor_runs)
    busiest = max(app_counts.values(), default=(0, 0))[0]
    print(
        f"calendar month counts ({busiest:,} steps on the busiest day): "
        f"repdesk {app * 1000:.0f} ms, GROUP BY day {raw * 1000:.0f} ms"
    )
    return [
        (
            "calendar month counts",
            f"{raw * 1000:.0f} ms",
            f"{app * 1000:.0f} ms",
            app / raw,
            "month",
        )
    ]


def measure_today(db: Path) -> list[tuple[str, str, str, float, str]]:
    sides = {}
    for side in ("floor", "app"):
        command = [sys.executable, str(Path(__file__).with_name("scale_today.py")), side, str(db)]
        run(command)  # warm the page cache
        timed = []
        for memory in (False, False, False, True, True):
            started = subprocess.run(
                command + (["--memory"] if memory else []),
                env=ENV,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=900,
            )
            if started.returncode != 0:
                raise SystemExit(
                    f"bench_scale: the {side} Today child failed:\n{started.stderr[-2000:]}"
                )
            timed.append(json.loads(started.stdout.strip().splitlines()[-1]))
        sides[side] = {
            "rows": timed[0]["rows"],
            "headings": timed[0]["headings"],
            "first": min(t["first"] for t in timed[:3]),
            "bottom": min(t["bottom"] for t in timed[:3]),
            "rss": min(t["rss_peak"] for t in timed[3:]),
        }
    f, a = sides["floor"], sides["app"]
    assert f["rows"] == a["rows"], f"Today's steps: floor {f['rows']:,}, app {a['rows']:,}"
    print(f"Today rows: {a['rows']:,} steps under {a['headings']} headings")
    ms = "{:.0f} ms".format
    mib = "{:.1f} MiB".format
    return [
        ("Today open to first rows", ms(f["first"] * 1000), ms(a["first"] * 1000),
         a["first"] / f["first"], "open"),
        ("Today jump to bottom", ms(f["bottom"] * 1000), ms(a["bottom"] * 1000),
         a["bottom"] / f["bottom"], "bottom"),
        ("Today peak RSS growth", mib(f["rss"] / 2**20), mib(a["rss"] / 2**20),
         a["rss"] / max(f["rss"], 1), "memory"),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", nargs="+", choices=MEASURES, default=list(MEASURES))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="repdesk-bench-scale-"))
    summary: list[tuple[str, str, str, float, str]] = []
    if "import" in args.only:
        summary += measure_import(work)
    db = work / "scale.sqlite3"  # a working copy: the commands below write to it
    if set(args.only) - {"import"}:
        old = old_workspace()
        if "migrate" in args.only:
            summary += measure_migration(old, work)
        shutil.copy2(lean_workspace(old), db)
    if "today" in args.only:
        summary += measure_today(db)
    if "calendar" in args.only:
        summary += measure_month(db)
    if "json" in args.only:
        summary += measure_json(db)
    if "report" in args.only:
        summary += measure_report(db)
    if "export" in args.only:
        summary += measure_export(db, work)
    if "done" in args.only:
        summary += measure_done(db, work)
    shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'measure':34} {'floor':>10} {'repdesk':>10} {'ratio':>8}  target   verdict")
    failed = 0
    for name, floor_text, app_text, ratio, key in summary:
        ok = ratio <= TARGETS[key]
        failed += not ok
        shown = f"{ratio:7.2f}×" if not key.startswith("rss") else f"{ratio:5.0f} MiB"
        limit = f"≤ {TARGETS[key]:g}" + (" MiB" if key.startswith("rss") else "×")
        print(
            f"{name:34} {floor_text:>10} {app_text:>10} {shown:>8}  {limit:8} "
            f"{'PASS' if ok else 'FAIL'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
