"""Calendar: follow-ups by month and week with an agenda; reschedule by drag or dialog; export
reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.common.changes import Changes
from repdesk.services.followups.followup_service import FollowUpRow
from repdesk.ui.calendar.calendar_month import FollowUpMonthCalendar
from repdesk.ui.calendar.week_view import MAX_LANES, WeekView
from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.common.save_queue import save
from repdesk.ui.followups.followup_dialogs import ExportDialog, ExportServices, RescheduleDialog
from repdesk.ui.followups.followup_table_model import KIND_LABELS, FollowUpTableModel

if TYPE_CHECKING:
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.followups.followup_service import FollowUpService
    from repdesk.services.leads.lead_service import LeadService


@dataclass(frozen=True)
class CalendarServices:
    """What the calendar page uses: the follow-ups, the reps to filter by, the export."""

    followups: FollowUpService
    leads: LeadService
    time: WorkspaceTime
    export: ExportServices


class CalendarPage(QWidget):
    sig_followups_changed = Signal(object)
    """Emitted with a Changes value after a step was rescheduled here."""
    sig_changes_made = Signal(object)
    """The same Changes, for the window (it offers the move's Undo)."""

    def __init__(
        self,
        services: CalendarServices,
        actions: ActionRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarView")
        self.services = services
        self.zone = services.time.zone()
        self.model = FollowUpTableModel(services.time.clock, services.time.zone)
        self.mode = "month"
        self._build()
        if actions is not None:
            actions[ActionId.EXPORT_ICS].triggered.connect(self.open_export_dialog)
        today = services.time.clock().astimezone(self.zone).date()
        self.month.setSelectedDate(QDate(today.year, today.month, today.day))
        self.reload()

    # -- construction ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        top = QHBoxLayout()
        title = QLabel("Calendar")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(12)
        self.period_label = QLabel()
        self.period_label.setObjectName("muted")
        top.addWidget(self.period_label)
        top.addStretch(1)
        self.export_button = QPushButton("Export reminders…")
        self.export_button.setObjectName("exportIcsButton")
        self.export_button.setToolTip(
            "Export follow-ups as an .ics file for your calendar app (Ctrl+Shift+E)"
        )
        self.export_button.clicked.connect(self.open_export_dialog)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        bar = QHBoxLayout()
        self.modes = QButtonGroup(self)
        for key, text in (("month", "Month"), ("week", "Week")):
            button = QPushButton(text)
            button.setObjectName(f"calendarMode_{key}")
            button.setCheckable(True)
            button.setChecked(key == "month")
            button.clicked.connect(lambda _=False, k=key: self.set_mode(k))
            self.modes.addButton(button)
            bar.addWidget(button)
        bar.addSpacing(12)
        for text, step, tip in (
            ("◀", -1, "Previous month or week"),
            ("Today", 0, "Back to today"),
            ("▶", 1, "Next month or week"),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            if step:
                button.setFixedWidth(36)
            button.clicked.connect(lambda _=False, s=step: self.step(s))
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(QLabel("Rep"))
        self.rep = QComboBox()
        self.rep.setObjectName("calendarRep")
        self.rep.setToolTip("Show the follow-ups of one rep's leads")
        self.rep.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.rep.addItem("All reps", "")
        for name in self.services.leads.reps():
            self.rep.addItem(name, name)
        self.rep.activated.connect(lambda _i: self.reload())
        bar.addWidget(self.rep)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.views = QStackedWidget()
        self.month = FollowUpMonthCalendar()
        self.month.selectionChanged.connect(self._day_selected)
        self.month.currentPageChanged.connect(lambda _y, _m: self.reload())
        self.week = WeekView(self.zone)
        self.week.sig_move_requested.connect(self.move_followup)
        self.week.sig_followup_activated.connect(self._edit_by_id)
        self.week.sig_followup_selected.connect(self._select_in_agenda)
        self.views.addWidget(self.month)
        self.views.addWidget(self.week)
        splitter.addWidget(self.views)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        self.agenda_title = QLabel()
        self.agenda_title.setObjectName("sectionTitle")
        self.agenda_title.setWordWrap(True)
        side_layout.addWidget(self.agenda_title)
        self.agenda = QTableView()
        self.agenda.setObjectName("calendarAgenda")
        self.agenda.setModel(self.model)
        self.agenda.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.agenda.setShowGrid(False)
        self.agenda.setAlternatingRowColors(True)
        self.agenda.verticalHeader().hide()
        for column in (3, 4):
            self.agenda.setColumnHidden(column, True)
        # Beside a month or a week the agenda is narrow: the lead's name over its company, so
        # both show whole; the due time and the kind take what their longest text needs.
        self.model.lead_lines = 2
        self.agenda.setWordWrap(True)
        self.agenda.verticalHeader().setDefaultSectionSize(
            2 * self.fontMetrics().lineSpacing() + 10
        )
        header = self.agenda.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.agenda.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_agenda_columns()
        self.agenda.doubleClicked.connect(lambda index: self.edit(self.model.row_at(index.row())))
        self.agenda.installEventFilter(self)
        side_layout.addWidget(self.agenda, 1)
        self.agenda_empty = QLabel()
        self.agenda_empty.setObjectName("muted")
        self.agenda_empty.setWordWrap(True)
        self.agenda_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        side_layout.addWidget(self.agenda_empty)
        buttons = QHBoxLayout()
        self.reschedule_button = QPushButton("Reschedule…")
        self.reschedule_button.setObjectName("calendarReschedule")
        self.reschedule_button.setToolTip("Move the selected step to another day or time (R)")
        self.reschedule_button.clicked.connect(lambda: self.edit(self._agenda_row()))
        buttons.addWidget(self.reschedule_button)
        buttons.addStretch(1)
        side_layout.addLayout(buttons)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 440])
        self.splitter = splitter
        layout.addWidget(splitter, 1)

    # -- navigation ------------------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Another page (or an undo) changed steps: the shown calendar follows."""
        if (changes.follow_ups or changes.leads) and self.isVisible():
            self.reload()

    def activate(self) -> None:
        """Called when the page is shown: re-read the follow-ups (they change on other pages)."""
        self.reload()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        for button in self.modes.buttons():
            button.setChecked(button.objectName() == f"calendarMode_{mode}")
        self.views.setCurrentWidget(self.week if mode == "week" else self.month)
        self._share_room()
        self._fit_agenda_columns()
        self.reload()

    def _share_room(self) -> None:
        """The week's columns need the room more than the agenda; on a laptop the agenda keeps
        enough for a lead's name and company (the month's days shrink well)."""
        total = sum(self.splitter.sizes()) or 1200
        wide = total >= 1100
        week, month = (0.72, 0.63) if wide else (0.64, 0.52)
        share = week if self.mode == "week" else month
        self.splitter.setSizes([int(total * share), total - int(total * share)])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        wide = event.size().width() >= 1100
        if wide != getattr(self, "_wide", None):
            self._wide = wide
            self._share_room()

    def _fit_agenda_columns(self) -> None:
        """Due and Kind as wide as their longest texts (bold for an overdue time)."""
        bold = QFont(self.agenda.font())
        bold.setBold(True)
        # Today's "09:00 · overdue", another day's "Wed 30 Dec 09:00" (core.when), the week's
        # "Wed 30 09:00"; bold when late.
        week = self.mode == "week"
        texts = ("Wed 30 00:00",) if week else ("00:00 · overdue", "Wed 30 Dec 00:00")
        due = max(QFontMetrics(bold).horizontalAdvance(t) for t in texts)
        kind = max(self.agenda.fontMetrics().horizontalAdvance(k) for k in KIND_LABELS.values())
        header = self.agenda.horizontalHeader()
        heading = max(header.fontMetrics().horizontalAdvance(t) for t in ("Due", "Kind"))
        self.agenda.setColumnWidth(0, max(due, heading) + 16)
        self.agenda.setColumnWidth(1, max(kind, heading) + 16)

    def step(self, direction: int) -> None:
        """Previous/next month or week; 0 jumps back to today."""
        if direction == 0:
            today = self.services.time.clock().astimezone(self.zone).date()
            target = QDate(today.year, today.month, today.day)
        elif self.mode == "week":
            target = self.month.selectedDate().addDays(7 * direction)
        else:
            target = self.month.selectedDate().addMonths(direction)
        self.month.setSelectedDate(target)
        self.reload()

    def selected_day(self) -> date:
        return cast(date, self.month.selectedDate().toPython())

    # -- loading ---------------------------------------------------------------------------------
    def owner(self) -> str | None:
        return self.rep.currentData() or None

    def _local(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.zone)

    def reload(self) -> None:
        """Counts per day for the month grid and the week's headers (one aggregate query), the
        week's steps by quarter hour, and the agenda as a window over the day or week: nothing
        here reads every step of a busy month."""
        self.zone = self.services.time.zone()
        self.week.zone = self.zone
        now = self.services.time.clock()
        owner = self.owner()
        day = self.selected_day()
        first = date(self.month.yearShown(), self.month.monthShown(), 1)
        grid_start = first - timedelta(days=first.weekday() + 7)
        monday = day - timedelta(days=day.weekday())
        start = min(grid_start, monday)
        end = max(grid_start + timedelta(days=7 * 8), monday + timedelta(days=7))
        counts = self.services.followups.day_counts(start, end - timedelta(days=1), owner)
        self.month.set_counts(counts)
        if self.mode == "week":
            rows, slots = self.services.followups.week(monday, MAX_LANES, owner)
            self.week.set_week(monday, rows, now, day_totals=counts, slot_totals=slots)
            window = self.services.followups.window(
                self._local(monday), self._local(monday + timedelta(days=7)), owner
            )
            self.agenda_title.setText(
                f"Week of {monday:%a %d %b} · {window.total:,} step{'s' * (window.total != 1)}"
            )
            self.period_label.setText(f"{monday:%d %b} – {monday + timedelta(days=6):%d %b %Y}")
        else:
            window = self.services.followups.window(
                self._local(day), self._local(day + timedelta(days=1)), owner
            )
            self.agenda_title.setText(
                f"{day:%A %d %B} · {window.total:,} step{'s' * (window.total != 1)}"
            )
            self.period_label.setText(f"{first:%B %Y}")
        self.model.day_format = "%a %d" if self.mode == "week" else "%a %d %b"
        self.model.set_window(window)
        shown = window.total > 0
        self.agenda_empty.setVisible(not shown)
        self.agenda.setVisible(shown)
        self.reschedule_button.setEnabled(shown)
        self.agenda_empty.setText(
            "No follow-ups on this day." if self.mode == "month" else "No follow-ups this week."
        )
        if shown:
            self.agenda.selectRow(0)

    def _day_selected(self) -> None:
        self.reload()

    # -- rescheduling ----------------------------------------------------------------------------
    def _agenda_row(self) -> FollowUpRow | None:
        index = self.agenda.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _select_in_agenda(self, followup_id: int) -> None:
        row = self.model.row_of(followup_id)
        if row >= 0:
            self.agenda.selectRow(row)

    def _edit_by_id(self, followup_id: int) -> None:
        row = self.model.row_of(followup_id)
        self.edit(self.model.row_at(row))

    def edit(self, row: FollowUpRow | None) -> None:
        """Reschedule one step in a small date-and-time dialog."""
        if row is None:
            return
        dialog = RescheduleDialog(
            row.due_at,
            self.zone,
            f"{KIND_LABELS.get(row.kind, row.kind)} {row.lead_name} — new date and time:",
            self,
        )
        dialog.accepted.connect(lambda: self.move_followup(row.id, dialog.when(), row))
        dialog.open()

    def move_followup(
        self, followup_id: int, when: datetime, seen: FollowUpRow | None = None
    ) -> None:
        """Move the step as the rep saw it (`seen`, default: as this page shows it), or, while an
        import holds the write lock, when it finishes. When someone changed it meanwhile, the
        move is refused in one sentence and the page shows it anew."""
        if seen is None:
            seen = self.model.row_at(self.model.row_of(followup_id))
        save(
            self,
            lambda: self.services.followups.move(followup_id, when, seen=seen),
            lambda changes: self._moved(followup_id, when, changes),
            self.reload,
        )

    def _moved(self, followup_id: int, when: datetime, changes: Changes) -> None:
        local = when.astimezone(self.zone)
        if self.mode == "month":
            self.month.setSelectedDate(QDate(local.year, local.month, local.day))
        self.reload()
        self._select_in_agenda(followup_id)
        self.sig_followups_changed.emit(changes)
        self.sig_changes_made.emit(changes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (
            watched is self.agenda
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_R
        ):  # type: ignore[attr-defined]
            self.edit(self._agenda_row())
            return True
        return super().eventFilter(watched, event)

    # -- export ----------------------------------------------------------------------------------
    def open_export_dialog(self) -> ExportDialog:
        """The export dialog (file, date range, rep, alarm minutes); File ▸ Export reminders… opens
        it too."""
        dialog = ExportDialog(self.services.export, self.window(), owner=self.owner())
        dialog.sig_exported.connect(self._exported)
        dialog.open()
        return dialog

    def _exported(self, result: object) -> None:
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(getattr(result, "message", "Exported."), 10_000)
