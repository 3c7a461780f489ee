"""Settings: response target and business hours, reps and capacity, inquiry sources, calendar
sync."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.common.zones import workspace_zone
from repdesk.ui.common.save_queue import WAITING, save
from repdesk.ui.common.theme import THEMES, set_theme, theme_choice

if TYPE_CHECKING:
    from repdesk.services.calendar.caldav_sync import CalDavSync
    from repdesk.services.email.accounts import AccountService
    from repdesk.services.settings.settings_service import SettingsService
    from repdesk.services.sources.source_service import SourceService
    from repdesk.services.team.away import AwayService
    from repdesk.services.team.rep_service import RepService

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class GeneralSettingsPanel(QWidget):
    sig_settings_saved = Signal(object)
    """Emitted with a Changes value after the settings were saved."""

    def __init__(
        self,
        settings: SettingsService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("generalSettings")
        self.settings = settings
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.target = _spin(1, 1440, " min")
        self.target.setToolTip(
            "An inquiry waiting longer than this turns amber, then red, in the inbox."
        )
        form.addRow("Response target", self.target)
        self.region = QLineEdit()
        self.region.setMaxLength(2)
        self.region.setFixedWidth(60)
        self.region.setToolTip(
            "Two-letter country code for phone numbers written without +country code."
        )
        form.addRow("Phone region", self.region)
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.setFixedWidth(320)
        self.zone.addItem("(this computer's zone)", "")
        for name in sorted(available_timezones()):
            self.zone.addItem(name, name)
        form.addRow("Time zone", self.zone)
        hours = QHBoxLayout()
        self.start = QTimeEdit()
        self.end = QTimeEdit()
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        hours.addWidget(self.start)
        hours.addWidget(QLabel("to"))
        hours.addWidget(self.end)
        hours.addStretch(1)
        form.addRow("Business hours", hours)
        days = QHBoxLayout()
        self.days = [QCheckBox(d) for d in DAYS]
        for box in self.days:
            days.addWidget(box)
        days.addStretch(1)
        form.addRow("Workdays", days)
        self.alarm = _spin(0, 1440, " min before")
        form.addRow("Reminder alarm", self.alarm)
        self.event = _spin(5, 240, " min")
        form.addRow("Reminder length", self.event)
        self.qualification = _spin(7, 730, " days")
        self.qualification.setToolTip(
            "After this, a qualified lead shows 're-qualify' and gets a follow-up to do it."
        )
        form.addRow("Qualification valid for", self.qualification)
        self.route_form = QCheckBox(
            "Hand leads whose form answers qualify them straight to a rep", objectName="routeForm"
        )
        self.route_form.setToolTip(
            "By monthly capacity, before the first call (a short time frame goes directly to reps)"
        )
        form.addRow("Form answers", self.route_form)
        self.appearance = QComboBox()
        self.appearance.setObjectName("settingsTheme")
        self.appearance.setFixedWidth(320)
        for key, label in THEMES:
            self.appearance.addItem(label, key)
        self.appearance.setCurrentIndex(max(0, self.appearance.findData(theme_choice())))
        self.appearance.setToolTip("Light, dark, or as the system is set (on this computer)")
        self.appearance.activated.connect(lambda i: set_theme(str(self.appearance.itemData(i))))
        form.addRow("Appearance", self.appearance)
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet("color: #cf222e")
        self.error.setWordWrap(True)
        self.save_button = QPushButton("Save settings")
        self.save_button.setObjectName("saveSettings")
        self.save_button.clicked.connect(self.save)
        form.addRow(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.setMaximumWidth(720)
        self.load()

    def load(self) -> None:
        s = self.settings.all()
        self.target.setValue(int(s["response_target_minutes"]))
        self.region.setText(str(s["default_region"]))
        index = self.zone.findData(str(s["timezone"]))
        self.zone.setCurrentIndex(max(0, index))
        self.start.setTime(QTime.fromString(str(s["business_start"]), "HH:mm"))
        self.end.setTime(QTime.fromString(str(s["business_end"]), "HH:mm"))
        for i, box in enumerate(self.days):
            box.setChecked(i in s["workdays"])
        self.alarm.setValue(int(s["alarm_minutes"]))
        self.event.setValue(int(s["event_minutes"]))
        self.qualification.setValue(int(s["qualification_days"]))
        self.route_form.setChecked(bool(s["route_form_qualified"]))
        self.error.clear()

    def values(self) -> dict[str, Any]:
        zone = (
            self.zone.currentData()
            if self.zone.currentText() == self.zone.itemText(self.zone.currentIndex())
            else self.zone.currentText().strip()
        )
        return {
            "response_target_minutes": self.target.value(),
            "default_region": self.region.text().strip().upper(),
            "timezone": zone or "",
            "business_start": self.start.time().toString("HH:mm"),
            "business_end": self.end.time().toString("HH:mm"),
            "workdays": [i for i, box in enumerate(self.days) if box.isChecked()],
            "alarm_minutes": self.alarm.value(),
            "event_minutes": self.event.value(),
            "qualification_days": self.qualification.value(),
            "route_form_qualified": self.route_form.isChecked(),
        }

    def save(self) -> None:
        """Saved now, or when an import holding the write lock finishes (ui/common/save_queue)."""
        values = self.values()
        try:
            validate(values)
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()

        def write() -> None:
            for key, value in values.items():
                self.settings.set(key, value)

        def saved(_result: None) -> None:
            self.error.clear()
            self.sig_settings_saved.emit(Changes(settings=True, leads=True, follow_ups=True))

        def said(sentence: str) -> None:
            self.error.setStyleSheet("color: #cf222e")
            self.error.setText(sentence)

        if not save(self, write, saved, say=said, cancelled=self.error.clear):
            self.error.setStyleSheet("")  # not a problem: it waits
            self.error.setText(WAITING)


def validate(values: dict[str, Any]) -> None:
    """One sentence for the first problem; nothing is saved while any remains."""
    import phonenumbers

    region = values["default_region"]
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise UserError(
            f"{region or 'An empty code'} is not a country code phone numbers know (try US, GB, "
            "DE)."
        )
    workspace_zone(values["timezone"])
    if values["business_start"] >= values["business_end"]:
        raise UserError("Business hours must end after they start.")
    if not values["workdays"]:
        raise UserError("Pick at least one workday.")


def _spin(low: int, high: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setFixedWidth(150)
    return spin


@dataclass(frozen=True)
class SettingsServices:
    """What the Settings page's tabs use: settings, reps, inquiry sources, calendar sync."""

    settings: SettingsService
    reps: RepService
    sources: SourceService
    caldav: CalDavSync
    accounts: AccountService | None = None
    """The outgoing mail account (Settings → Email)."""
    away: AwayService | None = None
    """Marking any rep away or back (Settings → Reps, a manager's)."""


class SettingsPage(QWidget):
    """Tabs, each built the first time the page is shown (start-up stays quick)."""

    sig_changes_made = Signal(object)
    """Emitted with a Changes value after a tab saved settings or changed the reps."""

    def __init__(self, services: SettingsServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        title = QLabel("Settings")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        layout.addWidget(self.tabs, 1)
        self._built = False

    def activate(self) -> None:
        if self._built:
            return
        from repdesk.ui.calendar.caldav_panel import CalDavPanel
        from repdesk.ui.email.email_settings import EmailSettingsPanel
        from repdesk.ui.sources.sources_panel import SourcesPanel
        from repdesk.ui.team.reps_panel import RepsPanel

        general = GeneralSettingsPanel(self.services.settings)
        general.sig_settings_saved.connect(self.sig_changes_made)
        reps = RepsPanel(self.services.reps, away=self.services.away)
        reps.sig_reps_changed.connect(self.sig_changes_made)
        for widget, label in (
            (general, "General"),
            (reps, "Reps and capacity"),
            (SourcesPanel(self.services.sources), "Inquiry sources"),
            *(
                [(EmailSettingsPanel(self.services.accounts), "Email")]
                if self.services.accounts is not None
                else []
            ),
            (CalDavPanel(self.services.caldav), "Calendar sync"),
        ):
            page = QWidget()
            box = QVBoxLayout(page)
            box.addWidget(widget)
            if label in ("General", "Calendar sync"):
                # Forms sit at the top at their own height (tables fill their tab).
                widget.setMaximumWidth(720)
                box.addStretch(1)
            self.tabs.addTab(page, label)
        self._built = True
