"""The inbox: leads by urgency with search, filters and the selected lead's detail beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.domain import LeadStatus
from repdesk.core.inbox import InboxFilter
from repdesk.services.common.changes import Changes
from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.inbox.lead_detail_panel import LeadDetailPanel, LeadDetailServices
from repdesk.ui.inbox.lead_table_model import COLUMNS, LeadTableModel

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.inbox.inbox_service import InboxService
    from repdesk.services.inbox.inbox_sqlite import SqliteInbox
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.script.qualification_service import QualificationService
    from repdesk.ui.inbox.lead_table_model import InboxRows
    from repdesk.ui.script.script_panel import ScriptPanel, ScriptPanelServices

SEARCH_DELAY_MS = 120


@dataclass(frozen=True)
class InboxServices:
    """What the inbox (and All leads) page uses once the workspace has loaded."""

    inbox: InboxService
    leads: LeadService
    qualifications: QualificationService
    detail: LeadDetailServices
    script: ScriptPanelServices


class InboxPage(QWidget):
    sig_lead_selected = Signal(int)
    """Emitted with the lead id when the rep selects a lead in the table."""

    def __init__(
        self,
        time: WorkspaceTime,
        actions: ActionRegistry,
        services: InboxServices | None = None,
        *,
        first_screen: SqliteInbox | None = None,
        all_leads: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """`services` None: the app's start; the page shows `first_screen` (the inbox read from
        the file) until the main window calls `services_loaded`."""
        super().__init__(parent)
        self.time = time
        self._services = services
        self.first_screen = first_screen
        self.all_leads = all_leads
        self._scope_set = False  # a team's "Mine + Unassigned" chosen once, at the first fill
        self.model = LeadTableModel(time.clock, time.response_target_minutes)
        self._build(actions)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self._tick = QTimer(self, interval=30_000)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        self._loaded = False
        self.defer_until_painted = False
        """Set by the main window at start-up: the filter lists and other chores wait for
        `services_loaded()`, which the window calls after the first paint once the services have
        loaded."""
        self._columns_before_call: list[bool] | None = None

    def _build(self, actions: ActionRegistry) -> None:
        suffix = "All" if self.all_leads else ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        top = QHBoxLayout()
        title = QLabel("All leads" if self.all_leads else "Inbox")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        top.addWidget(self.summary)
        top.addStretch(1)
        self.search = QLineEdit()
        self.search.setObjectName(f"inboxSearch{suffix}")
        self.search.setPlaceholderText("Search leads…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search.setToolTip("Search name, company, email, phone and notes as you type")
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        top.addWidget(self.search)
        layout.addLayout(top)
        filters = QHBoxLayout()
        self.filters: dict[str, QComboBox] = {}
        for key, label in (
            ("status", "Any status"),
            ("source", "Any source"),
            ("owner", "Any owner"),
            ("product", "Any product"),
        ):
            box = QComboBox()
            box.setObjectName(f"filter_{key}{suffix}")
            box.addItem(label, "")
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.activated.connect(lambda _i: self.reload())
            filters.addWidget(box)
            self.filters[key] = box
        filters.addStretch(1)
        layout.addLayout(filters)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setObjectName(f"leadTable{suffix}")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        # Name and company share what is left; the rest keep a width that fits their values.
        # Status is wide enough for a waiting lead's "Form: qualified · this month".
        for column, width in enumerate((66, 0, 0, 172, 128, 100, 100, 76)):
            if width:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(column, width)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnHidden(
            COLUMNS.index("Product"), True
        )  # the header's menu shows it again
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        services = self._services
        self.detail = LeadDetailPanel(services.detail if services else None, actions)
        if self.all_leads:
            self.detail.setObjectName("leadDetailAll")
        self.detail.setMinimumWidth(360)
        self.detail.sig_lead_changed.connect(self.apply_changes)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 380])
        layout.addWidget(splitter, 1)
        actions[ActionId.FOCUS_SEARCH].triggered.connect(self._focus_search)
        # The call script opens as a third pane beside the detail, so the lead's history stays in
        # view.
        self.splitter = splitter
        self.script: ScriptPanel | None = (
            None  # built on first use: one panel (and its names) per window
        )
        actions[ActionId.START_SCRIPT].triggered.connect(self._start_script)

    # -- loading ---------------------------------------------------------------------------------
    @property
    def services(self) -> InboxServices:
        assert self._services is not None, "the inbox queries only once the services loaded"
        return self._services

    def activate(self) -> None:
        """Called when the page is shown: load lazily the first time, refresh after that."""
        if not self._loaded:
            # Filter lists (a scan of every lead) and re-qualify steps for stale qualifications are
            # not needed for the first screen: at start-up they wait until the services load.
            if self._services is not None and not self.defer_until_painted:
                self._first_load_chores()
            self._loaded = True
        self.reload()
        self.table.setFocus()

    def services_loaded(self, services: InboxServices) -> None:
        """The services are ready (start-up): do the chores, and show the first lead's detail."""
        self._services = services
        self.detail.services_loaded(services.detail)
        if not self.current_filter().is_empty:
            self.reload()  # a search typed during the start applies now
        self._first_load_chores()
        if (
            self.detail.lead_id is None
            and self.model.rowCount()
            and not self.table.selectionModel().hasSelection()
        ):
            self.table.selectRow(0)
        if self.detail.lead_id is None:
            self.detail.show_lead(None)  # an empty inbox: the empty state replaces the blank pane

    def _first_load_chores(self) -> None:
        self._fill_filters()  # (loading the workspace planned the re-qualify steps already)

    def current_filter(self) -> InboxFilter:
        return InboxFilter(
            search=self.search.text(),
            status=self.filters["status"].currentData() or "",
            source=self.filters["source"].currentData() or "",
            owner=self.filters["owner"].currentData() or "",
            product=self.filters["product"].currentData() or "",
            include_closed=self.all_leads,
        )

    def reload(self) -> None:
        selected = self.detail.lead_id
        flt = self.current_filter()
        now = self.time.now()
        end_of_today = self.time.end_of_today(now)
        # Leads received before this wait past the response target: form-qualified ones first.
        late_before = now - timedelta(minutes=self.time.response_target_minutes())
        early = self._services is None
        if self._services is None:
            # Start-up: the inbox straight from the file, before the services have loaded (a
            # filter typed meanwhile applies once they have).
            if self.first_screen is None:
                return
            snapshot: InboxRows = self.first_screen.snapshot(end_of_today, late_before)
        else:
            snapshot = self._services.inbox.any_snapshot(flt, end_of_today, late_before)
        self.model.set_snapshot(snapshot)
        waiting = snapshot.waiting
        text = f"{snapshot.total:,} leads"
        if snapshot.replied:
            text += f" · {snapshot.replied:,} replied"
        if waiting:
            text += f" · {waiting:,} waiting for a first answer"
        self.summary.setText(text)
        if selected is not None:
            self._reselect(selected)
        elif (
            self.model.rowCount() and not early
        ):  # the detail needs the services: services_loaded() selects
            self.table.selectRow(0)

    def _reselect(self, lead_id: int) -> None:
        for row in range(min(self.model.rowCount(), 400)):
            lead = self.model.lead_at(row)
            if lead is not None and lead.id == lead_id:
                self.table.selectRow(row)
                return
        self.detail.refresh()

    def _fill_filters(self) -> None:
        leads = self.services.leads
        choices = {
            "status": [(s.label, s.value) for s in LeadStatus],
            "source": [(v, v) for v in leads.distinct_values("source")],
            "owner": self.services.inbox.owner_scopes()
            + [("Unassigned", "-")]
            + [(v, v) for v in leads.reps()],
            "product": [(v, v) for v in leads.distinct_values("product")],
        }
        for key, items in choices.items():
            box = self.filters[key]
            kept = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for label, value in items:
                box.addItem(label, value)
            box.setCurrentIndex(max(0, box.findData(kept)) if kept else 0)
            box.blockSignals(False)
        scopes = choices["owner"][:2] if self.services.inbox.owner_scopes() else []
        if scopes and not self._scope_set:
            # A team's rep starts on their own and the unassigned leads; "Everyone" is one pick.
            self._scope_set = True
            owner = self.filters["owner"]
            owner.setItemText(0, "Everyone")
            if not self.all_leads:
                owner.setCurrentIndex(owner.findData(scopes[0][1]))
                self.reload()

    # -- events ----------------------------------------------------------------------------------
    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        lead = self.model.lead_at(rows[0].row()) if rows else None
        self.detail.show_lead(lead.id if lead else None)
        if lead is not None:
            self.sig_lead_selected.emit(lead.id)

    def apply_changes(self, changes: Changes) -> None:
        if changes.leads or changes.follow_ups:
            if changes.leads and not self.filters["source"].count() > 1:
                self._fill_filters()
            self.reload()

    def _start_script(self) -> None:
        if not self.isVisible() or self.detail.lead_id is None or self._services is None:
            return
        if self.detail.refuses_contact():  # a script is a call
            return
        script = self.prepare_script_panel()
        if self._columns_before_call is None:
            # During a call the table keeps only who is waiting: the columns come back afterwards.
            self._columns_before_call = [self.table.isColumnHidden(c) for c in range(len(COLUMNS))]
            for column in range(3, len(COLUMNS)):
                self.table.setColumnHidden(column, True)
        if not script.isVisible() or self.splitter.sizes()[2] == 0:
            script.show()
            width = max(sum(self.splitter.sizes()), self.splitter.width(), 900)
            self.splitter.setSizes([int(width * 0.24), int(width * 0.34), int(width * 0.42)])
        script.start(self.detail.lead_id)  # focus goes where the rep answers

    def prepare_script_panel(self) -> ScriptPanel:
        """Create the call-script panel, hidden until a call starts (the main window calls this once
        the pages are built, so the panel's widgets exist before the first call)."""
        if self.script is None:
            # Imported here, not at start-up: the first screen does not need the panel.
            from repdesk.ui.script.script_panel import ScriptPanel

            self.script = ScriptPanel(self.services.script)
            self.script.setObjectName("scriptPanelAll" if self.all_leads else "scriptPanel")
            self.script.sig_changes_made.connect(self.apply_changes)
            self.script.sig_close_requested.connect(self._close_script)
            self.splitter.addWidget(self.script)
            self.script.hide()
        return self.script

    def _close_script(self) -> None:
        if self.script is not None:
            self.script.hide()
        for column, hidden in enumerate(self._columns_before_call or []):
            self.table.setColumnHidden(column, hidden)
        self._columns_before_call = None
        self.table.setFocus()

    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for column, title in enumerate(COLUMNS):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.setEnabled(column != 1)  # the name always shows
            action.toggled.connect(lambda shown, c=column: self.table.setColumnHidden(c, not shown))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def _focus_search(self) -> None:
        if self.isVisible():
            self.search.setFocus()
            self.search.selectAll()
