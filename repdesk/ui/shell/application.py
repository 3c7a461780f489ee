"""Running the GUI: QApplication, single instance, theme, the main window and the event loop."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from repdesk.services.workspace.workspace import Workspace


def run_application(
    open_workspace: Callable[[str, Callable[[float, str], None]], Workspace],
    *,
    url: str,
    files: list[str],
) -> int:
    """Start the app on `url`, or hand `files` to the repdesk already running on it and return 0.

    `open_workspace(url, progress)` opens (and migrates) the database at the URL it is given (a
    team database's with the signed-in login's password); it runs only when no other instance has
    the database open, so a second launch costs a socket round trip and no migration check. A
    migration shows its progress in a dialog and can be cancelled.
    """
    from repdesk.ui.shell.single_instance import InstanceServer, send_to_running, server_name

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("repdesk")
    app.setOrganizationName("repdesk")
    app.setDesktopFileName("repdesk")
    name = server_name(url)
    if send_to_running(name, files):
        return 0
    server = InstanceServer(name)  # listens before the slow part, so a quick second launch waits
    from repdesk.services.common.errors import Cancelled
    from repdesk.store.errors import StoreError
    from repdesk.ui.shell.migration_progress import open_with_progress

    signed = url
    if not url.startswith("sqlite"):  # a team database: sign in (SQLAlchemy loads only here)
        from repdesk.services.settings.secrets import SecretStore
        from repdesk.ui.common.theme import apply_theme
        from repdesk.ui.team.sign_in_dialog import signed_in_url

        apply_theme()
        signed = signed_in_url(url, SecretStore()) or ""
        if not signed:
            server.close()
            print("repdesk: Not signed in; nothing was opened.", file=sys.stderr)
            return 1
    try:
        workspace = open_with_progress(lambda progress: open_workspace(signed, progress))
    except (StoreError, Cancelled) as exc:
        server.close()
        print(f"repdesk: {exc}", file=sys.stderr)
        return 1
    from repdesk.ui.common.error_reporting import install_error_dialog
    from repdesk.ui.common.theme import apply_theme
    from repdesk.ui.shell.desktop import (
        app_icon,
        follow_color_scheme,
        quit_after_from_env,
        report_startup_from_env,
    )
    from repdesk.ui.shell.desktop_arguments import bring_to_front, handle_arguments
    from repdesk.ui.shell.main_window import MainWindow

    app.setWindowIcon(app_icon())
    apply_theme()
    follow_color_scheme(app, apply_theme)
    window = MainWindow(workspace, defer_pages=True)
    install_error_dialog(window)
    inbox = window.pages["inbox"]
    report_startup_from_env(app, inbox.table.viewport())  # type: ignore[attr-defined]
    window.show()  # the window's first page (the inbox) loaded itself when the window selected it

    def on_second_launch(arguments: list[str]) -> None:
        bring_to_front(window)
        handle_arguments(window, arguments)

    server.sig_arguments_received.connect(on_second_launch)
    if files:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: handle_arguments(window, files))
    quit_after_from_env(app, window)
    code = app.exec()
    # a quit right after the first paint: the services may still be loading
    window.wait_for_workspace()
    server.close()
    workspace.close()
    return int(code)
