"""Benchmark: importing web-form rows with the arrival hook (form answers) against the same import
without it (floor). Targets: rows with only unmatched extras ≤ 1.3×; rows whose answers become a
form qualification (two more rows written and the lead updated, per lead) ≤ 4×."""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from repdesk.app import open_workspace  # noqa: E402
from repdesk.services.imports.import_service import ImportService  # noqa: E402
from repdesk.store.locations import resolve_url  # noqa: E402

ROWS = 5_000
TARGETS = {"extras only": 1.3, "with answers": 4.0}


def write(path: Path, with_answers: bool) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        head = ["Timestamp", "Your name", "Email", "Favourite colour", "Shoe size"]
        if with_answers:
            head += ["When are you looking to start?", "Have you set a budget for this?"]
        out.writerow(head)
        for i in range(ROWS):
            row = ["2026/11/20 10:31:07 AM GMT", f"Person {i}", f"p{i}@x.test", "teal", "42"]
            if with_answers:
                row += [("This month", "No plans yet")[i % 2], "Budget approved"]
            out.writerow(row)


def timed(with_answers: bool, hook: bool) -> float:
    folder = Path(tempfile.mkdtemp())
    write(folder / "form.csv", with_answers)
    ws = open_workspace(resolve_url(str(folder / "w.sqlite3")))
    try:
        imports = ws.imports
        if not hook:  # the same service without the arrival hook: the floor
            imports = ImportService(
                ws.sessions, ws.clock, ws.settings, imports._planner, hooks=imports._hooks
            )
        start = time.perf_counter()
        summary = imports.import_files([folder / "form.csv"])
        took = time.perf_counter() - start
        assert summary.added == ROWS
        return took
    finally:
        ws.close()


def main() -> int:
    failed = False
    for label, with_answers in (("extras only", False), ("with answers", True)):
        floor = min(timed(with_answers, False) for _ in range(3))
        took = min(timed(with_answers, True) for _ in range(3))
        ratio = took / floor
        ok = ratio <= TARGETS[label]
        failed |= not ok
        print(
            f"{label}: {ROWS:,} rows in {took:.2f} s, floor {floor:.2f} s: {ratio:.2f}× "
            f"(target ≤ {TARGETS[label]}×) {'ok' if ok else 'TOO SLOW'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
