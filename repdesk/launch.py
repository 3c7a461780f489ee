"""Opening a workspace for the GUI or the CLI, including the demo workspace."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from repdesk.app import Workspace

# SQLAlchemy, Alembic and the services load inside the functions: the GUI shows its window sooner
# when Qt starts while they are still to come (see tests/bench/bench_start.py).


def open_for_cli(db: str | None, *, demo: bool = False) -> Workspace:
    from repdesk.app import open_workspace
    from repdesk.store.locations import resolve_url

    url = resolve_url(db, demo=demo)
    if "://" in url and not url.startswith("sqlite"):
        # A team database without a password in its URL: the one the app's sign-in keeps.
        from repdesk.services.settings.secrets import SecretStore
        from repdesk.services.team.sign_in import needs_password, remembered_url

        if needs_password(url):
            url = remembered_url(url, SecretStore()) or url
    # A long start-up migration says how far it got, on a terminal only (stderr otherwise carries
    # nothing but an error's one sentence).
    progress = _terminal_progress if sys.stderr.isatty() else None
    workspace = open_workspace(url, progress=progress)
    if progress is not None and _shown[0]:
        sys.stderr.write("\n")
    if demo:
        ensure_demo(workspace)
    from repdesk.services.workspace.backup_service import daily_backup_quietly

    daily_backup_quietly(url)  # the rolling backup, once a day (`repdesk backup restore`)
    return workspace


_shown: list[str] = []


def _terminal_progress(share: float, what: str) -> None:
    line = (
        f"repdesk: updating the workspace file (once, a backup was made first): {share:4.0%} {what}"
    )
    if not _shown or _shown[-1] != line:
        sys.stderr.write("\r" + line.ljust(100)[:100])
        sys.stderr.flush()
        _shown.append(line)


def open_for_embedding(database_url: str) -> Workspace:
    """`repdesk.ui.build_main_window`'s workspace: a URL or an SQLite path, migrated, loaded."""
    from repdesk.app import open_workspace
    from repdesk.store.locations import resolve_url

    return open_workspace(resolve_url(database_url))


def ensure_demo(workspace: Workspace) -> None:
    """Fill the demo workspace when it is empty (this loads the workspace's services)."""
    from repdesk.services.workspace.demo import ensure_demo as fill

    services = workspace.load()
    fill(workspace.sessions, services)


def no_display_reason(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """One sentence when a window cannot open: on Linux without DISPLAY or WAYLAND_DISPLAY (and
    no QT_QPA_PLATFORM chosen), Qt would only say it could not load the xcb plugin."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "repdesk: there is no display to open the window on (neither DISPLAY nor "
        "WAYLAND_DISPLAY is set): start it from a desktop session, or use the commands "
        "(repdesk --help)."
    )


def launch_gui(db: str | None, *, demo: bool = False, files: Sequence[str] = ()) -> int:
    import os

    reason = no_display_reason(os.environ)
    if reason is not None:
        print(reason, file=sys.stderr)
        return 1
    from repdesk.store.errors import StoreError
    from repdesk.store.locations import resolve_url

    try:
        url = resolve_url(db, demo=demo)
    except StoreError as exc:
        print(f"repdesk: {exc}", file=sys.stderr)
        return 1
    from repdesk.ui.shell.application import run_application

    return run_application(
        lambda signed, progress: open_for_gui(signed, demo=demo, progress=progress),
        url=url,
        files=list(files),
    )


def open_for_gui(
    url: str, *, demo: bool = False, progress: Callable[[float, str], None] | None = None
) -> Workspace:
    """The workspace for the window: services load after the first paint when the file allows it.
    A migration (the file is from an older repdesk) reports to `progress`."""
    from repdesk.app import open_workspace_lazily

    workspace = open_workspace_lazily(url, progress=progress)
    if demo and (workspace.first_screen is None or not workspace.first_screen.has_leads()):
        ensure_demo(workspace)
    return workspace
