"""A table model over plain FollowUpRow values (Today list and calendar agenda); overdue times in
red."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from repdesk.core.phone_display import display_phone
from repdesk.core.when import format_absolute
from repdesk.services.followups.followup_service import FollowUpRow

COLUMNS = ("Due", "Kind", "Lead", "Phone", "Note")
KIND_LABELS = {"call": "☎ Call", "email": "✉ Email", "task": "✓ Task"}
OVERDUE = QColor("#cf222e")
DAY_FORMAT = "%a %d %b"
AnyIndex = QModelIndex | QPersistentModelIndex


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
        self._rows: list[FollowUpRow | str] = []  # a str is a group's heading row
        self._now = clock()
        self._today = self._now.astimezone(zone()).date()
        self.day_format = day_format
        self.region: Callable[[], str] = lambda: "US"
        """The workspace's phone region (phones show in its readable form)."""

    def set_rows(self, rows: Sequence[FollowUpRow]) -> None:
        self.set_groups([("", rows)])

    def set_groups(self, groups: Sequence[tuple[str, Sequence[FollowUpRow]]]) -> None:
        """Rows under headings ("Overdue · 3"); a group without a heading or rows adds none."""
        self.beginResetModel()
        self._rows = []
        for heading, rows in groups:
            if heading and rows:
                self._rows.append(f"{heading} · {len(rows):,}")
            self._rows.extend(rows)
        self._now = self._clock()
        self._today = self._now.astimezone(self._zone()).date()
        self.endResetModel()

    def row_at(self, row: int) -> FollowUpRow | None:
        found = self._rows[row] if 0 <= row < len(self._rows) else None
        return found if isinstance(found, FollowUpRow) else None

    def row_of(self, followup_id: int) -> int:
        return next(
            (
                i
                for i, r in enumerate(self._rows)
                if isinstance(r, FollowUpRow) and r.id == followup_id
            ),
            -1,
        )

    def rows(self) -> list[FollowUpRow]:
        return [r for r in self._rows if isinstance(r, FollowUpRow)]

    def heading_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if isinstance(r, str)]

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if index.isValid() and isinstance(self._rows[index.row()], str):
            return Qt.ItemFlag.NoItemFlags  # a heading: the keys and the mouse pass over it
        return super().flags(index)

    def is_overdue(self, row: FollowUpRow) -> bool:
        return row.due_at < self._now

    # -- Qt model interface ----------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

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
        if 0 <= index.row() < len(self._rows) and isinstance(self._rows[index.row()], str):
            return self._heading(str(self._rows[index.row()]), index.column(), role)
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
            return (
                f"{row.lead_name} · {row.company}"
                if row.company and row.company != row.lead_name
                else row.lead_name
            )
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
