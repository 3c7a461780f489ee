"""A lazy, windowed table model over follow-up steps (Today list and calendar agenda): it holds the
pages on screen, never the list; overdue times in red."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from repdesk.services.followups.followup_service import FollowUpRow
from repdesk.services.followups.step_queries import ListWindow

COLUMNS = ("Due", "Kind", "Lead", "Phone", "Note")
KIND_LABELS = {"call": "☎ Call", "email": "✉ Email", "task": "✓ Task"}
OVERDUE = QColor("#cf222e")
AnyIndex = QModelIndex | QPersistentModelIndex
PAGE = 200
MAX_PAGES = 20


class StepRows(Protocol):
    """What the model shows: services.followups' StepWindow (or a ListWindow of a short list)."""

    total: int
    overdue: int

    def fetch(self, offset: int, limit: int) -> list[FollowUpRow]: ...

    def position(self, followup_id: int) -> int: ...


class FollowUpTableModel(QAbstractTableModel):
    def __init__(
        self,
        clock: Callable[[], datetime],
        zone: Callable[[], tzinfo],
        *,
        day_format: str = "%a %d %b",
    ) -> None:
        super().__init__()
        self._clock = clock
        self._zone = zone
        self._now = clock()
        self._window: StepRows = ListWindow([], self._now)
        self._pages: OrderedDict[int, list[FollowUpRow]] = OrderedDict()
        self._today = self._now.astimezone(zone()).date()
        self.day_format = day_format

    def set_window(self, window: StepRows) -> None:
        """Show `window` (only the pages on screen are read from it)."""
        self.beginResetModel()
        self._window = window
        self._pages.clear()
        self._now = self._clock()
        self._today = self._now.astimezone(self._zone()).date()
        self.endResetModel()

    def set_rows(self, rows: Sequence[FollowUpRow]) -> None:
        """Show a short list already read."""
        self.set_window(ListWindow(rows, self._clock()))

    @property
    def window(self) -> StepRows:
        return self._window

    def row_at(self, row: int) -> FollowUpRow | None:
        if not 0 <= row < self._window.total:
            return None
        number = row // PAGE
        page = self._pages.get(number)
        if page is None:
            page = self._pages[number] = self._window.fetch(number * PAGE, PAGE)
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE
        return page[offset] if offset < len(page) else None

    def row_of(self, followup_id: int) -> int:
        return self._window.position(followup_id)

    def rows(self) -> list[FollowUpRow]:
        """Every row the model shows, read in one go: for short lists (tests, a day's agenda)."""
        return self._window.fetch(0, self._window.total)

    def cached_rows(self) -> int:
        return sum(len(page) for page in self._pages.values())

    def is_overdue(self, row: FollowUpRow) -> bool:
        return row.due_at < self._now

    # -- Qt model interface ----------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._window.total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row = self.row_at(index.row())
        if row is None or not 0 <= index.column() < len(COLUMNS):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and self.is_overdue(row):
            return QBrush(OVERDUE)
        if role == Qt.ItemDataRole.FontRole and column == 0 and self.is_overdue(row):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, row: FollowUpRow, column: int) -> str:
        if column == 0:
            local = row.due_at.astimezone(self._zone())
            if local.date() == self._today:
                return f"{local:%H:%M} · overdue" if self.is_overdue(row) else f"{local:%H:%M}"
            # an earlier day in red says overdue
            return f"{local.strftime(self.day_format)} {local:%H:%M}"
        if column == 1:
            return KIND_LABELS.get(row.kind, row.kind)
        if column == 2:
            return (
                f"{row.lead_name} · {row.company}"
                if row.company and row.company != row.lead_name
                else row.lead_name
            )
        if column == 3:
            return row.phone or "—"
        return row.note

    def _tooltip(self, row: FollowUpRow) -> str:
        local = row.due_at.astimezone(self._zone())
        due = f"{local:%a %d %b %Y, %H:%M}" + (" (overdue)" if self.is_overdue(row) else "")
        parts = [f"{KIND_LABELS.get(row.kind, row.kind)} {row.lead_name}", due]
        parts += [p for p in (row.company, row.phone, row.email, row.note) if p]
        if row.owner:
            parts.append(f"Owner: {row.owner}")
        return "\n".join(parts)
