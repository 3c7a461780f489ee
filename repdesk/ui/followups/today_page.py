"""Today: overdue, today's and the coming week's follow-ups under headings, worked from the
keyboard (done, snooze, reschedule); Enter shows the lead beside the list without leaving Today."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import chain
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.business_hours import at_local, next_business_time
from repdesk.core.domain import CallOutcome
from repdesk.core.when import format_moment
from repdesk.services.common.changes import Changes
from repdesk.services.followups.followup_service import FollowUpRow
from repdesk.services.team import owner_scope
from repdesk.ui.common.actions import ActionRegistry
from repdesk.ui.common.empty_state import EmptyStatePanel
from repdesk.ui.common.save_queue import save
from repdesk.ui.followups.followup_dialogs import RescheduleDialog
from repdesk.ui.followups.followup_table_model import KIND_LABELS, FollowUpTableModel
from repdesk.ui.inbox.lead_detail_panel import LeadDetailPanel

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.followups.followup_service import FollowUpService
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.ui.email.composer import EmailServices
    from repdesk.ui.inbox.lead_detail_panel import LeadDetailServices

OUTCOME_KEYS = {
    Qt.Key.Key_1: CallOutcome.CONNECTED,
    Qt.Key.Key_2: CallOutcome.VOICEMAIL,
    Qt.Key.Key_3: CallOutcome.NO_ANSWER,
    Qt.Key.Key_4: CallOutcome.WRONG_NUMBER,
}
HINT = (
    "D or Space done (an email step opens the composer) · S snooze 1 h · "
    "Shift+S next business morning · R reschedule · Enter show the lead (Esc hides it) · "
    "Ctrl+Z undo"
)
LATER_DAYS = 7
#: Phone and Note: hidden while the lead pane (which shows them) is beside the list.
BESIDE_THE_PANE = (3, 4)
LEAD_WIDTH = 320


@dataclass(frozen=True)
class TodayServices:
    """What the Today page uses: the follow-ups (which know who "me" is), the clock, and the
    lead pane."""

    followups: FollowUpService
    time: WorkspaceTime
    leads: LeadService
    detail: LeadDetailServices
    email: EmailServices | None = None
    """Sending an email step's template (ui/email)."""


class TodayPage(QWidget):
    sig_followups_changed = Signal(object)
    """Emitted with a Changes value after the rep completed, snoozed or moved a step."""
    sig_changes_made = Signal(object)
    """The same Changes, for the window (it offers the action's Undo)."""
    sig_lead_open_requested = Signal(int)
    """Emitted with the lead id when the rep presses Enter on a step (shown beside the list)."""
    sig_scope_changed = Signal(str)
    """Emitted with the new owner scope when the rep chooses whose steps the list shows."""

    def __init__(
        self,
        services: TodayServices,
        actions: ActionRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("todayPage")
        self.services = services
        self.model = FollowUpTableModel(services.time.clock, services.time.zone)
        self.model.region = services.leads.region
        self._pending_call: FollowUpRow | None = None
        self._counts_for: tuple[datetime, str] | None = None
        self._counts_timer = QTimer(self, singleShot=True, interval=0)
        self._counts_timer.timeout.connect(self.show_counts)
        self._build(actions if actions is not None else ActionRegistry(self))
        self._tick = QTimer(self, interval=60_000)
        self._tick.timeout.connect(lambda: self.reload() if self.isVisible() else None)
        self._tick.start()
        self.sig_lead_open_requested.connect(self.show_lead)
        self._loaded = False  # loaded when first shown: start-up only pays for the inbox

    def _build(self, actions: ActionRegistry) -> None:
        self._actions = actions
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        top = QHBoxLayout()
        title = QLabel("Today")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(12)
        self.coverage_label = QLabel()
        self.coverage_label.setObjectName("coverageLine")
        top.addWidget(self.coverage_label)
        top.addStretch(1)
        self.done_label = QLabel()
        self.done_label.setObjectName("doneToday")
        top.addWidget(self.done_label)
        top.addSpacing(12)
        whose = QLabel("&Whose")
        top.addWidget(whose)
        self.owner = QComboBox()
        self.owner.setObjectName("todayOwner")
        for label, scope in owner_scope.CHOICES:
            self.owner.addItem(label, scope)
        self.owner.setCurrentIndex(self.owner.findData(owner_scope.DEFAULT))
        self.owner.setToolTip(
            "Whose steps: yours and those of leads nobody owns yet (yours to take), yours, "
            "nobody's, or everyone's"
        )
        self.owner.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        whose.setBuddy(self.owner)
        self.owner.currentIndexChanged.connect(lambda _i: self._scope_chosen())
        top.addWidget(self.owner)
        layout.addLayout(top)
        self.hint = QLabel(HINT)
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.outcome_bar = QLabel(
            "Call outcome:  1 Connected   ·   2 Voicemail   ·   3 No answer   ·   "
            "4 Wrong number   ·   Esc cancel"
        )
        self.outcome_bar.setObjectName("outcomeBar")
        self.outcome_bar.setStyleSheet(
            "QLabel#outcomeBar { background: #2f6fde; color: white; padding: 6px 10px;"
            " border-radius: 6px; font-weight: 600; }"
        )
        self.outcome_bar.setWordWrap(True)
        self.outcome_bar.setVisible(False)
        layout.addWidget(self.outcome_bar)
        self.stack = QStackedWidget()
        self.table = _table(self.model)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self._open(self.model.row_at(index.row())))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._follow())
        self.empty = EmptyStatePanel("Nothing due — you're clear for today", "")
        self.empty.setObjectName("todayEmpty")
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.stack)
        self.detail = LeadDetailPanel(self.services.detail, actions)
        self.detail.setObjectName("todayLeadDetail")
        self.detail.setMinimumWidth(340)
        self.detail.sig_lead_changed.connect(self._lead_changed)
        self.detail.hide()  # Enter shows it
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)

    # -- loading ---------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        if not self._loaded:
            self.reload()
        super().showEvent(event)

    def activate(self) -> None:
        """Called when the page is shown: refresh and put the keyboard on the list."""
        self.reload()
        self.detail.sync_actions()
        self.table.setFocus()

    def apply_changes(self, changes: Changes) -> None:
        """Another page (or an undo) changed steps: refresh now when shown, else when shown."""
        if changes.follow_ups or changes.leads:
            if self.isVisible():
                self.reload()
            else:
                self._loaded = False

    def scope(self) -> str:
        """Whose steps the list shows: a value of services/team/owner_scope."""
        return str(self.owner.currentData() or owner_scope.EVERYONE)

    def _scope_chosen(self) -> None:
        self.reload()
        self.sig_scope_changed.emit(self.scope())  # the sidebar's count follows the choice

    def reload(self, *, select_id: int | None = None) -> None:
        """Re-read the list; the selection stays on its step (or goes to `select_id`), else on
        the row at the same place."""
        self._loaded = True
        current = self.current_row()
        row_no = max(self.table.currentIndex().row(), 0)
        now = self.services.time.now()
        end_of_today = self.services.time.end_of_today(now)
        scope = self.scope()
        # Three windows, counted by index (the scope is part of their queries) and read page by
        # page as the list scrolls.
        groups = self.services.followups.today_groups(scope, later_days=LATER_DAYS)
        self.model.set_groups(
            [("Overdue", groups.overdue), ("Today", groups.today), ("Later", groups.later)]
        )
        self.table.clearSpans()
        for heading in self.model.heading_rows():
            self.table.setSpan(heading, 0, 1, self.model.columnCount())
        # The coverage line and the done count read the whole workspace's indexes (most of a
        # second on a million leads): they are counted once the list's rows are painted.
        self._counts_for = (now, scope)
        self._counts_timer.start()
        if self.model.rowCount():
            self.stack.setCurrentWidget(self.table)
            wanted = select_id if select_id is not None else (current.id if current else None)
            target = self.model.row_of(wanted) if wanted is not None else -1
            self._select(target if target >= 0 else row_no)
        else:
            self.stack.setCurrentWidget(self.empty)
            self._fill_empty_state(end_of_today)
            self.hide_lead()

    def _select(self, row: int) -> None:
        """Select `row`, or the nearest step below (then above) it when it is a heading."""
        count = self.model.rowCount()
        # Walked lazily: a list of every row number is tens of MiB on a busy day.
        for candidate in chain(range(max(row, 0), count), range(min(row, count) - 1, -1, -1)):
            if self.model.row_at(candidate) is not None:
                self.table.selectRow(candidate)
                return

    def current_row(self) -> FollowUpRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def show_counts(self) -> None:
        """Fill in the coverage line and the done count of the last reload (at once)."""
        self._counts_timer.stop()
        if self._counts_for is not None:
            self._show_counts(*self._counts_for)

    def _show_counts(self, now: datetime, scope: str) -> None:
        cov = self.services.followups.coverage()
        share = round(cov.share * 100)
        many = cov.with_next_step != 1
        text = (
            f"Coverage {share} % · {cov.with_next_step:,} open lead{'s' if many else ''} "
            f"{'have' if many else 'has'} a next step · {cov.overdue:,} overdue"
        )
        colour = "#1a7f37" if share >= 100 else "#bf8700" if share >= 90 else "#cf222e"
        self.coverage_label.setText(text)
        self.coverage_label.setStyleSheet(
            f"QLabel#coverageLine {{ color: {colour}; font-weight: 600; }}"
        )
        start = self.services.time.end_of_today(now - timedelta(days=1))  # today's midnight
        done = self.services.followups.done_count(
            start, self.services.time.end_of_today(now), owner=scope
        )
        self.done_label.setText(f"✓ {done:,} done today")

    def _fill_empty_state(self, start: datetime) -> None:
        now = self.services.time.now()
        nxt = self.services.followups.first_after(start, self.scope())
        body = self.empty.findChild(QLabel, "emptyBody")
        if nxt is not None:
            when = format_moment(nxt.due_at, now, self.services.time.zone())
            who = (
                f"{nxt.lead_name} ({nxt.company})"
                if nxt.company and nxt.company != nxt.lead_name
                else nxt.lead_name
            )
            text = f"Next up: {KIND_LABELS.get(nxt.kind, nxt.kind)} {who}, {when}."
        else:
            text = (
                "No steps are scheduled at all: "
                "import or add leads and their follow-ups appear here."
            )
        if body is not None:
            body.setText(text)

    # -- keys ------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            return self._key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key, mods = event.key(), event.modifiers()
        if self._pending_call is not None:
            if key in OUTCOME_KEYS:
                call, self._pending_call = self._pending_call, None
                self.outcome_bar.setVisible(False)
                outcome = OUTCOME_KEYS[key].value  # type: ignore[index]
                self._run(lambda: self.services.followups.complete(call.id, outcome=outcome))
            elif key == Qt.Key.Key_Escape:
                self._pending_call = None
                self.outcome_bar.setVisible(False)
            return key not in (Qt.Key.Key_Up, Qt.Key.Key_Down)
        if key == Qt.Key.Key_Escape and self.detail.isVisible():
            self.hide_lead()
            return True
        row = self.current_row()
        if row is None or mods & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        if key in (Qt.Key.Key_D, Qt.Key.Key_Space):
            self.complete(row)
        elif key == Qt.Key.Key_S and mods & Qt.KeyboardModifier.ShiftModifier:
            self._run(
                lambda: self.services.followups.move(
                    row.id,
                    self.tomorrow_morning(),
                    label="Moved to the next business morning",
                    seen=row,
                )
            )
        elif key == Qt.Key.Key_S:
            self._run(lambda: self.services.followups.snooze(row.id, timedelta(hours=1), seen=row))
        elif key == Qt.Key.Key_R:
            self.reschedule(row)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open(row)
        else:
            return False
        return True

    # -- actions ---------------------------------------------------------------------------------
    def complete(self, row: FollowUpRow) -> None:
        """Calls ask for the outcome first (keys 1–4); emails and tasks are done at once."""
        if row.kind == "call":
            self._pending_call = row
            self.outcome_bar.setVisible(True)
            return
        from repdesk.ui.email.composer import can_send, open_composer

        email = self.services.email
        if row.kind == "email" and email is not None and can_send(email):
            # The step is done when the server accepts the email (services/email).
            open_composer(self, email, row.lead_id, follow_up_id=row.id)
            return
        self._run(lambda: self.services.followups.complete(row.id))

    def tomorrow_morning(self) -> datetime:
        """The opening of the next business day (Friday's Shift+S lands on Monday)."""
        hours = self.services.followups.planner.hours
        day = self.services.time.now().astimezone(hours.tz).date() + timedelta(days=1)
        return next_business_time(at_local(day, time(0), hours.tz), hours)

    def reschedule(self, row: FollowUpRow) -> None:
        dialog = RescheduleDialog(
            row.due_at,
            self.services.time.zone(),
            f"{KIND_LABELS.get(row.kind, row.kind)} {row.lead_name} — new date and time:",
            self,
        )
        dialog.accepted.connect(
            lambda: self._run(lambda: self.services.followups.move(row.id, dialog.when(), seen=row))
        )
        dialog.open()

    def _open(self, row: FollowUpRow | None) -> None:
        if row is not None:
            self.sig_lead_open_requested.emit(row.lead_id)

    def show_lead(self, lead_id: int) -> None:
        """Enter: the step's lead beside the list; the keyboard stays on the list (the pane then
        follows the selection until Esc hides it). The pane shows the phone and the step's note
        too: the list drops those columns meanwhile, so its steps show whole."""
        for column in BESIDE_THE_PANE:
            self.table.setColumnHidden(column, True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # the Lead column (now the last shown) stretches
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.detail.show()
        if sum(self.splitter.sizes()[1:]) == 0:
            width = max(self.splitter.width(), 900)
            self.splitter.setSizes([int(width * 0.58), int(width * 0.42)])
        self.detail.show_lead(lead_id)
        self.table.setFocus()

    def hide_lead(self) -> None:
        for column in BESIDE_THE_PANE:
            self.table.setColumnHidden(column, False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(2, LEAD_WIDTH)
        self.detail.hide()
        self.detail.show_lead(None)
        self._actions.set_lead_actions_enabled(False)  # no lead in focus on Today now

    def _follow(self) -> None:
        row = self.current_row()
        if self.detail.isVisible() and row is not None and row.lead_id != self.detail.lead_id:
            self.detail.show_lead(row.lead_id)

    def _lead_changed(self, changes: Changes) -> None:
        self.reload()
        self.sig_followups_changed.emit(changes)
        self.sig_changes_made.emit(changes)

    def _run(self, action: Callable[[], Changes]) -> None:
        """A quick action on the selected step; the selection then moves on to the step below
        it, as after D."""
        index = self.table.currentIndex().row()
        below = next(
            (
                self.model.row_at(i)
                for i in range(index + 1, self.model.rowCount())
                if self.model.row_at(i) is not None
            ),
            None,
        )
        select_id = below.id if below is not None else None
        # Saved now, or when an import that holds the write lock finishes (ui/common/save_queue).
        save(self, action, lambda changes: self._saved(changes, select_id))

    def _saved(self, changes: Changes, select_id: int | None) -> None:
        self.reload(select_id=select_id)
        self.sig_followups_changed.emit(changes)
        self.sig_changes_made.emit(changes)


def _table(model: FollowUpTableModel) -> QTableView:
    table = QTableView()
    table.setObjectName("todayList")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(30)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    bold = QFont(table.font())
    bold.setBold(True)
    # An overdue step's "Wed 30 Dec 09:30" (core.when) in bold, or today's "09:30 · overdue".
    due = max(
        QFontMetrics(bold).horizontalAdvance(t) for t in ("Wed 30 Dec 00:00", "00:00 · overdue")
    )
    for column, width in enumerate((due + 24, 84, LEAD_WIDTH, 140)):
        table.setColumnWidth(column, width)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table
