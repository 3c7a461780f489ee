"""Benchmark (issue 13.5): the re-qualification check that runs when a workspace loads and before
`followups`, `export-ics` and `report`, on 200,000 leads of which 30 % were qualified.

Measured: the check when nothing is due (what nearly every call pays) and when 30 % of the verdicts
have expired and were all asked (a mature workspace), each against a floor measured in the same
run: the same SQL through plain sqlite3. Informational: the same check without the partial index
of migration 0005 (a scan of every lead). Target: ≤ 3× the floor.
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
        session.execute(
            update(LeadRecord)
            .where(LeadRecord.id == bindparam("b_id"))
            .values(
                qualification_expires_at=bindparam(
                    "b_at", type_=LeadRecord.__table__.c.qualification_expires_at.type
                )
            )
            .execution_options(synchronize_session=False),
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


def floor_sql(db: Path, now: datetime) -> str:
    ws = open_workspace(resolve_url(str(db)), clock=FakeClock(now))
    with ws.engine.connect() as conn:
        statement = select(LeadRecord.id).where(expired_verdicts(now)).limit(1)
        sql = str(statement.compile(conn, compile_kwargs={"literal_binds": True}))
    ws.close()
    return sql


def measure(db: Path, now: datetime, runs: int) -> tuple[float, float]:
    ws = open_workspace(resolve_url(str(db)), clock=FakeClock(now))
    ws.followups.plan_requalifications()  # the load did it already; this is the steady state
    app = timed(ws.followups.plan_requalifications, runs)
    ws.close()
    sql = floor_sql(db, now)
    raw = sqlite3.connect(db)
    floor = timed(lambda: raw.execute(sql).fetchall(), runs)
    raw.close()
    return app, floor


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
        for label, now in (
            ("nothing due", NOW),
            ("30 % expired, all asked", NOW + timedelta(days=400)),
        ):
            if now != NOW:  # plan the mature workspace's re-qualify steps once
                ws = open_workspace(resolve_url(str(db)), clock=FakeClock(now))
                ws.close()
            app, floor = measure(db, now, args.runs)
            ratio = app / floor if floor else float("inf")
            ok &= ratio <= TARGET
            print(
                f"check, {label}: app {app * 1000:.2f} ms, plain sqlite3 floor "
                f"{floor * 1000:.2f} ms, ratio {ratio:.1f}× (target ≤ {TARGET:.0f}×)"
            )
        raw = sqlite3.connect(db)
        raw.execute("DROP INDEX ix_leads_qualification_expires")
        raw.commit()
        raw.close()
        app, _floor = measure(db, NOW, args.runs)
        print(
            f"informational, without the 0005 index: app {app * 1000:.2f} ms (a scan of every lead)"
        )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
