"""The Reports page: period and rep filters, headline tiles, and charts computed off the GUI
thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from repdesk.core import report_math as rm
from repdesk.core.domain import JourneyStage, LeadStatus, Verdict
from repdesk.services.reports.report_service import Report
from repdesk.services.team.identity import SOLO, Me
from repdesk.services.team.owner_scope import WHOLE_TEAM, report_owner
from repdesk.ui.reports.report_charts import WARN, ChartCard, TableCard

if TYPE_CHECKING:
    from repdesk.services.leads.lead_service import LeadService
    from repdesk.services.reports.report_service import ReportService

PRESETS = (
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("This month", -1),
    ("Custom…", 0),
)
GROUP_HEADERS = ("{}", "Leads", "Qualified", "Won", "Won rate")

_SHEET = """
QFrame#reportTile, QFrame#reportCard { border: 1px solid palette(mid); border-radius: 8px;
                                       background: palette(base); }
QLabel#tileValue { font-size: 24px; font-weight: 600; }
QLabel#tileCaption { color: palette(placeholder-text); font-size: 12px; }
"""


class _JobSignals(QObject):
    sig_report_computed = Signal(int, object)
    """Emitted (request number, Report) from the pool thread; delivered on the GUI thread."""
    sig_report_failed = Signal(int, str)
    """Emitted (request number, one sentence) when computing the report failed."""


class _ReportJob(QRunnable):
    """Computes one report on a QThreadPool thread."""

    def __init__(self, number: int, work: Callable[[], Report], signals: _JobSignals) -> None:
        super().__init__()
        self.number, self.work, self.signals = number, work, signals

    def run(self) -> None:
        try:
            report = self.work()
        except Exception as exc:  # noqa: BLE001 - any failure reaches the user as one sentence
            self.signals.sig_report_failed.emit(self.number, str(exc) or exc.__class__.__name__)
        else:
            self.signals.sig_report_computed.emit(self.number, report)


class Tile(QFrame):
    """A headline figure: a big value and a caption under it."""

    def __init__(self, key: str, caption: str, tooltip: str) -> None:
        super().__init__()
        self.setObjectName("reportTile")
        self.setToolTip(tooltip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(0)
        self.value = QLabel("—")
        self.value.setObjectName("tileValue")
        self.value.setAccessibleName(caption)
        self.value.setProperty("tile", key)
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def show_value(self, text: str, colour: str = "") -> None:
        self.value.setText(text)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")


@dataclass(frozen=True)
class ReportsServices:
    """What the Reports page uses: the report, the reps to narrow it to, and who is signed in
    (a rep's Reports start on their own figures)."""

    reports: ReportService
    leads: LeadService
    me: Callable[[], Me] = lambda: SOLO


class ReportsPage(QWidget):
    sig_report_loaded = Signal(object)
    """Emitted with the Report once it is computed and shown."""

    def __init__(self, services: ReportsServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.service = services.reports
        self.report: Report | None = None
        self._signals = _JobSignals(self)
        self._signals.sig_report_computed.connect(self._computed)
        self._signals.sig_report_failed.connect(self._failed)
        self._jobs: dict[int, _ReportJob] = {}
        self._requested = 0
        self.setStyleSheet(_SHEET)
        self._build()

    # -- construction ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.body = QWidget()
        self.body.setObjectName("reportsView")
        page_scroll = QScrollArea()  # small windows scroll instead of squeezing the charts
        page_scroll.setWidgetResizable(True)
        page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        page_scroll.setWidget(self.body)
        outer.addWidget(page_scroll)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.setSpacing(10)
        layout.addLayout(self._build_controls())
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(10)
        self.tiles = {
            "median": Tile(
                "median",
                "median first response",
                "Half of the contacted leads got their first answer faster than this",
            ),
            "within_target": Tile(
                "within_target",
                "answered within 5 min",
                "Share of all leads received in the period, never-contacted ones included",
            ),
            "never": Tile(
                "never",
                "never contacted",
                "Leads received in the period that nobody has answered yet",
            ),
            "coverage": Tile(
                "coverage",
                "open leads with a next step",
                "Open leads now that have a scheduled follow-up",
            ),
            "overdue": Tile(
                "overdue", "overdue follow-ups", "Open leads whose next step is past due"
            ),
            "won_rate": Tile(
                "won_rate",
                "qualified → won",
                "Of the period's leads that reached qualified, the share that was won",
            ),
        }
        layout.addLayout(self.tile_grid)
        self.charts = {
            "speed": ChartCard("speed", "Speed to lead: time to first response"),
            "status": ChartCard("status", "Funnel: leads by status"),
            "journey": ChartCard("journey", "Buyer's journey (open leads)"),
            "reps": ChartCard("reps", "Rep load: qualified hand-overs vs capacity"),
        }
        self.tables = {
            "source": TableCard(
                "source",
                "By source",
                [GROUP_HEADERS[0].format("Source"), *GROUP_HEADERS[1:]],
                self.service.export_table,
            ),
            "product": TableCard(
                "product",
                "By product",
                [GROUP_HEADERS[0].format("Product"), *GROUP_HEADERS[1:]],
                self.service.export_table,
            ),
            "form_answers": TableCard(
                "form_answers",
                "Form answers changed on the call",
                ["Question", "On both", "Changed", "Changed share"],
                self.service.export_table,
            ),
            "form_verdicts": TableCard(
                "form_verdicts",
                "Form verdict vs call verdict",
                ["Form or source", "Called", "Agreed", "Agreement", "Answers changed"],
                self.service.export_table,
            ),
        }
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(10)
        self.columns = 0
        self._arrange(3)
        layout.addWidget(grid_host, 1)

    def _arrange(self, columns: int) -> None:
        """Three cards a row on a wide window, two on a laptop, one on a narrow one (the tiles
        follow: six, three or two a row), so nothing is squeezed until it is cut off."""
        if columns == self.columns:
            return
        self.columns = columns
        for i, tile in enumerate(self.tiles.values()):
            self.tile_grid.removeWidget(tile)
            per_row = 6 if columns == 3 else 3 if columns == 2 else 2
            self.tile_grid.addWidget(tile, i // per_row, i % per_row)
        for column in range(6):
            self.tile_grid.setColumnStretch(column, 1 if column < (6 if columns == 3 else 3) else 0)
        cards = [
            self.charts["speed"],
            self.charts["status"],
            self.charts["journey"],
            self.charts["reps"],
            self.tables["source"],
            self.tables["product"],
            self.tables["form_answers"],
            self.tables["form_verdicts"],
        ]
        for card in cards:
            self.grid.removeWidget(card)
        for i, card in enumerate(cards):
            self.grid.addWidget(card, i // columns, i % columns)
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        rows = -(-len(cards) // columns)
        for row in range(8):
            self.grid.setRowMinimumHeight(row, 290 if row < rows else 0)
            self.grid.setRowStretch(row, 1 if row < rows else 0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.report is not None:
            self._show(self.report)  # the charts follow a theme switch

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        width = event.size().width()
        self._arrange(3 if width >= 1200 else 2 if width >= 620 else 1)

    def _build_controls(self) -> QHBoxLayout:
        top = QHBoxLayout()
        title = QLabel("Reports")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(12)
        self.preset = QComboBox()
        self.preset.setObjectName("reportPeriod")
        for label, days in PRESETS:
            self.preset.addItem(label, days)
        self.preset.setCurrentIndex(1)
        self.preset.setToolTip("Which leads the report covers, by the day they came in")
        self.preset.activated.connect(self._preset_chosen)
        top.addWidget(self.preset)
        self.start_edit, self.end_edit = QDateEdit(), QDateEdit()
        for name, edit in (("reportFrom", self.start_edit), ("reportTo", self.end_edit)):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._dates_edited)
        top.addWidget(QLabel("from"))
        top.addWidget(self.start_edit)
        top.addWidget(QLabel("to"))
        top.addWidget(self.end_edit)
        top.addSpacing(12)
        self.rep = QComboBox()
        self.rep.setObjectName("reportRep")
        self.rep.addItem(WHOLE_TEAM, "")
        self._rep_chosen = False  # until then the chooser starts on services/team/owner_scope's
        self.rep.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.rep.activated.connect(self._rep_picked)
        top.addWidget(self.rep)
        top.addSpacing(12)
        self.busy = QProgressBar()
        self.busy.setObjectName("reportBusy")
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(90)
        self.busy.setTextVisible(False)
        self.busy.hide()
        top.addWidget(self.busy)
        self.status = QLabel()
        self.status.setObjectName("muted")
        top.addWidget(self.status, 1)
        self._set_dates(*self._preset_period(30))
        return top

    # -- period ----------------------------------------------------------------------------------
    def _preset_period(self, days: int) -> tuple[date, date]:
        today = self.service.today()
        if days < 0:
            return today.replace(day=1), today
        return today - timedelta(days=days - 1), today

    def _set_dates(self, start: date, end: date) -> None:
        for edit, day in ((self.start_edit, start), (self.end_edit, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _preset_chosen(self, index: int) -> None:
        days = int(self.preset.itemData(index))
        if days:
            self._set_dates(*self._preset_period(days))
            self.reload()
        else:
            self.start_edit.setFocus()

    def _dates_edited(self, _day: QDate) -> None:
        self.preset.setCurrentIndex(len(PRESETS) - 1)  # editing a date makes the period custom
        self.reload()

    def period(self) -> tuple[date, date]:
        return self.start_edit.date().toPython(), self.end_edit.date().toPython()  # type: ignore[return-value]

    # -- loading ---------------------------------------------------------------------------------
    def activate(self) -> None:
        """Called when the page is shown: refresh the rep list and recompute."""
        current = self.rep.currentData()
        if not self._rep_chosen:
            current = report_owner(self.services.me()) or ""
        self.rep.clear()
        self.rep.addItem(WHOLE_TEAM, "")
        for name in self.services.leads.reps():
            self.rep.addItem(name, name)
        self.rep.setCurrentIndex(max(0, self.rep.findData(current)))
        days = int(self.preset.currentData())
        if days:
            self._set_dates(*self._preset_period(days))
        self.reload()

    def _rep_picked(self, _index: int) -> None:
        self._rep_chosen = True  # the rep's own pick stays while the window is open
        self.reload()

    def reload(self) -> None:
        """Compute the report for the current filters on the thread pool; only the newest result is
        shown."""
        start, end = self.period()
        owner = self.rep.currentData() or None
        self._requested += 1
        number = self._requested
        job = _ReportJob(number, lambda: self.service.report(start, end, owner), self._signals)
        job.setAutoDelete(False)
        self._jobs[number] = job
        self.busy.show()
        self.status.setText("Computing…")
        QThreadPool.globalInstance().start(job)

    def is_busy(self) -> bool:
        return bool(self._jobs)

    def _computed(self, number: int, report: Report) -> None:
        self._jobs.pop(number, None)
        if number != self._requested:
            return  # a newer request is on its way
        self.busy.hide()
        self.report = report
        self.status.setText(
            f"{report.speed.received:,} leads received {report.period_from:%d %b} – "
            f"{report.period_to:%d %b %Y}"
        )
        self._show(report)
        self.sig_report_loaded.emit(report)

    def _failed(self, number: int, message: str) -> None:
        self._jobs.pop(number, None)
        if number == self._requested:
            self.busy.hide()
            self.status.setText(message)

    def shutdown(self) -> None:
        """Wait for running jobs so no thread outlives the window's database."""
        QThreadPool.globalInstance().waitForDone(5000)

    # -- showing ---------------------------------------------------------------------------------
    def _show(self, r: Report) -> None:
        for key, text in tile_texts(r).items():
            self.tiles[key].show_value(text)
        self.tiles["within_target"].caption.setText(f"answered within {r.target_minutes} min")
        self.tiles["never"].show_value(
            tile_texts(r)["never"], WARN.name() if r.speed.never_contacted else ""
        )
        self.tiles["overdue"].show_value(
            tile_texts(r)["overdue"], WARN.name() if r.coverage.overdue else ""
        )
        buckets = r.speed.buckets
        self.charts["speed"].bars(
            [_two_lines(b.label) for b in buckets],
            [b.count for b in buckets],
            highlight={len(buckets) - 1: WARN},
        )
        statuses = list(reversed(LeadStatus))  # horizontal bars draw bottom-up: keep "New" on top
        self.charts["status"].bars(
            [s.label for s in statuses],
            [r.funnel.by_status.get(s.value, 0) for s in statuses],
            horizontal=True,
        )
        verdicts = " · ".join(
            f"{r.funnel.by_verdict.get(v.value, 0)} {v.value.replace('_', ' ')}" for v in Verdict
        )
        self.charts["status"].set_note(f"Verdicts: {verdicts}")
        stages = list(reversed(JourneyStage))  # bottom-up: awareness on top, like the funnel
        self.charts["journey"].bars(
            [s.value.capitalize() for s in stages],
            [r.journey.get(s.value, 0) for s in stages],
            horizontal=True,  # long stage names side by side never collide
        )
        self.charts["reps"].load_vs_capacity(
            [x.name for x in r.reps],
            [x.qualified_this_month for x in r.reps],
            [x.capacity for x in r.reps],
        )
        handed = sum(x.qualified_this_month for x in r.reps)
        self.charts["reps"].set_note(
            "No reps yet: add them with their monthly capacity in Settings."
            if not r.reps
            else ""
            if handed
            else "No qualified hand-overs yet this month: the lines show each rep's monthly "
            "capacity."
        )
        self.charts["speed"].set_note(
            f"{r.speed.received:,} leads; never-contacted ones in red. "
            f"Target: {r.target_minutes} min."
        )
        for key, groups in (("source", r.funnel.by_source), ("product", r.funnel.by_product)):
            self.tables[key].model.set_rows(
                [(g.name, g.leads, g.qualified, g.won, g.won_rate) for g in groups]
            )
        self._show_forms(r)

    def _show_forms(self, r: Report) -> None:
        """What marketing learns: each form answer the call changed, verdicts that agreed."""
        f = r.forms
        self.tables["form_answers"].model.set_rows(
            [
                (r.prompts.get(q.key, q.key), q.compared, q.changed, q.changed_share)
                for q in f.questions
            ]
        )
        compared = sum(q.compared for q in f.questions)
        changed = rm.rate(sum(q.changed for q in f.questions), compared)
        rows: list[tuple[object, ...]] = [
            ("All forms", f.called, f.agreed, f.agreement_share, changed)
        ]
        for prefix, groups in (("Form", f.by_form), ("Source", f.by_source)):
            rows += [
                (f"{prefix}: {a.name}", a.leads, a.agreed, a.agreement_share, a.changed_share)
                for a in groups
            ]
        self.tables["form_verdicts"].model.set_rows(rows if f.called else [])
        waiting = f" · {f.waiting:,} waiting for a call" if f.waiting else ""
        self.tables["form_verdicts"].set_note(
            f"{f.called:,} lead{'' if f.called == 1 else 's'} called after answering a form"
            f"{waiting}."
            if f.called or f.waiting
            else "No lead has been called after answering a form in this period."
        )


def _two_lines(label: str) -> str:
    """'5–60 min' → '5–60<br>min': a narrow chart's bar labels stay apart."""
    head, space, unit = label.rpartition(" ")
    return f"{head}<br>{unit}" if space and head else label


def tile_texts(r: Report) -> dict[str, str]:
    """The headline tiles' texts; the CLI's JSON gives the same numbers."""
    return {
        "median": minutes_text(r.speed.median_minutes),
        "within_target": percent(r.speed.within_target_share),
        "never": f"{r.speed.never_contacted:,}",
        "coverage": percent(r.coverage.with_next_step_share),
        "overdue": f"{r.coverage.overdue:,}",
        "won_rate": percent(r.funnel.qualified_to_won_rate),
    }


def percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def minutes_text(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"
