"""Dialogs for follow-ups: reschedule to a date and time, and export reminders to an .ics file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.calendar.calendar_export import ExportFilter, ExportResult
from repdesk.ui.common.background import BackgroundTask, run_in_background
from repdesk.ui.common.dialog_keys import submit_on_ctrl_enter

if TYPE_CHECKING:
    from repdesk.services.calendar.calendar_export import CalendarExportService
    from repdesk.services.common.workspace_time import WorkspaceTime
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.settings.settings_service import SettingsService


@dataclass(frozen=True)
class ExportServices:
    """What the export dialog uses: the export, the reps to pick from, the default alarm."""

    calendar: CalendarExportService
    leads: LeadService
    settings: SettingsService
    time: WorkspaceTime


def local_midnight(day: QDate, zone: tzinfo) -> datetime:
    return datetime.combine(cast(date, day.toPython()), time.min, tzinfo=zone)


class RescheduleDialog(QDialog):
    """Pick a new date and time (workspace zone) for one follow-up."""

    def __init__(
        self, when: datetime, zone: tzinfo, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reschedule")
        self.setObjectName("rescheduleDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._zone = zone
        local = when.astimezone(zone)
        layout = QVBoxLayout(self)
        label = QLabel(title)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.edit = QDateTimeEdit(
            QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        )
        self.edit.setObjectName("rescheduleEdit")
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("ddd dd MMM yyyy  HH:mm")
        layout.addWidget(self.edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        submit_on_ctrl_enter(self)

    def when(self) -> datetime:
        value = self.edit.dateTime()
        day, clock = cast(date, value.date().toPython()), cast(time, value.time().toPython())
        return datetime.combine(day, clock.replace(second=0, microsecond=0), tzinfo=self._zone)


class ExportDialog(QDialog):
    """File, date range, rep and alarm minutes; the export runs off the GUI thread with progress."""

    sig_exported = Signal(object)
    """Emitted with the ExportResult after the file was written."""

    def __init__(
        self,
        services: ExportServices,
        parent: QWidget | None = None,
        *,
        lead_id: int | None = None,
        lead_name: str = "",
        owner: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportIcsDialog")
        self.setWindowTitle("Export reminders")
        self.setMinimumWidth(520)
        self.services = services
        self.lead_id = lead_id
        self.task: BackgroundTask | None = None
        self.last_result: ExportResult | None = None
        today = services.time.today()
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Pending follow-ups become calendar events with a reminder. Export to the same file "
            "again later: changed steps are updated and finished ones removed, never duplicated."
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        layout.addWidget(intro)
        form = QFormLayout()
        row = QHBoxLayout()
        default = Path.home() / (
            "repdesk-lead.ics" if lead_id is not None else "repdesk-follow-ups.ics"
        )
        self.path = QLineEdit(str(default))
        self.path.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        if lead_id is not None:
            form.addRow("Lead", QLabel(lead_name or f"Lead {lead_id}"))
        self.all_dates = QCheckBox("Every pending step, whatever its date")
        self.all_dates.setChecked(lead_id is not None)
        self.start = QDateEdit(QDate(today.year, today.month, today.day))
        self.end = QDateEdit(QDate(today.year, today.month, today.day).addDays(60))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd dd MMM yyyy")
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.end)
        dates.addStretch(1)
        form.addRow("Due from", dates)
        form.addRow("", self.all_dates)
        self.all_dates.toggled.connect(self._dates_toggled)
        self.all_dates.toggled.emit(self.all_dates.isChecked())
        self.owner = QComboBox()
        self.owner.addItem("All reps", "")
        for name in services.leads.reps():
            self.owner.addItem(name, name)
        if owner:
            self.owner.setCurrentIndex(max(0, self.owner.findData(owner)))
        if lead_id is None:
            form.addRow("Rep", self.owner)
        self.alarm = QSpinBox()
        self.alarm.setObjectName("exportAlarmMinutes")
        self.alarm.setRange(0, 24 * 60)
        self.alarm.setSuffix(" min before")
        self.alarm.setValue(int(services.settings.get("alarm_minutes")))
        form.addRow("Reminder", self.alarm)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setObjectName("exportRun")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _dates_toggled(self, every: bool) -> None:
        self.start.setEnabled(not every)
        self.end.setEnabled(not every)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export reminders", self.path.text(), "iCalendar (*.ics)"
        )
        if name:
            self.path.setText(name if name.endswith(".ics") else name + ".ics")

    def current_filter(self) -> ExportFilter:
        zone = self.services.time.zone()
        start = end = None
        if not self.all_dates.isChecked():
            start = local_midnight(self.start.date(), zone)
            end = local_midnight(self.end.date(), zone) + timedelta(days=1)
        return ExportFilter(
            start=start, end=end, lead_id=self.lead_id, owner=self.owner.currentData() or None
        )

    def export(self) -> None:
        """Start the export on the thread pool; the dialog closes when the file is written."""
        text = self.path.text().strip()
        if not text:
            self.status.setText("Choose a file to export to.")
            return
        flt, minutes, path = self.current_filter(), self.alarm.value(), Path(text)
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.status.setText("Exporting…")
        self.task = run_in_background(
            lambda progress: self.services.calendar.export(
                path, flt, alarm_minutes=minutes, progress=progress
            ),
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progressed,
            cancel_message="Export cancelled; no file was written.",
        )

    def reject(self) -> None:
        """Cancel (button or Esc) stops a running export and keeps the dialog open; otherwise it
        closes."""
        if self.task is not None:
            self.task.cancel()
            self.status.setText("Cancelling…")
            return
        super().reject()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self, result: ExportResult) -> None:
        self.task = None
        self.last_result = result
        self.progress.setVisible(False)
        self.status.setText(result.message)
        self.sig_exported.emit(result)
        self.accept()

    def _failed(self, message: str) -> None:
        self.task = None
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.status.setText(message)
