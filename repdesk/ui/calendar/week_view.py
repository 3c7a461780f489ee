"""The week view: seven day columns with hour rows; drag a follow-up to another day or time to
reschedule it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from repdesk.core.when import format_absolute
from repdesk.services.followups.followup_service import FollowUpRow

HEADER = 34
GUTTER = 54
SNAP_MINUTES = 15
MIN_BLOCK = 20
MAX_LANES = 4
KIND_COLOURS = {"call": QColor("#2f6fde"), "email": QColor("#8250df"), "task": QColor("#1a7f37")}
OVERDUE = QColor("#cf222e")
ICONS = {"call": "☎", "email": "✉", "task": "✓"}


def block_text(metrics: QFontMetrics, when: str, icon: str, name: str, room: int) -> str:
    """What a step's block says in `room` px: time, kind and name, the name shortened if need
    be; then the time and kind, the time, the kind, or nothing: never a cut-off time."""
    full = f"{when} {icon} {name}"
    if metrics.horizontalAdvance(full) <= room:
        return full
    head = f"{when} {icon} "
    shortened = metrics.elidedText(
        name, Qt.TextElideMode.ElideRight, room - metrics.horizontalAdvance(head)
    )
    if len(shortened) > 3:  # a few letters of the name and "…"
        return head + shortened
    for text in (f"{when} {icon}", when, icon):
        if metrics.horizontalAdvance(text) <= room:
            return text
    return ""


@dataclass
class _Block:
    row: FollowUpRow
    rect: QRectF


class WeekView(QWidget):
    sig_move_requested = Signal(int, object)
    """Emitted (follow-up id, aware datetime) when the rep drops a step on another day or time."""
    sig_followup_selected = Signal(int)
    """Emitted with the follow-up id when the rep clicks a step."""
    sig_followup_activated = Signal(int)
    """Emitted with the follow-up id on a double click (edit in a dialog)."""

    def __init__(self, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekView")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.zone = zone
        self.monday = date.today() - timedelta(days=date.today().weekday())
        self.now = datetime.now(zone)
        self.rows: list[FollowUpRow] = []
        self.day_totals: dict[date, tuple[int, int]] | None = None
        self.slot_totals: dict[tuple[date, int], int] = {}
        self.first_hour, self.last_hour = 7, 20
        self.selected_id: int | None = None
        self._blocks: list[_Block] = []
        self._more: list[tuple[QRectF, list[FollowUpRow], int]] = []
        self._drag: tuple[_Block, QPointF] | None = None
        self._drag_pos: QPointF | None = None
        self._dragging = False

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """Enough for a block's time and name in each day and half-hour rows over business hours;
        it grows into whatever room the page gives (Expanding) and draws to any size."""
        return QSize(GUTTER + 7 * 64, HEADER + 13 * 30)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(GUTTER + 7 * 34, 300)

    # -- data ------------------------------------------------------------------------------------
    def set_week(
        self,
        monday: date,
        rows: list[FollowUpRow],
        now: datetime,
        *,
        day_totals: dict[date, tuple[int, int]] | None = None,
        slot_totals: dict[tuple[date, int], int] | None = None,
    ) -> None:
        """Show a week. `rows` may be a sample (a few per quarter hour): `day_totals` (pending,
        overdue per day) and `slot_totals` (steps per day and quarter hour) then say how many
        there are, for the headers and the "+N" chips."""
        self.monday, self.now = monday, now
        self.rows = [
            r for r in rows if 0 <= (r.due_at.astimezone(self.zone).date() - monday).days < 7
        ]
        self.day_totals = day_totals
        self.slot_totals = slot_totals or {}
        hours = [r.due_at.astimezone(self.zone).hour for r in self.rows]
        # Business hours by default; stretch to show steps planned early or late.
        self.first_hour = min([7, *hours])
        self.last_hour = max([20, *(h + 1 for h in hours)])
        self._layout_blocks()
        self.update()

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    # -- geometry --------------------------------------------------------------------------------
    def hour_height(self) -> float:
        return max(24.0, (self.height() - HEADER - 4) / max(1, self.last_hour - self.first_hour))

    def day_width(self) -> float:
        return max(40.0, (self.width() - GUTTER - 2) / 7)

    def _y_of(self, moment: datetime) -> float:
        local = moment.astimezone(self.zone)
        hours = local.hour + local.minute / 60 - self.first_hour
        return HEADER + hours * self.hour_height()

    def slot_at(self, pos: QPointF) -> datetime:
        """The day and time (snapped to 15 minutes, in the workspace zone) under a point."""
        column = min(6, max(0, int((pos.x() - GUTTER) // self.day_width())))
        minutes = (pos.y() - HEADER) / self.hour_height() * 60 + self.first_hour * 60
        minutes = min(max(0, round(minutes / SNAP_MINUTES) * SNAP_MINUTES), 24 * 60 - SNAP_MINUTES)
        day = self.monday + timedelta(days=column)
        return datetime.combine(day, time(int(minutes // 60), int(minutes % 60)), tzinfo=self.zone)

    def chips(self) -> list[tuple[QRectF, int]]:
        """The "+N" chips drawn: where, and how many steps each stands for."""
        return [(QRectF(rect), len(hidden) + unread) for rect, hidden, unread in self._more]

    def drawn(self) -> int:
        """How many steps are drawn as blocks."""
        return len(self._blocks)

    def block_rect(self, followup_id: int) -> QRectF | None:
        return next((QRectF(b.rect) for b in self._blocks if b.row.id == followup_id), None)

    def _layout_blocks(self) -> None:
        """Side-by-side lanes per cluster of overlapping steps; past MAX_LANES the rest fold into a
        "+N" chip per hour (on a busy day every quarter hour's blocks overlap into one cluster,
        and one chip for the whole day would say nothing about when)."""
        self._blocks, self._more = [], []
        width, height = self.day_width(), max(MIN_BLOCK, self.hour_height() / 4)
        for offset, day in enumerate(self.days()):
            todays = sorted(
                (r for r in self.rows if r.due_at.astimezone(self.zone).date() == day),
                key=lambda r: (r.due_at, r.id),
            )
            clusters: list[list[tuple[FollowUpRow, float]]] = []
            bottom = -1.0
            for row in todays:
                top = self._y_of(row.due_at)
                if not clusters or top >= bottom:
                    clusters.append([])
                clusters[-1].append((row, top))
                bottom = max(bottom, top + height) if len(clusters[-1]) > 1 else top + height
            for cluster in clusters:
                lanes: list[float] = []
                placed: list[tuple[FollowUpRow, float, int]] = []
                for row, top in cluster:
                    lane = next((i for i, end in enumerate(lanes) if end <= top), len(lanes))
                    if lane == len(lanes):
                        lanes.append(0.0)
                    lanes[lane] = top + height
                    placed.append((row, top, lane))
                unread = self._unread(day, [row for row, _top in cluster])
                count = min(len(lanes), max(2, min(MAX_LANES, int(width // 64))))
                count = max(count, 2) if unread else count
                hidden = (
                    [(row, top) for row, top, lane in placed if lane >= count - 1]
                    if len(lanes) > count or unread
                    else []
                )
                for row, top, lane in placed:
                    if hidden and lane >= count - 1:
                        continue
                    x = GUTTER + offset * width + 2 + lane * lane_w_of(width, count)
                    self._blocks.append(
                        _Block(row, QRectF(x, top + 1, lane_w_of(width, count) - 2, height - 2))
                    )
                # One chip per hour: its hidden blocks and the steps of its quarter hours that
                # were not read at all.
                hours = {self._hour(row) for row, _top in cluster}
                unread_by_hour = {
                    hour: self._unread(day, [r for r, _t in cluster if self._hour(r) == hour])
                    for hour in hours
                }
                chips: dict[int, tuple[float, list[FollowUpRow]]] = {}
                for row, top in hidden:
                    chips.setdefault(self._hour(row), (top, []))[1].append(row)
                for row, top in cluster:  # an hour with unread steps and no hidden block
                    if unread_by_hour[self._hour(row)]:
                        chips.setdefault(self._hour(row), (top, []))
                x = GUTTER + offset * width + 2 + (count - 1) * lane_w_of(width, count)
                placed_chips: list[tuple[float, list[FollowUpRow], int]] = []
                for hour, (top, rows) in sorted(chips.items(), key=lambda c: c[1][0]):
                    extra = unread_by_hour.get(hour, 0)
                    if not (rows or extra):
                        continue
                    if placed_chips and top < placed_chips[-1][0] + height:  # would overlap
                        first, seen, more = placed_chips[-1]
                        placed_chips[-1] = (first, seen + rows, more + extra)
                    else:
                        placed_chips.append((top, rows, extra))
                for top, rows, extra in placed_chips:
                    rect = QRectF(x, top + 1, lane_w_of(width, count) - 2, height - 2)
                    self._more.append((rect, rows, extra))

    def _hour(self, row: FollowUpRow) -> int:
        return row.due_at.astimezone(self.zone).hour

    def _unread(self, day: date, rows: list[FollowUpRow]) -> int:
        """Steps of these rows' quarter hours that were not read (only a few per quarter hour
        are)."""
        slots: dict[int, int] = {}
        for row in rows:
            local = row.due_at.astimezone(self.zone)
            slot = (local.hour * 60 + local.minute) // 15
            slots[slot] = slots.get(slot, 0) + 1
        return sum(
            max(0, self.slot_totals.get((day, slot), shown) - shown)
            for slot, shown in slots.items()
        )

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        self._layout_blocks()
        super().resizeEvent(event)  # type: ignore[arg-type]

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text, muted = (
            pal.color(QPalette.ColorRole.Text),
            pal.color(QPalette.ColorRole.PlaceholderText),
        )
        grid = QColor(muted)
        grid.setAlpha(70)
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        width, hour_h = self.day_width(), self.hour_height()
        today = self.now.astimezone(self.zone).date()
        bold = QFont(self.font())
        bold.setBold(True)
        for offset, day in enumerate(self.days()):
            x = GUTTER + offset * width
            if day == today:
                tint = QColor("#2f6fde")
                tint.setAlpha(22)
                painter.fillRect(QRectF(x, 0, width, self.height()), tint)
            if self.day_totals is not None:
                count = self.day_totals.get(day, (0, 0))[0]
            else:
                count = sum(1 for r in self.rows if r.due_at.astimezone(self.zone).date() == day)
            painter.setFont(bold if day == today else self.font())
            painter.setPen(text)
            label = f"{day:%a %d}" + (f"  ·  {compact(count)}" if count else "")
            if painter.fontMetrics().horizontalAdvance(label) > width - 6:
                label = f"{day:%a %d}"  # a narrow column: the day, its count in the month view
            painter.drawText(QRectF(x, 0, width, HEADER), Qt.AlignmentFlag.AlignCenter, label)
            painter.setPen(QPen(grid))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.setFont(self.font())
        for hour in range(self.first_hour, self.last_hour + 1):
            y = HEADER + (hour - self.first_hour) * hour_h
            painter.setPen(QPen(grid))
            painter.drawLine(QPointF(GUTTER - 6, y), QPointF(self.width(), y))
            if hour < self.last_hour:
                painter.setPen(muted)
                painter.drawText(
                    QRectF(0, y + 2, GUTTER - 10, 16), Qt.AlignmentFlag.AlignRight, f"{hour:02d}:00"
                )
        if today in self.days():
            y = self._y_of(self.now)
            painter.setPen(QPen(OVERDUE, 2))
            x = GUTTER + (today - self.monday).days * width
            painter.drawLine(QPointF(x, y), QPointF(x + width, y))
        dragged = self._drag[0].row.id if self._drag and self._dragging else None
        for block in self._blocks:
            self._paint_block(painter, block.row, block.rect, faded=block.row.id == dragged)
        for rect, hidden, unread in self._more:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#57606a"))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignCenter, f"+{compact(len(hidden) + unread)}"
            )
        if self._drag and self._dragging and self._drag_pos is not None:
            block, grab = self._drag
            when = self.slot_at(self._drag_pos - grab + QPointF(4, 0))
            column = (when.date() - self.monday).days
            ghost = QRectF(
                GUTTER + column * width + 2, self._y_of(when) + 1, width - 6, block.rect.height()
            )
            self._paint_block(painter, block.row, ghost, label=f"→ {when:%a %H:%M}")
        painter.end()

    def _paint_block(
        self,
        painter: QPainter,
        row: FollowUpRow,
        rect: QRectF,
        *,
        faded: bool = False,
        label: str | None = None,
    ) -> None:
        colour = QColor(
            OVERDUE if row.due_at < self.now else KIND_COLOURS.get(row.kind, QColor("#57606a"))
        )
        colour.setAlpha(70 if faded else 235)
        painter.setPen(
            QPen(QColor("#ffffff"), 2) if row.id == self.selected_id else Qt.PenStyle.NoPen
        )
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor("white"))
        local = row.due_at.astimezone(self.zone)
        text = label or block_text(
            painter.fontMetrics(),
            f"{local:%H:%M}",
            ICONS.get(row.kind, "•"),
            row.lead_name,
            int(rect.width() - 8),
        )
        painter.drawText(
            rect.adjusted(4, 0, -4, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            text,
        )

    # -- mouse: click selects, drag moves, double click edits
    # ---------------------------------------
    def _block_at(self, pos: QPointF) -> _Block | None:
        return next((b for b in reversed(self._blocks) if b.rect.contains(pos)), None)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        block = self._block_at(event.position())
        more = next(
            (hidden for rect, hidden, _n in self._more if rect.contains(event.position())), None
        )
        if block is None and more:
            self.sig_followup_selected.emit(more[0].id)
            return
        if event.button() != Qt.MouseButton.LeftButton or block is None:
            super().mousePressEvent(event)
            return
        self.selected_id = block.row.id
        self._drag = (block, event.position() - block.rect.topLeft())
        self._drag_pos = event.position()
        self._dragging = False
        self.sig_followup_selected.emit(block.row.id)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self._drag is None:
            block = self._block_at(event.position())
            chip = next(
                ((hidden, n) for rect, hidden, n in self._more if rect.contains(event.position())),
                None,
            )
            tip = _tooltip(block.row, self.zone) if block else ""
            if chip:
                more, unread = chip
                tip = "\n".join(
                    f"{r.due_at.astimezone(self.zone):%H:%M} {ICONS.get(r.kind, '•')} {r.lead_name}"
                    for r in more
                ) + (f"\n… and {unread:,} more (see the agenda)" if unread else "")
            self.setToolTip(tip)
            return
        start = self._drag[0].rect.topLeft() + self._drag[1]
        if (event.position() - start).manhattanLength() > 4:
            self._dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self._drag_pos = event.position()
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        drag, dragging = self._drag, self._dragging
        self._drag, self._dragging, self._drag_pos = None, False, None
        self.unsetCursor()
        self.update()
        if drag is None or not dragging:
            return
        block, grab = drag
        when = self.slot_at(event.position() - grab + QPointF(4, 0))
        if when != block.row.due_at.astimezone(self.zone):
            self.sig_move_requested.emit(block.row.id, when)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        block = self._block_at(event.position())
        if block is not None:
            self.sig_followup_activated.emit(block.row.id)


def compact(count: int) -> str:
    """A count as a short label: 950, 13.7k, 1.2M."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k".replace(".0k", "k")
    return f"{count / 1_000_000:.1f}M".replace(".0M", "M")


def lane_w_of(width: float, lanes: int) -> float:
    return (width - 4) / lanes


def _tooltip(row: FollowUpRow, zone: tzinfo) -> str:
    parts = [
        f"{ICONS.get(row.kind, '•')} {row.kind.capitalize()} {row.lead_name}",
        format_absolute(row.due_at, row.due_at, zone),
    ]
    parts += [p for p in (row.company, row.phone, row.note) if p]
    return "\n".join(parts) + "\nDrag to another day or time to reschedule."
