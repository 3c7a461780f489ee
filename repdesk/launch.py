"""Opening a workspace for the GUI or the CLI, including the demo workspace."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from repdesk.app import Workspace, open_workspace
from repdesk.services.demo import demo_is_populated, populate_demo, spread_demo_followups
from repdesk.store.engine import resolve_url
from repdesk.store.errors import StoreError


def open_for_cli(db: str | None, *, demo: bool = False) -> Workspace:
    workspace = open_workspace(resolve_url(db, demo=demo))
    if demo:
        ensure_demo(workspace)
    return workspace


def ensure_demo(workspace: Workspace) -> None:
    if not demo_is_populated(workspace.sessions):
        populate_demo(workspace.sessions, workspace.clock())
        workspace.followups.ensure_all()
        spread_demo_followups(workspace.sessions, workspace.clock())


def launch_gui(db: str | None, *, demo: bool = False, files: Sequence[str] = ()) -> int:
    try:
        url = resolve_url(db, demo=demo)
        workspace = open_for_cli(db, demo=demo)
    except StoreError as exc:
        print(f"repdesk: {exc}", file=sys.stderr)
        return 1
    from repdesk.ui.application import run_application

    return run_application(workspace, url=url, files=list(files))
