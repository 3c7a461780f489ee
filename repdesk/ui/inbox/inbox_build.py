"""The inbox page's widgets: title and summary, search, the filters, the lead table with its
columns, the lead's detail beside it and the splitter the call panel joins (InboxPage's
construction)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
)

from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.inbox.lead_detail_panel import LeadDetailPanel
from repdesk.ui.inbox.lead_table_model import COLUMNS, REPLIED_TEXT

if TYPE_CHECKING:
    from repdesk.ui.script.script_panel import ScriptPanel


class InboxBuild:
    """Builds InboxPage's widgets; mixed into InboxPage (its slots are connected here)."""

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
            box.activated.connect(lambda _i: self._filter_changed())
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
        # Status is wide enough for a waiting lead's "Form: qualified · this month", Next step for
        # "replied — waiting for you" in the table's own font (plus the cell's margins).
        next_step = max(128, self.table.fontMetrics().horizontalAdvance(REPLIED_TEXT) + 20)
        for column, width in enumerate((66, 0, 0, 172, next_step, 100, 100, 76, 128, 180)):
            if width:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(column, width)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        # The header's menu shows these again; All leads shows Phone and Email, sorts by any
        # column (a third click goes back to the urgency order).
        hidden = ("Product",) if self.all_leads else ("Product", "Phone", "Email")
        for name in hidden:
            self.table.setColumnHidden(COLUMNS.index(name), True)
        if self.all_leads:
            header.setSortIndicatorClearable(True)
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.model.sort_requested = self._sort_by
            self.table.setSortingEnabled(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.actions = actions
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        services = self._services
        self.detail = LeadDetailPanel(services.detail if services else None, actions)
        if self.all_leads:
            self.detail.setObjectName("leadDetailAll")
        self.detail.setMinimumWidth(300)
        self.detail.sig_lead_changed.connect(self._changed)
        self.detail.during_call = lambda: self.call_lead_id is not None
        self.detail.sig_call_note_requested.connect(
            lambda: self.script.focus_note() if self.script is not None else None
        )
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
        actions[ActionId.NEXT_LEAD].triggered.connect(self.next_lead)
