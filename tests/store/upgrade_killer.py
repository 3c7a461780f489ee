"""Kills a start-up migration at each of its statements in turn (run as a program by the tests).

`python -m tests.store.upgrade_killer SOURCE WORKDIR` copies SOURCE to WORKDIR/<k>.sqlite3 for
k = 0, 1, …, forks a child that runs the start-up migration (`ensure_schema`) on that copy and
SIGKILLs itself just before its k-th statement (or commit), until a child finishes unkilled. It
prints one JSON document: the statements seen by the unkilled run and, per kill, the statement
it stopped before. The program forks from a process that holds no threads (pytest's may), and
imports SQLAlchemy and Alembic once for all the children.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import alembic.command  # noqa: F401  (imported once here, not in every child)
from sqlalchemy import event

from repdesk.store.engine import make_engine
from repdesk.store.locations import resolve_url
from repdesk.store.migrate import ensure_schema


def _child(path: Path, kill_at: int | None, report: Path) -> None:
    engine = make_engine(resolve_url(str(path)))
    seen: list[str] = []

    def point(label: str) -> None:
        if kill_at is not None and len(seen) == kill_at:
            report.write_text(label, encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        seen.append(label)

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        point(" ".join(statement.split())[:120])

    @event.listens_for(engine, "commit")
    def _commit(conn: Any) -> None:
        point("COMMIT")

    ensure_schema(engine)
    engine.dispose()
    report.write_text(json.dumps(seen), encoding="utf-8")


def run(source: Path, workdir: Path) -> dict[str, Any]:
    kills: list[dict[str, Any]] = []
    k = 0
    while True:
        copy = workdir / f"{k}.sqlite3"
        shutil.copy2(source, copy)
        report = workdir / f"{k}.report"
        pid = os.fork()
        if pid == 0:  # the child never returns into the loop
            code = 0
            try:
                _child(copy, k, report)
            except BaseException as exc:  # noqa: BLE001  (reported to the parent as text)
                report.write_text(f"raised {exc.__class__.__name__}: {exc}", encoding="utf-8")
                code = 3
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            kills.append({"file": str(copy), "before": report.read_text(encoding="utf-8")})
            k += 1
            continue
        text = report.read_text(encoding="utf-8")
        if os.WEXITSTATUS(status) != 0:
            return {"kills": kills, "error": text}
        return {"kills": kills, "statements": json.loads(text), "finished": str(copy)}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), Path(sys.argv[2]))))
