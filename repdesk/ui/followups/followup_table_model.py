"""A lazy, windowed table model over follow-up steps (Today list and calendar agenda), optionally
in groups under heading rows: it holds the pages on screen, never the list; overdue times in red."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from repdesk.core.phone_display import display_phone
from repdesk.core.when import format_absolute
from repdesk.services.followups.followup_service import FollowUpRow
from repdesk.services.followups.step_queries import ListWindow

COLUMNS = ("Due", "Kind", "Lead", "Phone", "Note")
KIND_LABELS = {"call": "☎ Call", "email": "✉ Email", "task": "✓ Task"}
OVERDUE = QColor("#cf222e")
DAY_FORMAT = "%a %d %b"
AnyIndex = QModelIndex | QPersistentModelIndex
PAGE = 200
MAX_PAGES = 20


class StepRows(Protocol):
    """What the model shows: services.followups' StepWindow (or a ListWindow of a short list)."""

    total: int
    overdue: int

    def fetch(self, offset: int, limit: int) -> list[FollowUpRow]: ...

    def position(self, followup_id: int) -> int: ...


class _Group:
    """One group's place in the model: its heading row (when it has one) and its window."""

    def __init__(self, heading: str, window: StepRows, first: int) -> None:
        self.heading = f"{heading} · {window.total:,}" if heading else ""
        self.window = window
        self.heading_row = first if heading else -1
        self.first = first + 1 if heading else first  # the model row of the window's row 0
        self.end = self.first + window.total


class FollowUpTableModel(QAbstractTableModel):
    def __init__(
        self,
        clock: Callable[[], datetime],
        zone: Callable[[], tzinfo],
        *,
        day_format: str = "%a %d %b",  # DAY_FORMAT
    ) -> None:
        super().__init__()
        self._clock = clock
        self._zone = zone
        self._now = clock()
        self._groups: list[_Group] = []
        self._count = 0
        self._pages: OrderedDict[tuple[int, int], list[FollowUpRow]] = OrderedDict()
        self._today = self._now.astimezone(zone()).date()
        self.day_format = day_format
        self.region: Callable[[], str] = lambda: "US"
        """The workspace's phone region (phones show in its readable form)."""
        self.lead_lines = 1
        """2: the Lead column shows the name over the company (the calendar's narrow agenda)."""

    def set_window(self, window: StepRows) -> None:
        """Show `window` (only the pages on screen are read from it)."""
        self.set_groups([("", window)])

    def set_groups(self, groups: Sequence[tuple[str, StepRows]]) -> None:
        """Windows under headings ("Overdue · 3"); a group without rows adds no heading, one
        without a heading adds its rows alone."""
        self.beginResetModel()
        self._groups = []
        row = 0
        for heading, window in groups:
            if window.total == 0 and (heading or len(groups) > 1):
                continue
            group = _Group(heading, window, row)
            self._groups.append(group)
            row = group.end
        self._count = row
        self._pages.clear()
        self._now = self._clock()
        self._today = self._now.astimezone(self._zone()).date()
        self.endResetModel()

    def set_rows(self, rows: Sequence[FollowUpRow]) -> None:
        """Show a short list already read."""
        self.set_window(ListWindow(rows, self._clock()))

    @property
    def window(self) -> StepRows:
        """The first group's window (the whole list when it has no groups)."""
        return self._groups[0].window if self._groups else ListWindow([], self._now)

    def _group_at(self, row: int) -> tuple[int, _Group] | None:
        for number, group in enumerate(self._groups):
            start = group.heading_row if group.heading_row >= 0 else group.first
            if start <= row < group.end:
                return number, group
        return None

    def row_at(self, row: int) -> FollowUpRow | None:
        found = self._group_at(row)
        if found is None or row == found[1].heading_row:
            return None
        number, group = found
        offset = row - group.first
        key = (number, offset // PAGE)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = group.window.fetch(key[1] * PAGE, PAGE)
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(key)
        offset -= key[1] * PAGE
        return page[offset] if offset < len(page) else None

    def row_of(self, followup_id: int) -> int:
        for group in self._groups:
            position = group.window.position(followup_id)
            if position >= 0:
                return group.first + position
        return -1

    def rows(self) -> list[FollowUpRow]:
        """Every row the model shows, read in one go: for short lists (tests, a day's agenda)."""
        return [r for g in self._groups for r in g.window.fetch(0, g.window.total)]

    def heading_rows(self) -> list[int]:
        return [g.heading_row for g in self._groups if g.heading_row >= 0]

    def cached_rows(self) -> int:
        return sum(len(page) for page in self._pages.values())

    def is_overdue(self, row: FollowUpRow) -> bool:
        return row.due_at < self._now

    def _heading_of(self, row: int) -> str | None:
        return next((g.heading for g in self._groups if g.heading_row == row), None)

    # -- Qt model interface ----------------------------------------------------------------------
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if index.isValid() and self._heading_of(index.row()) is not None:
            return Qt.ItemFlag.NoItemFlags  # a heading: the keys and the mouse pass over it
        return super().flags(index)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._count

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
        heading = self._heading_of(index.row())
        if heading is not None:
            return self._heading(heading, index.column(), role)
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

    def _heading(self, text: str, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and column == 0:
            return text.upper()
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
            return font
        return None

    def _text(self, row: FollowUpRow, column: int) -> str:
        if column == 0:
            local = row.due_at.astimezone(self._zone())
            if local.date() == self._today:
                return f"{local:%H:%M} · overdue" if self.is_overdue(row) else f"{local:%H:%M}"
            # an earlier day in red says overdue
            if self.day_format != DAY_FORMAT:  # the calendar's week agenda: the day is known
                return f"{local.strftime(self.day_format)} {local:%H:%M}"
            return format_absolute(row.due_at, self._now, self._zone())
        if column == 1:
            return KIND_LABELS.get(row.kind, row.kind)
        if column == 2:
            if not row.company or row.company == row.lead_name:
                return row.lead_name
            joint = "\n" if self.lead_lines == 2 else " · "
            return f"{row.lead_name}{joint}{row.company}"
        if column == 3:
            return display_phone(row.phone, self.region()) if row.phone else "—"
        return row.note

    def _tooltip(self, row: FollowUpRow) -> str:
        due = format_absolute(row.due_at, self._now, self._zone()) + (
            " (overdue)" if self.is_overdue(row) else ""
        )
        parts = [f"{KIND_LABELS.get(row.kind, row.kind)} {row.lead_name}", due]
        parts += [p for p in (row.company, row.phone, row.email, row.note) if p]
        if row.owner:
            parts.append(f"Owner: {row.owner}")
        return "\n".join(parts)
