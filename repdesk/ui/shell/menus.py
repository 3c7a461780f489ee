"""The main window's menus, built from its action registry (ui/common/actions): File, Go, Edit,
Lead, Help."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from repdesk.ui.common.actions import ActionId

if TYPE_CHECKING:
    from repdesk.ui.shell.pages import PageSpec


def build_menus(window: Any, specs: list[PageSpec]) -> None:
    """The File, Go, Edit, Lead and Help menus from the window's actions (`specs`: its pages, in
    the Go menu), and the File menu's behaviour (window.file_actions). `window`: the MainWindow
    (not imported here: it imports this module)."""
    a = window.actions_
    file_menu = window.file_menu = window.menuBar().addMenu("&File")
    file_menu.addAction(a[ActionId.NEW_LEAD])
    for action_id in (
        ActionId.IMPORT,
        ActionId.UNDO_IMPORT,
        ActionId.DUPLICATES,
        ActionId.EXPORT_ICS,
        ActionId.BACKUP,
    ):
        file_menu.addAction(a[action_id])
    file_menu.addSeparator()
    file_menu.addAction(a[ActionId.QUIT])
    a[ActionId.QUIT].triggered.connect(window.close)
    go_menu = window.menuBar().addMenu("&Go")
    for spec in specs:
        go_menu.addAction(a[spec.action])
    go_menu.addSeparator()
    go_menu.addAction(a[ActionId.FOCUS_SEARCH])
    go_menu.addAction(a[ActionId.TOGGLE_SIDEBAR])
    edit_menu = window.menuBar().addMenu("&Edit")
    edit_menu.addAction(a[ActionId.UNDO])
    lead_menu = window.menuBar().addMenu("&Lead")
    for action_id in (
        ActionId.CALL_LEAD,
        ActionId.EMAIL_LEAD,
        ActionId.REPLY_EMAIL,
        ActionId.START_SCRIPT,
        ActionId.NEXT_LEAD,
        ActionId.ADD_NOTE,
        ActionId.EDIT_LEAD,
        None,
        ActionId.ASSIGN_LEAD,
        ActionId.MARK_WON,
        ActionId.MARK_LOST,
        ActionId.DO_NOT_CONTACT,
    ):
        if action_id is None:
            lead_menu.addSeparator()
        else:
            lead_menu.addAction(a[action_id])
    lead_menu.addAction(a[ActionId.STOP_EMAILS])
    file_menu.insertAction(a[ActionId.BACKUP], a[ActionId.SHOW_OUTBOX])
    a[ActionId.SHOW_OUTBOX].triggered.connect(
        lambda: getattr(window, "outbox_sender", None) and window.outbox_sender.show_outbox()
    )
    help_menu = window.menuBar().addMenu("&Help")
    help_menu.addAction(a[ActionId.SHORTCUTS])
    help_menu.addAction(a[ActionId.ABOUT])
    from repdesk.ui.shell.file_actions import FileActions

    window.file_actions = FileActions(
        window, a, lambda: window.services, window.apply_changes, window.workspace.location
    )
