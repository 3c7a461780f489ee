"""Opening a workspace whose file an older repdesk wrote: the migration runs off the GUI thread
while a progress dialog says how far it got; Cancel stops it at its next report and the file
stays as it was (the migration is one transaction, and a backup was made before it began)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog

from repdesk.services.common.errors import Cancelled

if TYPE_CHECKING:
    from repdesk.services.workspace.workspace import Workspace

Progress = Callable[[float, str], None]
#: A start that takes less than this shows no dialog at all.
SHOW_AFTER_MS = 400


class MigrationCancelled(Cancelled):
    """The user stopped the update; the workspace file is as it was."""


def open_with_progress(open_workspace: Callable[[Progress], Workspace]) -> Workspace:
    """Run `open_workspace(progress)` on a worker thread, the event loop turning meanwhile; a
    dialog shows its progress once it takes a moment. Raises what it raised, or
    MigrationCancelled."""
    state: dict[str, Any] = {"share": 0.0, "what": "", "cancel": False}
    done = threading.Event()

    def progress(share: float, what: str) -> None:
        if state["cancel"]:
            raise MigrationCancelled("The update was cancelled; the workspace file is as it was.")
        state["share"], state["what"] = share, what

    def work() -> None:
        try:
            state["result"] = open_workspace(progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread as it is
            state["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=work, name="repdesk-open", daemon=True)
    thread.start()
    loop = QEventLoop()
    dialog = QProgressDialog("Updating your workspace file for this version of repdesk…",
                             "Cancel", 0, 1000)  # fmt: skip
    dialog.setObjectName("migrationProgress")
    dialog.setWindowTitle("repdesk")
    dialog.setMinimumDuration(2**30)  # shown by tick() below, not by Qt's estimate
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumWidth(460)
    dialog.hide()
    timer = QTimer(interval=50)
    started = QElapsedTimer()
    started.start()

    def tick() -> None:
        if done.is_set():
            loop.quit()
            return
        if dialog.wasCanceled():
            state["cancel"] = True
            dialog.setLabelText("Cancelling: putting the workspace file back as it was…")
            return
        if not dialog.isVisible() and started.elapsed() >= SHOW_AFTER_MS:
            dialog.show()
        if state["what"]:
            dialog.setLabelText(f"Updating your workspace file: {state['what'].lower()}…")
        dialog.setValue(int(state["share"] * 999))

    timer.timeout.connect(tick)
    timer.start()
    if not done.is_set():
        loop.exec()
    timer.stop()
    thread.join()
    dialog.reset()
    dialog.deleteLater()
    if "error" in state:
        raise state["error"]
    result: Workspace = state["result"]
    return result
