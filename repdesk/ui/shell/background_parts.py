"""What runs beside the main window once its workspace is loaded: the save queue, the inquiry
watcher, the outbox sender, the re-qualification timer, the live queue, who is signed in, and the
Away action (each set on the window under its name)."""

from __future__ import annotations

from typing import Any

from repdesk.services.common.changes import Changes
from repdesk.ui.common.actions import ActionId


def install_background_parts(window: Any) -> None:
    """Once the workspace is loaded: the save queue, the inquiry watcher, the outbox sender, the
    re-qualification timer, the live queue, who is signed in and the Away action. `window`: the
    MainWindow (not imported here: it imports this module)."""
    from repdesk.ui.common.save_queue import install as install_save_queue
    from repdesk.ui.sources.inquiry_watcher import install_inquiry_watcher

    # the user's saves wait for an import that holds the write lock instead of failing
    window.save_queue = install_save_queue(
        window, window.services.imports.write_lock_held, window.services.imports.importing_here
    )

    # Polls mailboxes and watched folders off the GUI thread. On a team, only a window that may
    # change the sources does: a rep's fetch would be refused (and said) every half minute.
    if window.services.identity.me().may_manage:
        install_inquiry_watcher(window, window.services.sources)
    from repdesk.ui.email.outbox_sender import install_outbox_sender

    install_outbox_sender(window, window.services.outbox)  # hands email to the server off-thread
    from repdesk.ui.followups.requalify_timer import RequalifyTimer

    window.requalify_timer = RequalifyTimer(window.services.followups.plan_requalifications, window)
    window.requalify_timer.sig_leads_requalified.connect(
        lambda _count: window.apply_changes(Changes(leads=True, follow_ups=True))
    )
    from repdesk.ui.team.live_queue import LiveQueue
    from repdesk.ui.team.signed_in import show_signed_in

    # Other clients' changes (other reps, a second window, the CLI) show up here at once.
    window.live_queue = LiveQueue(
        window.services.live,
        lambda changes, ids: window.apply_changes(changes, remote=True, ids=ids),
        window,
    )
    show_signed_in(window, window.services.identity.me(), window.workspace.url)
    from repdesk.ui.team.away_action import AwayAction

    window.away_action = AwayAction(
        window,
        window.actions_[ActionId.AWAY],
        window.file_menu,
        window.services.identity.me(),
        window.services.away,
        window.apply_changes,
    )
