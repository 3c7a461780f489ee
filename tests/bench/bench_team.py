"""Benchmark (issue 16): reps in separate processes, each signed in with its own PostgreSQL login,
work one team database for a while: open the inbox (Mine + Unassigned, first page), claim a lead,
answer the script (start it, save the answers), complete a step; then a pause of `--think`
seconds on average (0.5–1.5×: reading the lead, talking; a real rep's round takes minutes, so this
is many times a real team's pace). With no pause, 20 processes on a small machine measure only
how its cores are shared out, not how the reps get in each other's way.

The floor, "one rep alone", is the same client doing the same four actions with the same pauses,
on the same database in the same run, for `--alone-seconds` before the team and as long after
(whatever else the machine runs meanwhile weighs on both sides alike; pooled). Same pauses, not
shorter ones: a client that goes back to work at once finds its process, its connection and the
server's caches warm, one that waited three seconds does not, so a floor paced faster than the
team measures the pacing, not the team. The floor's rounds are fewer for it, hence the longer
time alone.

Another client (a rep's window, in its own process) listens as a window does: it gathers the
notifications like ui/team/live_queue (GATHER_MS, at most one refresh per REFRESH_EVERY_MS) and
refreshes its inbox as ui/inbox/inbox_page_live does: the leads the notifications name read
again and the list counted again (the whole list read again when they name none); a change
"shows" when that refresh has finished.

Printed: p50/p95 of each action with every rep working against one rep alone (target ≤ 1.5×);
the p95 delay until the other client shows a completed step (target ≤ 2 s); the counts of lost
updates (a completion that reported success but logged nothing or closed no step), duplicate
call logs (more logged than steps closed, per lead) and deadlock errors (target 0); the cores,
and how busy the machine and the reps' processes kept them (other programs on the machine
included). Then where the time of the slowest rounds went: statements per action, the time
spent waiting for the database's answers against the time outside it (the client's own work and
its turn for a core), and the locks anybody waited for (pg_locks, sampled).
A throwaway PostgreSQL is started on 127.0.0.1 (initdb, like the tests').
Run: .venv/bin/python tests/bench/bench_team.py [--reps 20] [--leads 100000] [--seconds 60]
     [--think 3] [--alone-seconds SECONDS]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, insert, select  # noqa: E402

from repdesk.app import open_workspace  # noqa: E402
from repdesk.core.inbox import InboxFilter  # noqa: E402
from repdesk.services.common.errors import UserError  # noqa: E402
from repdesk.services.inbox.inbox_service import MINE_AND_UNASSIGNED  # noqa: E402
from repdesk.services.team import team_setup  # noqa: E402
from repdesk.store.change_feed import Changed, ChangeFeed  # noqa: E402
from repdesk.store.models import ActivityRecord, FollowUpRecord, LeadRecord  # noqa: E402
from repdesk.ui.team.live_queue import GATHER_MS, REFRESH_EVERY_MS  # noqa: E402
from tests.fixtures.postgres import start_postgres  # noqa: E402

PASSWORD = "bench-password-1"
ACTIONS = ("inbox", "claim", "script", "complete")
TARGET_RATIO = 1.5
TARGET_DELAY_S = 2.0


def setup(base: str, reps: int, leads: int) -> tuple[str, list[str]]:
    import psycopg

    url = f"{base}/bench"
    with psycopg.connect(base.replace("+psycopg", "") + "/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE bench")
    team_setup.init_team(url)
    logins = []
    for i in range(reps + 1):  # the last one works alone, before and after the team
        login = f"rep{i:02d}"
        team_setup.add_rep(url, name=f"Rep {i:02d}", login=login, password=PASSWORD)
        logins.append(login)
    now = datetime.now(UTC)
    ws = open_workspace(url)
    with ws.sessions.begin() as session:
        rows = [
            {
                "first_name": f"Lead{i}",
                "last_name": "Bench",
                "company": f"Company {i % 5000}",
                "email": f"lead{i}@bench{i % 997}.example",
                "received_at": now - timedelta(minutes=i % 20_000),
                "created_at": now,
                "updated_at": now,
            }
            for i in range(leads)
        ]
        for start in range(0, leads, 5000):
            session.execute(insert(LeadRecord), rows[start : start + 5000])
    ws.followups.ensure_all()  # every lead has its pending step
    ws.close()
    return url, logins


def worker(
    url: str, login: str, seconds: float, leads: int, seed: int, think: float, out: Any, done: Any
) -> None:
    """One rep's client: the four actions in turn, then a pause, until the time is up."""
    from sqlalchemy import event

    rep_url = url.replace("postgres@", f"{login}:{PASSWORD}@")
    ws = open_workspace(rep_url)
    services = ws.services
    rng = random.Random(seed)
    timings: dict[str, list[float]] = defaultdict(list)
    # Per action and round: (statements, seconds waiting for the database's answers).
    sql: dict[str, list[tuple[int, float]]] = defaultdict(list)
    waited = [0, 0.0]  # statements and seconds since the action began
    engine = ws.sessions.kw["bind"]

    @event.listens_for(engine, "before_cursor_execute")
    def _sent(conn: Any, *_args: Any) -> None:
        conn.info["sent"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(conn: Any, *_args: Any) -> None:
        waited[0] += 1
        waited[1] += time.perf_counter() - conn.info["sent"]

    marks: list[tuple[int, float]] = []

    def mark() -> None:
        marks.append((waited[0], waited[1]))

    counts = {"completed": 0, "refused": 0, "deadlocks": 0, "errors": 0}
    flt = InboxFilter(owner=MINE_AND_UNASSIGNED)
    end = time.perf_counter() + seconds
    time.sleep(rng.uniform(0, think))  # the reps do not all start at the same instant
    warm = True  # the first round fills the process's caches (imports, the script): not timed
    cpu0 = time.process_time()
    while time.perf_counter() < end:
        lead = rng.randint(1, leads)
        marks.clear()
        try:
            mark()
            t0 = time.perf_counter()
            snapshot = services.inbox.any_snapshot(flt, datetime.now(UTC) + timedelta(hours=12))
            snapshot.fetch(0, 100)
            t1 = time.perf_counter()
            mark()
            services.team.claim(lead)
            t2 = time.perf_counter()
            mark()
            run = services.qualifications.start_or_resume(lead)
            services.qualifications.save_draft(lead, {q.key: None for q in run.questions[:1]})
            t3 = time.perf_counter()
            mark()
            step = services.followups.list(lead_id=lead)[0].id
            services.followups.complete(step, outcome="voicemail")
            t4 = time.perf_counter()
            mark()
            done.put((lead, time.time()))
            counts["completed"] += 1
            if warm:
                warm, cpu0 = False, time.process_time()
                continue
            counts["timed"] = counts.get("timed", 0) + 1
            for name, a, b in (("inbox", t0, t1), ("claim", t1, t2), ("script", t2, t3)):
                timings[name].append(b - a)
            timings["complete"].append(t4 - t3)
            for name, (a, b) in zip(ACTIONS, zip(marks, marks[1:], strict=False), strict=True):
                sql[name].append((b[0] - a[0], b[1] - a[1]))
        except UserError:
            counts["refused"] += 1  # another rep's lead, or a step just completed: one sentence
        except Exception as exc:  # noqa: BLE001 - counted, the benchmark goes on
            if "deadlock" in str(exc).lower():
                counts["deadlocks"] += 1
            else:
                counts["errors"] += 1
        time.sleep(think * rng.uniform(0.5, 1.5))
    counts["cpu_ms"] = int((time.process_time() - cpu0) * 1000)  # the timed rounds' own CPU
    ws.close()
    out.put((login, dict(timings), counts, dict(sql)))


def listener(url: str, finished: Any, heard: Any, ready: Any) -> None:
    """Another rep's window: hears the notifications, gathers them as ui/team/live_queue does and
    re-reads its inbox; records when each re-read finished and which leads it was for."""
    import queue
    import threading

    notes: queue.Queue[frozenset[int] | None] = queue.Queue()

    def on_change(changed: Changed) -> None:
        if changed.table == "follow_ups":
            notes.put(changed.ids)

    rep_url = url.replace("postgres@", f"rep00:{PASSWORD}@")
    ws = open_workspace(rep_url)
    flt = InboxFilter(owner=MINE_AND_UNASSIGNED)
    shown: list[tuple[float, frozenset[int] | None]] = []
    feed = ChangeFeed(rep_url, on_change)
    feed.start()
    stop = threading.Event()

    inbox = ws.services.inbox
    snapshot = inbox.snapshot(flt, datetime.now(UTC) + timedelta(hours=12))

    def window() -> None:
        nonlocal snapshot
        last = -1e9
        while not stop.is_set():
            try:
                first = notes.get(timeout=0.2)
            except queue.Empty:
                continue
            wait = max(GATHER_MS, REFRESH_EVERY_MS - (time.monotonic() - last) * 1000) / 1000
            time.sleep(wait)
            batch: set[int] | None = set(first) if first is not None else None
            while not notes.empty():
                more = notes.get()
                batch = None if batch is None or more is None else batch | more
            last = time.monotonic()
            if batch is None or snapshot.order is None:  # as the window: read the list again
                snapshot = inbox.snapshot(flt, datetime.now(UTC) + timedelta(hours=12))
                snapshot.fetch(0, 100)
            else:  # as the window: the leads named read again, the list counted again
                snapshot.reread(batch)
                inbox.snapshot(flt, snapshot.order.end_of_today, snapshot.order.late_before)
            shown.append((time.time(), frozenset(batch) if batch is not None else None))

    thread = threading.Thread(target=window, daemon=True)
    thread.start()
    time.sleep(1.0)
    ready.set()
    finished.wait()  # until every worker is done
    time.sleep(2.5)  # the last commits' notifications
    stop.set()
    thread.join(5)
    feed.stop()
    ws.close()
    heard.put(shown)


def _busy() -> tuple[int, int]:
    """The machine's busy and total CPU ticks so far (/proc/stat: every core, every program)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


class Waits:
    """What the server's sessions were doing, sampled every 0.1 s while the reps work: the locks
    waited for (pg_locks, not granted) and the wait events of the active sessions
    (pg_stat_activity; none: running or waiting for a core)."""

    def __init__(self, url: str) -> None:
        import threading

        self._dsn = url.replace("+psycopg", "")
        self.samples = 0
        self.locks: dict[str, int] = defaultdict(int)
        self.events: dict[str, int] = defaultdict(int)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Waits:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def _sample(self) -> None:
        import psycopg

        with psycopg.connect(self._dsn, autocommit=True) as conn:
            while not self._stop.wait(0.1):
                self.samples += 1
                for kind, mode, n in conn.execute(
                    "SELECT locktype, mode, count(*) FROM pg_locks WHERE NOT granted GROUP BY 1, 2"
                ):
                    self.locks[f"{kind} {mode}"] += n
                for kind, name, n in conn.execute(
                    "SELECT coalesce(wait_event_type, '-'), coalesce(wait_event, 'on a core'), "
                    "count(*) FROM pg_stat_activity WHERE state = 'active' "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                    "GROUP BY 1, 2"
                ):
                    self.events[f"{kind}:{name}"] += n


def run(
    url: str, logins: list[str], seconds: float, leads: int, think: float
) -> tuple[
    list[Any], list[tuple[int, float]], list[tuple[float, frozenset[int] | None]], float, Waits
]:
    """The reps' results, the commits (lead, when), what the other window showed when, how busy
    the machine's cores were meanwhile (0..1), and what the server's sessions waited for."""
    ctx = mp.get_context("spawn")
    out, done, heard = ctx.Queue(), ctx.Queue(), ctx.Queue()
    ready, finished = ctx.Event(), ctx.Event()
    watch = ctx.Process(target=listener, args=(url, finished, heard, ready))
    watch.start()
    ready.wait(30)
    procs = [
        ctx.Process(target=worker, args=(url, login, seconds, leads, i, think, out, done))
        for i, login in enumerate(logins)
    ]
    before = _busy()
    with Waits(url) as waits:
        for p in procs:
            p.start()
        results = [out.get() for _ in procs]
    after = _busy()
    busy = (after[0] - before[0]) / max(1, after[1] - before[1])
    for p in procs:
        p.join()
    finished.set()
    commits = []
    while not done.empty():
        commits.append(done.get())
    received = heard.get()
    watch.join()
    return results, commits, received, busy, waits


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _split(walls: list[float], sql: list[tuple[int, float]], who: str) -> str:
    """Statements, and the time waiting for the database against the rest, of the rounds at or
    above the p95 (and of all rounds)."""
    pairs = list(zip(walls, sql, strict=True))
    if not pairs:
        return f"{who} -"
    edge = pct(walls, 0.95)
    slow = [p for p in pairs if p[0] >= edge]

    def mean(rows: list[tuple[float, tuple[int, float]]]) -> str:
        n = len(rows)
        wall = sum(w for w, _ in rows) / n * 1000
        db = sum(s[1] for _, s in rows) / n * 1000
        statements = sum(s[0] for _, s in rows) / n
        return (
            f"{statements:4.1f} statements, {db:6.1f} ms waiting for answers + {wall - db:6.1f} ms"
        )

    return f"{who} all: {mean(pairs)} | slowest: {mean(slow)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=3.0)
    parser.add_argument(
        "--alone-seconds",
        type=float,
        default=None,
        help="how long one rep works alone before the team, and again after (default: --seconds)",
    )
    args = parser.parse_args()
    alone_s = args.seconds if args.alone_seconds is None else args.alone_seconds
    base, stop = start_postgres()
    try:
        print(f"Setting up {args.leads:,} leads and {args.reps + 1} logins …", flush=True)
        url, logins = setup(base, args.reps, args.leads)
        # The floor: one rep alone, with the team's pauses (see the docstring), before the team
        # and after it (whatever else the machine runs meanwhile weighs on both sides alike).
        before = run(url, logins[-1:], alone_s, args.leads, args.think)
        team, commits, received, busy, waits = run(
            url, logins[:-1], args.seconds, args.leads, args.think
        )
        after = run(url, logins[-1:], alone_s, args.leads, args.think)
        solo_t: dict[str, list[float]] = defaultdict(list)
        solo_counts: dict[str, int] = defaultdict(int)
        for part in (before, after):
            for name, values in part[0][0][1].items():
                solo_t[name].extend(values)
            for key, value in part[0][0][2].items():
                solo_counts[key] += value
        alone_busy = (before[3] + after[3]) / 2
        alone = [("alone", dict(solo_t), dict(solo_counts))]
        merged: dict[str, list[float]] = defaultdict(list)
        totals: dict[str, int] = defaultdict(int)
        team_sql: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for _login, timings, counts, sql in team:
            for name, values in timings.items():
                merged[name].extend(values)
            for name, values in sql.items():
                team_sql[name].extend(values)
            for key, value in counts.items():
                totals[key] += value
        solo_sql: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for part in (before, after):
            for name, values in part[0][0][3].items():
                solo_sql[name].extend(values)
        print(
            f"  timed rounds: alone {alone[0][2].get('timed', 0)} in 2 × {alone_s:.0f} s "
            f"(the same pauses), "
            f"team {totals.get('timed', 0)} in {args.seconds:.0f} s (each process's first round "
            "is not timed: it fills the caches)"
        )
        print(
            f"\n{args.reps} reps for {args.seconds:.0f} s (a pause of {args.think:g} s on "
            f"average after each round) against 1 rep alone before and after, same database:"
        )
        worst = 0.0
        for name in ACTIONS:
            s50, s95 = pct(solo_t.get(name, []), 0.5), pct(solo_t.get(name, []), 0.95)
            t50, t95 = pct(merged[name], 0.5), pct(merged[name], 0.95)
            ratio = t95 / s95 if s95 else float("nan")
            worst = max(worst, ratio)
            print(
                f"  {name:<9} alone p50 {s50 * 1000:7.1f} ms p95 {s95 * 1000:7.1f} ms | "
                f"team p50 {t50 * 1000:7.1f} ms p95 {t95 * 1000:7.1f} ms | p95 ratio {ratio:.2f}×"
            )
        delays = []
        for lead, at in commits:
            later = [t for t, ids in received if t >= at - 0.05 and (ids is None or lead in ids)]
            delays.append(max(0.0, min(later) - at) if later else float("inf"))
        # Per lead: every completion a rep was told succeeded logged one activity (a call, an
        # email or a task done) and closed one step; none was logged twice.
        reported: dict[int, int] = defaultdict(int)
        for lead, _at in [*before[1], *commits, *after[1]]:
            reported[lead] += 1
        ws = open_workspace(url)
        with ws.sessions() as session:
            logged = dict(
                session.execute(
                    select(ActivityRecord.lead_id, func.count())
                    .where(ActivityRecord.kind.in_(("call", "email", "note")))
                    .group_by(ActivityRecord.lead_id)
                ).all()
            )
            closed = dict(
                session.execute(
                    select(FollowUpRecord.lead_id, func.count())
                    .where(FollowUpRecord.status == "done")
                    .group_by(FollowUpRecord.lead_id)
                ).all()
            )
        ws.close()
        lost = sum(max(0, n - logged.get(lead, 0)) for lead, n in reported.items())
        lost += sum(max(0, n - closed.get(lead, 0)) for lead, n in reported.items())
        twice = sum(max(0, n - closed.get(lead, 0)) for lead, n in logged.items())
        completed = sum(reported.values())
        print(
            "  change shown in another rep's window (heard, gathered, its rows re-read): "
            f"p50 {pct(delays, 0.5) * 1000:.0f} ms, "
            f"p95 {pct(delays, 0.95) * 1000:.0f} ms over {len(delays)} commits "
            f"(target ≤ {TARGET_DELAY_S:.0f} s)"
        )
        print(
            f"  completed {completed}, refused with a sentence {totals['refused']}; "
            f"lost updates {lost}, duplicate call logs {twice}, "
            f"deadlocks {totals['deadlocks']}, other errors {totals['errors']}"
        )
        print(f"  worst p95 ratio {worst:.2f}× (target ≤ {TARGET_RATIO}×)")
        cores = os.cpu_count() or 1
        reps_cpu = sum(counts.get("cpu_ms", 0) for _login, _t, counts, _sql in team) / 1000
        rounds = max(1, totals.get("timed", 0))
        alone_rounds = max(1, alone[0][2].get("timed", 0))
        print(
            f"  {cores} cores: busy {busy:.0%} while the team worked ({alone_busy:.0%} while one "
            f"rep worked alone; other programs on the machine included); the {args.reps} reps' "
            f"processes used {reps_cpu:.0f} CPU-s in {args.seconds:.0f} s "
            f"({reps_cpu / args.seconds / cores:.0%} of the cores; "
            f"{reps_cpu / rounds * 1000:.0f} ms a round, "
            f"{alone[0][2].get('cpu_ms', 0) / alone_rounds:.0f} ms alone), "
            "PostgreSQL and the rest the remainder"
        )
        print(
            "  where the time went (mean per action; the slowest twentieth of the team's rounds):"
        )
        for name in ACTIONS:
            print(f"    {name:<9} {_split(solo_t.get(name, []), solo_sql.get(name, []), 'alone')}")
            print(f"    {'':<9} {_split(merged[name], team_sql[name], 'team ')}")
        per = max(1, waits.samples)
        locks = ", ".join(f"{k} {v / per:.2f}" for k, v in sorted(waits.locks.items())) or "none"
        events = ", ".join(
            f"{k} {v / per:.2f}" for k, v in sorted(waits.events.items(), key=lambda kv: -kv[1])
        )
        print(f"  sessions waiting for a lock, on average while the team worked: {locks}")
        print(f"  active sessions by wait, on average: {events or 'none'}")
        held = worst <= TARGET_RATIO and pct(delays, 0.95) <= TARGET_DELAY_S
        held = held and lost == 0 and twice == 0 and totals["deadlocks"] == 0
        if not held:
            sys.exit(1)
    finally:
        stop()


if __name__ == "__main__":
    main()
