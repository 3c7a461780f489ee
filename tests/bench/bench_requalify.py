"""Benchmark (issue 13.5): the re-qualification check that runs when a workspace loads and before
`followups`, `export-ics` and `report`, on 200,000 leads of which 30 % were qualified.

Measured: the check when nothing is due and when 30 % of the verdicts have expired and were all
asked (a mature workspace), each against a floor measured in the same run: one read of one row of
the expiry index's range through the same session factory (the least a check can do; a window
that stays open checks again with the watermark it remembers). Target: ≤ 3× the floor.
Informational: the same look over every expired verdict (no watermark) and over every lead (no
index of migration 0005), in plain sqlite3.
Run: .venv/bin/python tests/bench/bench_requalify.py [--leads N]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import bindparam, select, update  # noqa: E402

from repdesk.app import open_workspace  # noqa: E402
from repdesk.services.followups.requalify import expired_verdicts  # noqa: E402
from repdesk.store.locations import resolve_url  # noqa: E402
from repdesk.store.models import LeadRecord  # noqa: E402
from tests.fixtures.workspace import FakeClock  # noqa: E402

TARGET = 3.0
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def make_workspace(folder: Path, leads: int) -> Path:
    """`leads` leads imported through the app, 30 % of them qualified with expiries spread over the
    year ahead."""
    csv = folder / "leads.csv"
    with csv.open("w", encoding="utf-8") as out:
        out.write("First Name,Last Name,Email,Company\n")
        for i in range(leads):
            out.write(f"Lead{i},Bench,lead{i}@bench{i % 997}.example,Company {i % 5000}\n")
    db = folder / "bench.sqlite3"
    ws = open_workspace(resolve_url(str(db)), clock=FakeClock(NOW))
    ws.imports.import_files([csv])
    with ws.sessions.begin() as session:
        ids = list(session.scalars(select(LeadRecord.id).order_by(LeadRecord.id)))
        qualified = ids[::10] + ids[3::10] + ids[7::10]
        table = LeadRecord.__table__
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(qualification_expires_at=bindparam("b_at")),
            [
                {"b_id": lead_id, "b_at": NOW + timedelta(hours=1 + (n * 7919) % (365 * 24))}
                for n, lead_id in enumerate(qualified)
            ],
        )
    ws.close()
    return db


def timed(work: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(db: Path, now: datetime, runs: int) -> tuple[float, float]:
    """(the check, the floor) in seconds, medians of `runs`."""
    ws = open_workspace(resolve_url(str(db)), clock=FakeClock(now))
    ws.followups.plan_requalifications()  # the load did it already; this is the steady state
    app = timed(ws.followups.plan_requalifications, runs)

    # The least a check can do: one read of one row of the expiry index's range, through the
    # same session factory.
    lower = now - timedelta(days=1)
    expires = LeadRecord.qualification_expires_at
    least = select(LeadRecord.id).where(expires > lower, expires <= now).limit(1)

    def floor() -> object:
        with ws.sessions() as session:
            return session.scalar(least)

    base = timed(floor, runs)
    ws.close()
    return app, base


def raw_full_look(db: Path, now: datetime, runs: int) -> float:
    """The look over every expired verdict (no watermark), in plain sqlite3."""
    ws = open_workspace(resolve_url(str(db)), clock=FakeClock(now))
    with ws.engine.connect() as conn:
        statement = select(LeadRecord.id).where(expired_verdicts(now)).limit(1)
        sql = str(statement.compile(conn, compile_kwargs={"literal_binds": True}))
    ws.close()
    raw = sqlite3.connect(db)
    spent = timed(lambda: raw.execute(sql).fetchall(), runs)
    raw.close()
    return spent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="repdesk-bench-requalify-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        db = make_workspace(folder, args.leads)
        print(
            f"{args.leads:,} leads, 30 % qualified: built in {time.perf_counter() - started:.1f} s"
        )
        ok = True
        mature = NOW + timedelta(days=400)
        for label, now in (("nothing due", NOW), ("30 % expired, all asked", mature)):
            if now is mature:  # open once then: the load plans every re-qualify step
                started = time.perf_counter()
                open_workspace(resolve_url(str(db)), clock=FakeClock(now)).close()
                print(f"(planning the mature steps: {time.perf_counter() - started:.1f} s)")
            app, floor = measure(db, now + timedelta(hours=2), args.runs)
            ratio = app / floor
            ok &= ratio <= TARGET
            print(
                f"check, {label}: {app * 1000:.2f} ms; floor (one indexed range read) "
                f"{floor * 1000:.2f} ms; ratio {ratio:.1f}× (target ≤ {TARGET:.0f}×)"
            )
        full = raw_full_look(db, mature, max(3, args.runs // 10))
        print(
            f"informational, every expired verdict looked at (no watermark): {full * 1000:.0f} ms"
        )
        raw = sqlite3.connect(db)
        raw.execute("DROP INDEX ix_leads_qualification_expires")
        raw.commit()
        raw.close()
        full = raw_full_look(db, NOW, max(3, args.runs // 10))
        print(
            f"informational, nothing due but no 0005 index (every lead read): {full * 1000:.0f} ms"
        )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
