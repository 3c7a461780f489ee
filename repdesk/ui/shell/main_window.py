"""The main window: navigation sidebar, one page per area, menus, status bar, remembered
geometry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from repdesk.services.common.changes import Changes
from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.common.worker import Worker
from repdesk.ui.shell.first_paint import after_first_paint
from repdesk.ui.shell.pages import PageSpec, build_pages

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services
    from repdesk.services.workspace.workspace import Workspace


class MainWindow(QMainWindow):
    sig_page_changed = Signal(str)
    """Emitted with the page key ("inbox", "today", …) when the user switches pages."""

    def __init__(
        self, workspace: Workspace, parent: QWidget | None = None, *, defer_pages: bool = False
    ) -> None:
        """`defer_pages`: build only the inbox now; after its first paint load the workspace's
        services off the GUI thread, then build the other pages (the app's start). Without it every
        page exists when the constructor returns (tests, embedding).

        The window is the shell: it holds the workspace to load and close it, and hands each page
        only the services that page uses (ui/shell/pages.py)."""
        super().__init__(parent)
        self._defer_pages = defer_pages
        self.workspace = workspace
        if not defer_pages:
            workspace.load()
        self.setWindowTitle(f"repdesk — {workspace.title}")
        self.setObjectName("mainWindow")
        self.actions_ = ActionRegistry(self)
        self.pages: dict[str, QWidget] = {}
        self._specs: list[PageSpec] = build_pages(
            self.actions_, workspace.time, workspace.first_screen
        )
        self._build_body()
        self._build_menus()
        self._build_status_bar()
        self._restore_geometry()
        self.setAcceptDrops(True)
        self._loader: Worker | None = None
        if not defer_pages:
            self._install_watcher()

    # -- construction ----------------------------------------------------------------------------
    def _build_body(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(156)
        self.navigation.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.stack = QStackedWidget()
        for index, spec in enumerate(self._specs):
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(self.actions_[spec.action].toolTip())
            self.navigation.addItem(item)
            if self._defer_pages and index > 0:
                self.stack.addWidget(QWidget())  # stands in until _build_page replaces it
            elif self._defer_pages:
                page = self._make_page(spec, early=not self.workspace.loaded)
                if hasattr(page, "defer_until_painted"):
                    page.defer_until_painted = True
                self.stack.addWidget(page)
            else:
                self.stack.addWidget(self._make_page(spec))
            action = self.actions_[spec.action]
            action.triggered.connect(lambda _=False, key=spec.key: self.show_page(key))
            self.addAction(action)
        self.navigation.currentRowChanged.connect(self._on_row_changed)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.navigation.setCurrentRow(0)
        if self._defer_pages:
            inbox = self.pages["inbox"]
            after_first_paint(getattr(inbox, "table", inbox).viewport(), self._load_workspace)
        else:
            self._prepare_panels()

    def _load_workspace(self) -> None:
        """After the first paint: the services load on a pool thread, then the rest of the
        window."""
        if self.workspace.loaded:
            self._finish_start()
            return
        self.statusBar().showMessage("Loading…")
        self._loader = Worker(lambda _progress, _cancelled: self.workspace.load())
        self._loader.signals.sig_work_finished.connect(lambda _result: self._finish_start())
        self._loader.signals.sig_work_failed.connect(self._load_failed)
        self._loader.start()

    def wait_for_workspace(self, timeout: float = 30.0) -> None:
        """Block until a load started after the first paint has ended (before the app closes the
        database)."""
        if self._loader is not None:
            self._loader.done.wait(timeout)

    def _finish_start(self) -> None:
        self._loader = None
        self.statusBar().showMessage("Ready", 3000)
        first = self._specs[0]
        if first.hand_over is not None:
            first.hand_over(self.pages[first.key], self.services)
        self.build_all_pages()
        self._install_watcher()
        from repdesk.ui.shell.file_health import FileHealthCheck

        # quick_check, then the day's backup
        self.file_health = FileHealthCheck(self, self.workspace.services.backup)

    def _load_failed(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self._loader = None
        QMessageBox.critical(self, "repdesk", message)
        self.close()

    def _install_watcher(self) -> None:
        from repdesk.ui.sources.inquiry_watcher import install_inquiry_watcher

        # polls mailboxes and watched folders off the GUI thread
        install_inquiry_watcher(self, self.services.sources)
        from repdesk.ui.email.outbox_sender import install_outbox_sender

        install_outbox_sender(self, self.services.outbox)  # hands email to the server off-thread
        from repdesk.ui.followups.requalify_timer import RequalifyTimer

        self.requalify_timer = RequalifyTimer(self.services.followups.plan_requalifications, self)
        self.requalify_timer.sig_leads_requalified.connect(
            lambda _count: self.apply_changes(Changes(leads=True, follow_ups=True))
        )
        from repdesk.ui.team.live_queue import LiveQueue
        from repdesk.ui.team.signed_in import show_signed_in

        # Other clients' changes (other reps, a second window, the CLI) show up here at once.
        self.live_queue = LiveQueue(self.services.live, self.apply_changes, self)
        show_signed_in(self, self.services.identity.me(), self.workspace.url)

    @property
    def services(self) -> Services:
        """The workspace's services (waiting for them when the start is still loading them)."""
        return self.workspace.load()

    def _make_page(self, spec: PageSpec, *, early: bool = False) -> QWidget:
        if early and spec.build_early is not None:
            widget = spec.build_early()
        else:
            widget = spec.build(self.services)
        changed = getattr(widget, "sig_changes_made", None)
        if changed is not None:
            changed.connect(self.apply_changes)
        self.pages[spec.key] = widget
        inbox, templates = self.pages.get("inbox"), self.pages.get("templates")
        if spec.key in ("inbox", "templates") and inbox is not None and templates is not None:
            inbox.sig_lead_selected.connect(templates.preview_lead)  # type: ignore[attr-defined]
        return widget

    def _build_page(self, index: int) -> QWidget:
        spec = self._specs[index]
        if spec.key in self.pages:
            return self.pages[spec.key]
        stand_in = self.stack.widget(index)
        widget = self._make_page(spec)
        self.stack.insertWidget(index, widget)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        return widget

    def build_all_pages(self) -> None:
        """Build every page not built yet (after the first paint when pages are deferred)."""
        for index in range(len(self._specs)):
            self._build_page(index)
        self._prepare_panels()

    def _prepare_panels(self) -> None:
        prepare = getattr(self.pages.get("inbox"), "prepare_script_panel", None)
        if callable(prepare):
            prepare()

    def _build_menus(self) -> None:
        a = self.actions_
        file_menu = self.menuBar().addMenu("&File")
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
        a[ActionId.QUIT].triggered.connect(self.close)
        go_menu = self.menuBar().addMenu("&Go")
        for spec in self._specs:
            go_menu.addAction(a[spec.action])
        go_menu.addSeparator()
        go_menu.addAction(a[ActionId.FOCUS_SEARCH])
        lead_menu = self.menuBar().addMenu("&Lead")
        for action_id in (
            ActionId.CALL_LEAD,
            ActionId.EMAIL_LEAD,
            ActionId.REPLY_EMAIL,
            ActionId.START_SCRIPT,
            ActionId.ADD_NOTE,
            ActionId.EDIT_LEAD,
            ActionId.DO_NOT_CONTACT,
        ):
            lead_menu.addAction(a[action_id])
        lead_menu.addAction(a[ActionId.STOP_EMAILS])
        file_menu.insertAction(a[ActionId.BACKUP], a[ActionId.SHOW_OUTBOX])
        a[ActionId.SHOW_OUTBOX].triggered.connect(
            lambda: getattr(self, "outbox_sender", None) and self.outbox_sender.show_outbox()
        )
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(a[ActionId.ABOUT])
        from repdesk.ui.shell.file_actions import FileActions

        self.file_actions = FileActions(
            self, a, lambda: self.services, self.apply_changes, self.workspace.title
        )

    def _build_status_bar(self) -> None:
        self.status_workspace = QLabel(self.workspace.title)
        self.status_workspace.setObjectName("muted")
        self.statusBar().addPermanentWidget(self.status_workspace)
        self.statusBar().showMessage("Ready", 3000)

    # -- changes and drops ------------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Refresh the pages a change concerns (each page decides what it needs)."""
        for page in self.pages.values():
            apply = getattr(page, "apply_changes", None)
            if callable(apply):
                apply(changes)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if _lead_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = _lead_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.file_actions.import_files(paths)

    # -- navigation ------------------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        for row in range(self.navigation.count()):
            if self.navigation.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.navigation.setCurrentRow(row)
                return
        raise KeyError(key)

    def current_page_key(self) -> str:
        return str(self.navigation.currentItem().data(Qt.ItemDataRole.UserRole))

    def _on_row_changed(self, row: int) -> None:
        if row < 0:
            return
        widget = self._build_page(row)
        self.stack.setCurrentIndex(row)
        spec = self._specs[row]
        activate = getattr(widget, "activate", None)
        if callable(activate):
            activate()
        self.sig_page_changed.emit(spec.key)

    # -- geometry --------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = QSettings("repdesk", "repdesk")
        geometry = settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        settings = QSettings("repdesk", "repdesk")
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        for page in self.pages.values():
            shutdown = getattr(page, "shutdown", None)
            if callable(shutdown):
                shutdown()
        timer = getattr(self, "requalify_timer", None)  # none before the workspace loaded
        if timer is not None:
            timer.stop()
        live = getattr(self, "live_queue", None)
        if live is not None:
            live.stop()
        super().closeEvent(event)


def _lead_files(mime: QMimeData) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [
        Path(u.toLocalFile())
        for u in mime.urls()
        if u.isLocalFile() and Path(u.toLocalFile()).is_file()
    ]
