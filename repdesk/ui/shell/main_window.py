"""The main window: navigation sidebar, one page per area, menus, status bar, remembered
geometry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.common.changes import Changes
from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.common.undo_stack import UndoBar, UndoStack
from repdesk.ui.common.worker import Worker
from repdesk.ui.shell.background_parts import install_background_parts
from repdesk.ui.shell.first_paint import after_first_paint
from repdesk.ui.shell.menus import build_menus
from repdesk.ui.shell.pages import PageSpec, build_pages
from repdesk.ui.shell.sidebar import Sidebar

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
        self.undo_bar = UndoBar()
        self._build_undo()
        self._build_view_actions()
        self.pages: dict[str, QWidget] = {}
        self._specs: list[PageSpec] = build_pages(
            self.actions_, workspace.time, workspace.first_screen
        )
        self._build_body()
        build_menus(self, self._specs)
        self.actions_[ActionId.NEW_LEAD].triggered.connect(self._new_lead)
        self._build_status_bar()
        self._restore_geometry()
        self.setAcceptDrops(True)
        self._loader: Worker | None = None
        if not defer_pages:
            install_background_parts(self)

    # -- construction ----------------------------------------------------------------------------
    def _build_body(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.sidebar = Sidebar(self.navigation)
        self.stack = QStackedWidget()
        for index, spec in enumerate(self._specs):
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setData(Qt.ItemDataRole.UserRole + 1, spec.title)
            item.setData(Qt.ItemDataRole.UserRole + 2, self.actions_[spec.action].toolTip())
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
        self.sidebar.fit(self.width())
        layout.addWidget(self.navigation)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.stack, 1)
        right.addWidget(self.undo_bar)
        layout.addLayout(right, 1)
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
        install_background_parts(self)
        from repdesk.ui.shell.file_health import FileHealthCheck

        # quick_check, then the day's backup
        self.file_health = FileHealthCheck(self, self.workspace.services.backup)

    def _load_failed(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self._loader = None
        QMessageBox.critical(self, "repdesk", message)
        self.close()

    @property
    def services(self) -> Services:
        """The workspace's services (waiting for them when the start is still loading them)."""
        return self.workspace.load()

    def _make_page(self, spec: PageSpec, *, early: bool = False) -> QWidget:
        if early and spec.build_early is not None:
            widget = spec.build_early()
        else:
            widget = spec.build(self.services)
        self.pages[spec.key] = widget
        changed = getattr(widget, "sig_changes_made", None)
        if changed is not None:  # its Undo offered, the other pages refreshed
            changed.connect(lambda changes, page=widget: self.record_changes(changes, page))
        scope_changed = getattr(widget, "sig_scope_changed", None)
        if scope_changed is not None:  # Today's "whose steps": the sidebar counts the same
            scope_changed.connect(lambda _scope: self.refresh_counts())
        notice = getattr(widget, "sig_notice", None)
        if notice is not None:  # what another client's change did to the page in view
            notice.connect(
                lambda text, page=widget: (
                    self.undo_bar.show_message(text, False) if page.isVisible() else None
                )
            )
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
        self.refresh_counts()

    def _build_status_bar(self) -> None:
        self.status_workspace = QLabel(self.workspace.title)
        self.status_workspace.setObjectName("muted")
        self.statusBar().addPermanentWidget(self.status_workspace)
        self.statusBar().showMessage("Ready", 3000)

    # -- changes, undo and drops ------------------------------------------------------------------
    def apply_changes(
        self,
        changes: Changes,
        *,
        source: QWidget | None = None,
        remote: bool = False,
        ids: frozenset[int] | None = None,
    ) -> None:
        """Refresh the pages a change concerns (each page decides what it needs); `source`
        already refreshed itself; `remote`: another client's change (the live feed) of the leads
        `ids` (None: not known), which a page may tell the rep about and refresh just those rows
        for (apply_remote_changes)."""
        for page in self.pages.values():
            remote_apply = getattr(page, "apply_remote_changes", None) if remote else None
            if callable(remote_apply) and page is not source:
                remote_apply(changes, ids)
                continue
            apply = getattr(page, "apply_changes", None)
            if callable(apply) and page is not source:
                apply(changes)
        if changes.leads or changes.follow_ups:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        """The sidebar's counts: who waits for a first answer, and the steps due by tonight."""
        if not self.workspace.loaded:
            return
        services = self.services
        self.sidebar.set_count("inbox", services.inbox.waiting_count() or None)
        due = services.followups.due_count(services.time.end_of_today(), self._today_scope())
        self.sidebar.set_count("today", due or None)

    def _today_scope(self) -> str:
        """Whose steps the Today page lists (its default until the page is built)."""
        scope = getattr(self.pages.get("today"), "scope", None)
        if callable(scope):
            return str(scope())
        # Not at the top: the first paint comes before SQLAlchemy loads (owner_scope needs it).
        from repdesk.services.team import owner_scope

        return owner_scope.DEFAULT

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.sidebar.fit(event.size().width())

    def record_changes(self, changes: Changes, source: QWidget | None = None) -> None:
        """A page's quick action: say what it did (with Undo) and refresh the other pages."""
        if changes.undo is not None:
            self.undo_stack.push(changes.undo)
        self.apply_changes(changes, source=source)

    def _build_view_actions(self) -> None:
        sidebar = self.actions_[ActionId.TOGGLE_SIDEBAR]
        sidebar.triggered.connect(lambda: self.sidebar.toggle(self.width()))
        self.addAction(sidebar)

    def _build_undo(self) -> None:
        time = self.workspace.time
        self.undo_stack = UndoStack(
            lambda step: self.services.undo.undo(step), time.now, time.zone, self
        )
        self.undo_stack.sig_message.connect(self.undo_bar.show_message)
        self.undo_stack.sig_changes_made.connect(self.apply_changes)
        self.undo_bar.sig_undo_requested.connect(self.undo_stack.undo)
        undo = self.actions_[ActionId.UNDO]
        undo.triggered.connect(self.undo_stack.undo)
        self.addAction(undo)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if _lead_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = _lead_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.file_actions.import_files(paths)

    def _new_lead(self) -> None:
        """Ctrl+N from any page: the lead is added on the inbox (or All leads) and shown there."""
        if self.current_page_key() not in ("inbox", "leads"):
            self.show_page("inbox")
        new_lead = getattr(self.pages[self.current_page_key()], "new_lead", None)
        if callable(new_lead):
            new_lead()

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
        # The Lead menu acts on the lead the shown page has in focus: the page enables it again.
        self.actions_.set_lead_actions_enabled(False)
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
        queue = getattr(self, "save_queue", None)  # none before the workspace loaded
        if queue is not None and queue.keeps_open(self):  # changes still wait for an import
            event.ignore()
            return
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
        if u.isLocalFile() and Path(u.toLocalFile()).exists()  # a folder: its files
    ]
