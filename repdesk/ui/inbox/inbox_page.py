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
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.domain import LeadStatus
from repdesk.core.inbox import InboxFilter
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError
from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.inbox.call_layout import CallLayout, column_menu, row_menu
from repdesk.ui.inbox.column_fit import ColumnFit
from repdesk.ui.inbox.inbox_page_live import patch_rows, rows_only
from repdesk.ui.inbox.lead_detail_panel import LeadDetailPanel, LeadDetailServices
from repdesk.ui.inbox.lead_table_model import COLUMNS, REPLIED_TEXT, LeadTableModel

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.inbox.inbox_service import InboxService
    from repdesk.services.inbox.inbox_sqlite import SqliteInbox
    from repdesk.services.leads.lead_rows import LeadDetail
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
    sig_changes_made = Signal(object)
    """Emitted with the Changes of a quick action taken here (the window offers its Undo)."""
    sig_notice = Signal(str)
    """Emitted with what to tell the rep when another client's change (a colleague's claim, the
    CLI) took the lead in focus out of the list and the focus moved on."""

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
        self.model = LeadTableModel(
            time.clock,
            time.response_target_minutes,
            zone=time.zone,
            region=lambda: self._services.leads.region() if self._services else "US",
        )
        self._sort: tuple[str, bool] | None = None  # All leads: a column's order, not urgency
        self._build(actions)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._filter_changed)
        self._tick = QTimer(self, interval=30_000)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        # A colleague's call marker whose client crashed ends when its lease does: looked at
        # again then (no NOTIFY tells of a lease running out).
        self._lease_timer = QTimer(self, singleShot=True)
        self._lease_timer.timeout.connect(self.refresh_on_calls)
        self._loaded = False
        self.defer_until_painted = False
        """Set by the main window at start-up: the filter lists and other chores wait for
        `services_loaded()`, which the window calls after the first paint once the services have
        loaded."""
        self._selecting = False
        self._outside = False  # reloading for another client's change (apply_remote_changes)
        self.call_lead_id: int | None = None
        """The lead on the phone while the call-script panel is open (the focus is pinned to it)."""
        self._call_row = 0
        self._next_after_call: int | None = None
        self.column_fit = ColumnFit(self.table)
        self._layout = CallLayout(self.table, self.splitter, self.column_fit)

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

    # -- loading ---------------------------------------------------------------------------------
    @property
    def services(self) -> InboxServices:
        assert self._services is not None, "the inbox queries only once the services loaded"
        return self._services

    def activate(self) -> None:
        """Called when the page is shown: load lazily the first time, refresh after that."""
        if not self._loaded:
            # Filter lists (a scan of every lead) are not needed for the first screen: at
            # start-up they wait until the services load.
            if self._services is not None and not self.defer_until_painted:
                self._first_load_chores()
            self._loaded = True
        self.reload()
        self.detail.sync_actions()
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

    def reload(self, *, place: int | None = None) -> None:
        """Re-read the list and keep the lead in focus; when it left the list, the lead now at
        its place (`place`, default: the row it was on) takes the focus, so the queue moves on."""
        selected = self.detail.lead_id
        hint = self._current_row()
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
        elif self._sort is not None:
            snapshot = self._services.inbox.sorted_snapshot(flt, *self._sort)
        else:
            snapshot = self._services.inbox.any_snapshot(flt, end_of_today, late_before)
        scroll = self.table.verticalScrollBar().value()
        self.model.set_snapshot(snapshot)
        if not early:
            self.refresh_on_calls(detail=False)
        self._show_summary(snapshot)
        if early:
            return  # the detail needs the services: services_loaded() selects
        self._refocus(selected, hint, place)
        if self._outside:  # another client's change: the rep's place in the list stays
            self.table.verticalScrollBar().setValue(scroll)

    def _show_summary(self, snapshot: InboxRows) -> None:
        text = f"{snapshot.total:,} leads"
        if snapshot.replied:
            text += f" · {snapshot.replied:,} replied"
        if snapshot.waiting:
            text += f" · {snapshot.waiting:,} waiting for a first answer"
        self.summary.setText(text)

    def _refocus(
        self,
        selected: int | None,
        hint: int,
        place: int | None = None,
        *,
        read_only: bool = False,
        refresh: bool = True,
    ) -> None:
        """After the rows changed: the lead in focus stays in focus (its detail read again when
        `refresh`); when it left the list, the lead now at its place (`place`, default: the row
        it was on) takes the focus. `read_only`: looked for among the rows read so far only."""
        if self.call_lead_id is not None:
            self._select_lead(self.call_lead_id, hint)  # pinned during a call, listed or not
            return
        if selected is not None and self._select_lead(selected, hint, read_only=read_only):
            if refresh:
                self.detail.refresh()
            return
        shown = self.detail.detail if selected is not None else None
        if self.model.rowCount():
            start = hint if place is None else place
            self.table.selectRow(min(max(start, 0), self.model.rowCount() - 1))
        else:
            self.detail.show_lead(None)  # nobody listed: nobody in focus
        if shown is not None and self._outside:
            self.sig_notice.emit(self._gone_notice(shown))

    def _refresh_rows(self, changes: Changes, ids: frozenset[int]) -> bool:
        """Another client changed these leads: only their rows are read again and patched in
        place (the selection and the scroll position stay; the counts are counted again). False
        when the list is to be read again instead (a column's order, a search, a new day, or
        rows that do not add up: see inbox_page_live)."""
        if not rows_only(changes) or self._services is None or self._sort is not None:
            return False
        selected, hint = self.detail.lead_id, self._current_row()
        scroll = self.table.verticalScrollBar().value()
        self._selecting = True  # the rows' own signals move no focus: _refocus does
        try:
            done = patch_rows(
                self.model, self.services.inbox, self.current_filter(), ids, self.time.now()
            )
        finally:
            self._selecting = False
        if not done:
            return False
        if changes.leads and not self.filters["source"].count() > 1:
            self._fill_filters()
        snapshot = self.model.snapshot
        if snapshot is not None:
            self._show_summary(snapshot)
        self.refresh_on_calls(detail=False)
        self._refocus(selected, hint, read_only=True, refresh=selected in ids)
        self.table.verticalScrollBar().setValue(scroll)
        if self.call_lead_id is not None and self.script is not None:
            self.script.recheck_logged_call()
        return True

    def refresh_on_calls(self, *, detail: bool = True) -> None:
        """Who else is on a call with which lead (a team): on their rows, and looked at again when
        the first of their leases would run out (by the database's clock)."""
        team = self._services.detail.team if self._services is not None else None
        if team is None or not team.is_team:
            return  # a solo file: nobody else calls
        calls = {c.lead_id: c for c in team.on_calls().values() if not c.mine}
        focus = self.detail.lead_id
        was = self.model.on_call(focus) if focus is not None else None
        if self.model.set_on_calls({lead: c.who for lead, c in calls.items()}):
            self.column_fit.fit_values()  # Status as wide as "☎ on a call · Ann Lee"
        self._lease_timer.stop()
        if calls:
            self._lease_timer.start(max(0, min(c.expires_in_ms for c in calls.values())) + 50)
        if detail and focus is not None and was != self.model.on_call(focus):
            self.detail.refresh()  # its "on a call with … now" came or went

    def _gone_notice(self, shown: LeadDetail) -> str:
        """'Anika Berg is now Ben Ortiz's lead · now on Yuki Tanaka': why the lead in focus left
        the list, and who is in focus instead."""
        name = shown.lead.display_name
        try:
            now = self.services.leads.detail(shown.lead.id).lead
        except NotFoundError:
            why = f"{name} was removed elsewhere"
        else:
            taken = now.owner is not None and now.owner != shown.lead.owner
            why = (
                f"{name} is now {now.owner}'s lead"
                if taken
                else f"{name} left this list (changed elsewhere)"
            )
        following = self.model.lead_at(self._current_row()) if self.model.rowCount() else None
        return f"{why} · now on {following.display_name}" if following else f"{why} · list empty"

    def _filter_changed(self) -> None:
        # A filter that hides the lead in focus moves the focus to the first lead it lists.
        self.reload(place=0)

    def _current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else 0

    def row_of(self, lead_id: int, hint: int = 0) -> int:
        """The lead's row: looked for near `hint` (where it was) and among the first rows."""
        near = range(max(0, hint - 200), min(self.model.rowCount(), hint + 200))
        for row in [*near, *range(min(self.model.rowCount(), 400))]:
            lead = self.model.lead_at(row)
            if lead is not None and lead.id == lead_id:
                return row
        return -1

    def _select_lead(self, lead_id: int, hint: int, *, read_only: bool = False) -> bool:
        row = self.model.read_row_of(lead_id) if read_only else self.row_of(lead_id, hint)
        self._selecting = True
        try:
            if row < 0:
                self.table.clearSelection()
            else:
                self.table.selectRow(row)
        finally:
            self._selecting = False
        return row >= 0

    def _fill_filters(self) -> None:
        # Not at the top: the inbox paints its first rows before SQLAlchemy loads (first_paint).
        from repdesk.services.team.owner_scope import UNASSIGNED

        leads = self.services.leads
        choices = {
            "status": [(s.label, s.value) for s in LeadStatus],
            "source": [(v, v) for v in leads.distinct_values("source")],
            "owner": self.services.inbox.owner_scopes()
            + [("Unassigned", UNASSIGNED)]
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
        if self._selecting:
            return  # the page put the focus back where it was: the detail already shows it
        if self.call_lead_id is not None:
            if lead is None or lead.id != self.call_lead_id:
                # During a call the panel and the pane stay on the person on the phone.
                self._select_lead(self.call_lead_id, 0)
                if self.script is not None:
                    self.script.show_pinned_notice()
            return
        self.detail.show_lead(lead.id if lead else None)
        if lead is not None:
            self.sig_lead_selected.emit(lead.id)

    def _changed(self, changes: Changes) -> None:
        self.apply_changes(changes)
        self.sig_changes_made.emit(changes)

    def apply_remote_changes(self, changes: Changes, ids: frozenset[int] | None = None) -> None:
        """Another client's change (a colleague, the CLI, a second window) of the leads `ids`
        (None: not known): only their rows are read again when that can be done, else the list
        (keeping the scroll position). When it takes the lead in focus out of the list, the focus
        moves on and the rep is told (sig_notice)."""
        self._outside = True
        try:
            if ids is None or not self._refresh_rows(changes, ids):
                self.apply_changes(changes)
        finally:
            self._outside = False

    def apply_changes(self, changes: Changes) -> None:
        if changes.leads or changes.follow_ups:
            if changes.leads and not self.filters["source"].count() > 1:
                self._fill_filters()
            self.reload()
        if self.call_lead_id is not None and self.script is not None:
            self.script.recheck_logged_call()  # an undone outcome: the panel asks again

    def _start_script(self) -> None:
        lead_id = self.detail.lead_id
        if not self.isVisible() or lead_id is None or self._services is None:
            return
        if self.call_lead_id is not None:
            if self.script is not None:
                self.script.focus_answer()  # already on the call: back to the question
            return
        if self.detail.refuses_contact():  # a script is a call
            return
        row = self.row_of(lead_id, self._current_row())
        if row < 0:
            return  # only a lead the list shows (and highlights) can be called
        script = self.prepare_script_panel()
        self.call_lead_id = lead_id
        self._call_row = row
        following = self.model.lead_at(row + 1)
        self._next_after_call = following.id if following is not None else None
        self._layout.open_call(script)
        script.start(lead_id)  # focus goes where the rep answers

    def next_lead(self) -> None:
        """Go on to the next lead in the queue and start its script (after a call: the lead the
        queue moved on to)."""
        if not self.isVisible():
            return
        if self.call_lead_id is not None and self.script is not None:
            if not self.script.call_ended:
                self.script.show_pinned_notice()  # end this call first (Esc, then 1–4)
                return
            logged = self.script.call_logged
            self.script.close_call()  # the selection moves on when the call was logged
            if not logged:
                self._select_next_row()
        else:
            self._select_next_row()
        self._start_script()

    def _select_next_row(self) -> None:
        row = self._current_row() + 1
        if row < self.model.rowCount():
            self.table.selectRow(row)

    def new_lead(self) -> None:
        """Ctrl+N: a walk-in or inbound caller, added by hand and shown at once."""
        if self.call_lead_id is not None or self._services is None:
            return
        from repdesk.ui.inbox.lead_edit_dialog import LeadEditDialog

        dialog = LeadEditDialog(self.services.leads, None, self)

        def added() -> None:
            self.detail.lead_id = dialog.new_lead_id
            self._changed(dialog.changes)

        dialog.accepted.connect(added)
        dialog.open()

    def next_lead_row(self) -> int:
        """Where the queue goes on after the call: the lead that followed the called one, or the
        one now at its place."""
        if self._next_after_call is not None:
            row = self.row_of(self._next_after_call, self._call_row)
            if row >= 0:
                return row
        return min(self._call_row, self.model.rowCount() - 1)

    def prepare_script_panel(self) -> ScriptPanel:
        """Create the call-script panel, hidden until a call starts (the main window calls this once
        the pages are built, so the panel's widgets exist before the first call)."""
        if self.script is None:
            # Imported here, not at start-up: the first screen does not need the panel.
            from repdesk.ui.script.script_panel import ScriptPanel

            self.script = ScriptPanel(self.services.script)
            self.script.setObjectName("scriptPanelAll" if self.all_leads else "scriptPanel")
            self.script.sig_changes_made.connect(self._changed)
            self.script.sig_close_requested.connect(self._close_script)
            self.splitter.addWidget(self.script)
            self.script.hide()
        return self.script

    def _close_script(self) -> None:
        moved_on = self.script is not None and self.script.call_logged
        if self.script is not None:
            self.script.hide()
        self._layout.close_call()
        self.call_lead_id = None
        if moved_on and self.model.rowCount():
            self.table.selectRow(self.next_lead_row())  # the queue moves on
        self.table.setFocus()

    def shutdown(self) -> None:
        """The window is closing: a call still on the phone stops showing to the others now."""
        self._lease_timer.stop()
        marker = self.script.call_marker if self.script is not None else None
        if marker is not None:
            marker.end(wait=True)

    def _sort_by(self, key: str | None, descending: bool) -> None:
        wanted = None if key is None else (key, descending)
        if wanted == self._sort:
            return  # Qt asks once when sorting is switched on: nothing changes then
        self._sort = wanted
        if self._loaded:
            # After the header's click has been handled: a model reset inside it pulls the
            # header's sections away under its feet.
            QTimer.singleShot(0, lambda: self.reload(place=0))

    def _row_menu(self, pos: QPoint) -> None:
        self.row_menu = row_menu(
            self.table, self.actions, lambda: self.detail.lead_id is not None, pos
        )  # kept for tests and so it is not collected while open

    def _column_menu(self, pos: QPoint) -> None:
        column_menu(self.table, pos, self.column_fit.chosen)

    def _focus_search(self) -> None:
        if self.isVisible():
            self.search.setFocus()
            self.search.selectAll()
