"""Report chart and table cards (QtCharts), each exporting itself as PNG or CSV."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from repdesk.ui.reports.report_table_model import ReportTableModel

ACCENT = QColor("#2f6fde")
WARN = QColor("#d1495b")
GOOD = QColor("#2e9e6a")
CAPACITY = QColor("#6e7781")


def _dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


class _Card(QFrame):
    """A titled card with one export button in its header."""

    def __init__(
        self, title: str, button_text: str, tooltip: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportCard")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(10, 8, 10, 8)
        self.layout_.setSpacing(4)
        head = QHBoxLayout()
        self.title = QLabel(title)
        self.title.setObjectName("sectionTitle")
        head.addWidget(self.title)
        head.addStretch(1)
        self.export_button = QToolButton()
        self.export_button.setText(button_text)
        self.export_button.setToolTip(tooltip)
        self.export_button.setAutoRaise(True)
        head.addWidget(self.export_button)
        self.layout_.addLayout(head)
        self.note = QLabel()
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.note.hide()
        self.layout_.addWidget(self.note)

    def set_note(self, text: str) -> None:
        """A short muted sentence under the title (e.g. why a chart is empty); empty hides it."""
        self.note.setText(text)
        self.note.setVisible(bool(text))


class ChartCard(_Card):
    """A titled chart; the header button and the context menu save it as PNG."""

    sig_export_failed = Signal(str)
    """Emitted with one sentence when the PNG could not be written."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, "PNG…", "Save this chart as a PNG picture", parent)
        self.key = key
        self.chart = QChart()
        self.chart.setBackgroundRoundness(0)
        self.chart.setMargins(QMargins(2, 2, 2, 2))
        self.chart.legend().setVisible(False)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.view = QChartView(self.chart)
        self.view.setObjectName(f"chart_{key}")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.layout_.addWidget(self.view, 1)
        self.export_button.clicked.connect(self.ask_export)

    def series_points(self) -> int:
        """How many bars or points the chart shows (0 when empty)."""
        total = 0
        for series in self.chart.series():
            if isinstance(series, QAbstractBarSeries):
                total += sum(s.count() for s in series.barSets())
            elif isinstance(series, QLineSeries):
                total += series.count()
        return total

    def export_png(self, path: Path) -> bool:
        return bool(self.view.grab().save(str(path), "PNG"))

    def ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save chart", f"{self.key}.png", "PNG pictures (*.png)"
        )
        if name and not self.export_png(Path(name)):
            self.sig_export_failed.emit(f"Could not save the chart to {name}.")

    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction("Save chart as PNG…", self.ask_export)
        menu.exec(self.view.mapToGlobal(pos))

    # -- filling ---------------------------------------------------------------------------------
    def reset(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        dark = _dark(self)
        self.chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight
        )
        self.chart.setBackgroundVisible(False)
        self.view.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Base))
        self.chart.legend().setVisible(False)

    def bars(
        self,
        labels: Sequence[str],
        values: Sequence[int],
        *,
        horizontal: bool = False,
        highlight: dict[int, QColor] | None = None,
    ) -> None:
        """One set of bars with their values written on them; `highlight` recolours single bars."""
        self.reset()
        bar_set = QBarSet("Leads")
        bar_set.append([float(v) for v in values])
        bar_set.setColor(ACCENT)
        bar_set.setBorderColor(QColor(0, 0, 0, 0))
        for index, colour in (highlight or {}).items():
            # QtCharts colours single bars only through selection: reuse it for the highlight.
            bar_set.setSelectedColor(colour)
            bar_set.selectBar(index)
        series: QAbstractBarSeries = QHorizontalBarSeries() if horizontal else QBarSeries()
        series.append(bar_set)
        series.setBarWidth(0.65)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        bar_set.setLabelColor(self.palette().color(QPalette.ColorRole.Text))
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(list(labels))
        counts = _count_axis(max(values, default=0))
        for axis in (categories, counts):
            axis.setLabelsFont(_small())
        categories.setTruncateLabels(False)
        counts.setGridLineVisible(not horizontal)
        categories.setGridLineVisible(False)
        if horizontal:
            self.chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
            self.chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
        else:
            self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
            self.chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(counts)

    def load_vs_capacity(
        self, names: Sequence[str], loads: Sequence[int], capacities: Sequence[int]
    ) -> None:
        """Bars of this month's hand-overs with a dark capacity line across each rep's bar."""
        self.reset()
        bar_set = QBarSet("Qualified this month")
        bar_set.append([float(v) for v in loads])
        bar_set.setColor(ACCENT)
        bar_set.setBorderColor(QColor(0, 0, 0, 0))
        for index, (load, capacity) in enumerate(zip(loads, capacities, strict=True)):
            if capacity and load > capacity:
                bar_set.setSelectedColor(WARN)
                bar_set.selectBar(index)
        bar_set.setLabelColor(self.palette().color(QPalette.ColorRole.Text))
        series = QBarSeries()
        series.append(bar_set)
        series.setBarWidth(0.5)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(
            [
                f"{n}<br>{load} of {cap}"
                for n, load, cap in zip(names, loads, capacities, strict=True)
            ]
        )
        counts = _count_axis(max([*loads, *capacities], default=0))
        counts.setTitleText("leads this month")
        for axis in (categories, counts):
            axis.setLabelsFont(_small())
        categories.setTruncateLabels(False)
        counts.setTitleFont(_small())
        categories.setGridLineVisible(False)
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(counts)
        pen = QPen(
            self.palette().color(QPalette.ColorRole.Text) if _dark(self) else QColor("#1f2328"), 3
        )
        for index, capacity in enumerate(capacities):
            line = QLineSeries()
            line.setName("Capacity")
            line.append(index - 0.38, capacity)
            line.append(index + 0.38, capacity)
            line.setPen(pen)
            self.chart.addSeries(line)
            line.attachAxis(categories)
            line.attachAxis(counts)
        legend = self.chart.legend()
        legend.setVisible(True)
        legend.setAlignment(Qt.AlignmentFlag.AlignTop)
        legend.setFont(_small())
        for number, marker in enumerate(legend.markers()):
            if isinstance(marker.series(), QLineSeries) and number > 1:
                marker.setVisible(False)  # one "Capacity" entry is enough


class TableCard(_Card):
    """A titled table; the header button saves it as CSV with formulas neutralised."""

    def __init__(
        self,
        key: str,
        title: str,
        headers: Sequence[str],
        save: Callable[[Path, Sequence[str], list[tuple[object, ...]]], None],
        parent: QWidget | None = None,
    ) -> None:
        """`save(path, headers, rows)` writes the CSV (the report service's export_table)."""
        super().__init__(title, "CSV…", "Save this table as CSV", parent)
        self.key = key
        self._save = save
        self.model = ReportTableModel(headers)
        self.table = QTableView()
        self.table.setObjectName(f"table_{key}")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Names, figures and headings are shown whole (a card too narrow scrolls sideways
        # rather than cutting them); what is left goes to the names' column.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.model.modelReset.connect(self.fit_columns)
        self.table.viewport().installEventFilter(self)
        self.fit_columns()
        self.layout_.addWidget(self.table, 1)
        self.export_button.clicked.connect(self.ask_export)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return False

    def fit_columns(self) -> None:
        """Each column as wide as its heading and its values; the room left goes to the first."""
        header = self.table.horizontalHeader()
        widths = [
            max(header.sectionSizeHint(c), self.table.sizeHintForColumn(c))
            for c in range(self.model.columnCount())
        ]
        if widths:
            widths[0] += max(0, self.table.viewport().width() - sum(widths))
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

    def export_csv(self, path: Path) -> None:
        self._save(path, self.model.headers, self.model.raw_rows())

    def ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save table", f"{self.key}.csv", "CSV files (*.csv)"
        )
        if name:
            self.export_csv(Path(name))


def _count_axis(top: float) -> QValueAxis:
    """A count axis with whole-number ticks and room above the tallest bar for its label."""
    axis = QValueAxis()
    step = _nice_step(max(top, 1) * 1.15 / 4)
    axis.setRange(0, max(step * math.ceil(max(top, 1) * 1.15 / step), step))
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    return axis


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(1.0, float(factor * magnitude))
    return max(1.0, float(10 * magnitude))


def _small() -> QFont:
    font = QFont()
    font.setPointSizeF(8.5)
    return font
