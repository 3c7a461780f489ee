"""Today: overdue and due follow-ups, most urgent first, worked from the keyboard (done, snooze,
reschedule, open)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.domain import CallOutcome
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.followups.followup_service import FollowUpRow
from repdesk.ui.common.actions import ActionRegistry
from repdesk.ui.common.empty_state import EmptyStatePanel
from repdesk.ui.followups.followup_dialogs import RescheduleDialog
from repdesk.ui.followups.followup_table_model import KIND_LABELS, FollowUpTableModel

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.followups.followup_service import FollowUpService
    from repdesk.services.settings.settings_service import SettingsService
    from repdesk.ui.email.composer import EmailServices

OUTCOME_KEYS = {
    Qt.Key.Key_1: CallOutcome.CONNECTED,
    Qt.Key.Key_2: CallOutcome.VOICEMAIL,
    Qt.Key.Key_3: CallOutcome.NO_ANSWER,
    Qt.Key.Key_4: CallOutcome.WRONG_NUMBER,
}
HINT = (
    "D or Space done (an email step opens the composer) · S snooze 1 h · Shift+S tomorrow 09:00 · "
    "R reschedule · Enter open lead"
)


@dataclass(frozen=True)
class TodayServices:
    """What the Today page uses: the follow-ups, the business day's start, the clock."""

    followups: FollowUpService
    settings: SettingsService
    time: WorkspaceTime
    email: EmailServices | None = None
    """Sending an email step's template (ui/email)."""


class TodayPage(QWidget):
    sig_followups_changed = Signal(object)
    """Emitted with a Changes value after the rep completed, snoozed or moved a step."""
    sig_lead_open_requested = Signal(int)
    """Emitted with the lead id when the rep presses Enter on a step."""

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
        self._pending_call: FollowUpRow | None = None
        self._build()
        self._tick = QTimer(self, interval=60_000)
        self._tick.timeout.connect(lambda: self.reload() if self.isVisible() else None)
        self._tick.start()
        self.sig_lead_open_requested.connect(self._open_in_inbox)
        self._loaded = False  # loaded when first shown: start-up only pays for the inbox

    def _build(self) -> None:
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
        self.table = QTableView()
        self.table.setObjectName("todayList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((215, 84, 320, 140)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self._open(self.model.row_at(index.row())))
        self.empty = EmptyStatePanel("Nothing due — you're clear for today", "")
        self.empty.setObjectName("todayEmpty")
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

    # -- loading ---------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        if not self._loaded:
            self.reload()
        super().showEvent(event)

    def activate(self) -> None:
        """Called when the page is shown: refresh and put the keyboard on the list."""
        self.reload()
        self.table.setFocus()

    def reload(self) -> None:
        """Count today's steps and show the first window: overdue first (oldest first), then the
        rest of today in time order, read page by page as the list scrolls."""
        self._loaded = True
        current = self.current_row()
        row_no = max(self.table.currentIndex().row(), 0)
        window = self.services.followups.today()
        self.model.set_window(window)
        self._show_coverage()
        if window.total:
            self.stack.setCurrentWidget(self.table)
            target = self.model.row_of(current.id) if current is not None else -1
            self.table.selectRow(target if target >= 0 else min(row_no, window.total - 1))
        else:
            self.stack.setCurrentWidget(self.empty)
            self._fill_empty_state()

    def current_row(self) -> FollowUpRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_coverage(self) -> None:
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

    def _fill_empty_state(self) -> None:
        zone = self.services.time.zone()
        start = self.services.time.end_of_today()
        nxt = self.services.followups.first_after(start)
        body = self.empty.findChild(QLabel, "emptyBody")
        if nxt is not None:
            when = nxt.due_at.astimezone(zone)
            who = (
                f"{nxt.lead_name} ({nxt.company})"
                if nxt.company and nxt.company != nxt.lead_name
                else nxt.lead_name
            )
            text = (
                f"Next up: {KIND_LABELS.get(nxt.kind, nxt.kind)} {who} on {when:%A %d %B at %H:%M}."
            )
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
                self._run(
                    lambda: self.services.followups.complete(
                        call.id, outcome=OUTCOME_KEYS[key].value
                    )
                )  # type: ignore[index]
            elif key == Qt.Key.Key_Escape:
                self._pending_call = None
                self.outcome_bar.setVisible(False)
            return key not in (Qt.Key.Key_Up, Qt.Key.Key_Down)
        row = self.current_row()
        if row is None or mods & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        if key in (Qt.Key.Key_D, Qt.Key.Key_Space):
            self.complete(row)
        elif key == Qt.Key.Key_S and mods & Qt.KeyboardModifier.ShiftModifier:
            self._run(lambda: self.services.followups.move(row.id, self.tomorrow_morning()))
        elif key == Qt.Key.Key_S:
            self._run(lambda: self.services.followups.snooze(row.id, timedelta(hours=1)))
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
        zone = self.services.time.zone()
        start = str(self.services.settings.get("business_start") or "09:00")
        day = self.services.time.clock().astimezone(zone).date() + timedelta(days=1)
        return datetime.combine(day, time.fromisoformat(start), tzinfo=zone)

    def reschedule(self, row: FollowUpRow) -> None:
        dialog = RescheduleDialog(
            row.due_at,
            self.services.time.zone(),
            f"{KIND_LABELS.get(row.kind, row.kind)} {row.lead_name} — new date and time:",
            self,
        )
        if dialog.exec():
            when = dialog.when()
            self._run(lambda: self.services.followups.move(row.id, when))

    def _open(self, row: FollowUpRow | None) -> None:
        if row is not None:
            self.sig_lead_open_requested.emit(row.lead_id)

    def _open_in_inbox(self, lead_id: int) -> None:
        window = self.window()
        pages = getattr(window, "pages", {})
        inbox = pages.get("inbox")
        if inbox is None or not hasattr(window, "show_page"):
            return
        inbox.detail.show_lead(lead_id)
        window.show_page("inbox")

    def _run(self, action: object) -> None:
        try:
            changes: Changes = action()  # type: ignore[operator]
        except UserError as exc:
            QMessageBox.warning(self, "repdesk", str(exc))
            return
        self.reload()
        self.sig_followups_changed.emit(changes)
