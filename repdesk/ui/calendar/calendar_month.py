"""The month grid: a QCalendarWidget that paints how many follow-ups fall on each day (overdue in
red)."""

from __future__ import annotations

from datetime import date
from typing import cast

from PySide6.QtCore import QDate, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QCalendarWidget, QHeaderView, QTableView, QWidget

ACCENT = QColor("#2f6fde")
OVERDUE = QColor("#cf222e")


class FollowUpMonthCalendar(QCalendarWidget):
    """Day cells show a count badge; the agenda beside it lists the selected day's steps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthCalendar")
        self.setGridVisible(True)
        self.setNavigationBarVisible(False)  # the page has its own ◀ Today ▶ and month label
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)
        self._counts: dict[date, tuple[int, int]] = {}
        self._compact_day_names()

    def _compact_day_names(self) -> None:
        """The day-name row as tall as its text; the six week rows share the rest (Qt stretches all
        seven)."""
        view = self.findChild(QTableView, "qt_calendar_calendarview")
        if view is None:  # Qt's internal name; without it the calendar keeps Qt's even rows
            return
        rows = view.verticalHeader()
        rows.setMinimumSectionSize(1)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        rows.resizeSection(0, self.fontMetrics().height() + 14)

    def set_counts(self, counts: dict[date, tuple[int, int]]) -> None:
        """(pending, overdue) per local date."""
        self._counts = dict(counts)
        self.updateCells()

    def count_on(self, day: date) -> int:
        return self._counts.get(day, (0, 0))[0]

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:  # noqa: N802 (Qt override)
        super().paintCell(painter, rect, qdate)
        total, overdue = self._counts.get(cast(date, qdate.toPython()), (0, 0))
        if not total:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = f"{total:,}"
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        font.setBold(True)
        painter.setFont(font)
        width = max(18, painter.fontMetrics().horizontalAdvance(text) + 10)
        badge = QRect(rect.right() - width - 3, rect.bottom() - 19, width, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(OVERDUE if overdue else ACCENT)
        painter.drawRoundedRect(badge, 8, 8)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
