"""Benchmark: time to the inbox's first paint on 100,000 leads vs a bare Qt window (target ≤
2.5×)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LEADS = 100_000
RUNS = 5
TARGET = 2.5
CACHE = Path(tempfile.gettempdir()) / "repdesk-bench-start"
MARK = (
    "repdesk-startup-painted"  # printed by repdesk.ui.shell.desktop with REPDESK_REPORT_STARTUP=1
)

# The floor: what any Qt widgets app pays (interpreter, PySide6, a window) before its first paint.
BARE = f"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class FirstPaint(QObject):
    done = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, self.report)
        return False
    def report(self):
        print("{MARK}", f"{{time.time():.6f}}", file=sys.stderr, flush=True)
        app.quit()

app = QApplication(sys.argv[:1])
window = QMainWindow()
label = QLabel("Inbox")
window.setCentralWidget(label)
window.resize(1280, 800)
painted = FirstPaint()
label.installEventFilter(painted)
window.show()
app.exec()
"""


def database() -> Path:
    """A 100,000-lead SQLite file made with the app's migrations and bulk Core inserts (cached)."""
    from repdesk.migrations import HEAD_REVISION

    # One cache per schema revision: engineers on other branches share /tmp, and a file at an
    # older revision would be migrated (with a backup) by the first start instead of opened.
    path = CACHE / f"leads-{LEADS}-{HEAD_REVISION}.sqlite3"
    if path.exists():
        return path
    from repdesk.store.engine import make_engine
    from repdesk.store.migrate import ensure_schema
    from repdesk.store.models import LeadRecord

    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    engine = make_engine(f"sqlite:///{partial}")
    ensure_schema(engine)
    rng = random.Random(8)
    now = datetime.now(UTC)
    first = [
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
    ]
    last = ["Reyes", "Müller", "Okafor", "Chen", "Patel", "Novak", "Silva", "Berg", "Kim", "Haddad"]
    companies = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark"]
    statuses = (
        ["new"] * 3 + ["contacted"] * 3 + ["qualified", "nurture", "not_a_fit", "won", "lost"]
    )
    started = time.perf_counter()
    with engine.begin() as conn:
        for chunk in range(0, LEADS, 5_000):
            rows = []
            for i in range(chunk, min(chunk + 5_000, LEADS)):
                received = now - timedelta(minutes=rng.randint(1, 400 * 24 * 60))
                status = rng.choice(statuses)
                contacted = status != "new"
                rows.append(
                    {
                        "first_name": rng.choice(first),
                        "last_name": f"{rng.choice(last)} {i}",
                        "company": f"{rng.choice(companies)} {i % 997}",
                        "title": "Operations lead",
                        "email": f"lead{i}@example.com",
                        "phone": f"+1555{i:07d}",
                        "source": rng.choice(["web form", "trade show", "referral", "csv import"]),
                        "product": rng.choice(["Widgets", "Gadgets", "Service plan"]),
                        "message": "Interested in a quote for next quarter.",
                        "notes": "",
                        "tags": "",
                        "status": status,
                        "received_at": received,
                        "first_response_at": received + timedelta(minutes=rng.randint(2, 600))
                        if contacted
                        else None,
                        "next_follow_up_at": now + timedelta(hours=rng.randint(-200, 600))
                        if contacted
                        else None,
                        "journey_stage": "awareness",
                        "extra": {},
                        "edited_fields": [],
                        "created_at": received,
                        "updated_at": received,
                    }
                )
            conn.execute(LeadRecord.__table__.insert(), rows)
    engine.dispose()
    partial.rename(path)
    print(f"made {path} ({LEADS:,} leads) in {time.perf_counter() - started:.1f} s")
    return path


def time_to_paint(command: list[str], env: dict[str, str]) -> float:
    """Seconds from launching `command` to the first-paint mark it prints on stderr."""
    started = time.time()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    marks = [line.split() for line in result.stderr.splitlines() if line.startswith(MARK)]
    if result.returncode != 0 or not marks:
        raise SystemExit(
            f"bench_start: {command[1:3]} did not report its first paint:\n{result.stderr[-2000:]}"
        )
    return float(marks[-1][1]) - started


def best_of(command: list[str], env: dict[str, str]) -> float:
    time_to_paint(command, env)  # warm the file cache and any one-time work; not counted
    return min(time_to_paint(command, env) for _ in range(RUNS))


def compile_package() -> None:
    """Byte-compile repdesk as any installation does (pip, the PyInstaller folder): with
    PYTHONDONTWRITEBYTECODE set, a source checkout would otherwise compile every module at each
    start."""
    import compileall

    compileall.compile_dir(ROOT / "repdesk", quiet=1)


def main() -> int:
    db = database()
    compile_package()
    home = Path(tempfile.mkdtemp(prefix="repdesk-bench-home-"))
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(
        QT_LOGGING_RULES="qt.qpa.*=false",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        REPDESK_REPORT_STARTUP="1",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REPDESK_DATABASE_URL", None)
    bare = best_of([sys.executable, "-c", BARE], env)
    app = best_of([sys.executable, "-m", "repdesk", "--db", str(db)], env)
    ratio = app / bare
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"bare QApplication + QMainWindow to first paint: {bare * 1000:7.0f} ms (best of {RUNS})")
    print(f"repdesk inbox on {LEADS:,} leads to first paint: {app * 1000:7.0f} ms (best of {RUNS})")
    built = ROOT / "dist" / "repdesk" / "repdesk"
    if built.exists():  # informational: the PyInstaller folder (`make dist`), as users start it
        frozen = best_of([str(built), "--db", str(db)], env)
        print(
            f"built app (dist/repdesk) to first paint:        {frozen * 1000:7.0f} ms, "
            f"{frozen / bare:.2f}× "
            "the bare window (informational)"
        )
    print(f"ratio {ratio:.2f}× (target ≤ {TARGET}×): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
