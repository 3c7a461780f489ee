"""The lead table on a narrow window: it sets aside its least needed columns (Owner, Source,
Company: the detail pane beside it shows them) so that the names stay readable, and brings them
back when there is room again. The rep's own column choices win."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView

from repdesk.ui.inbox.lead_table_model import COLUMNS

#: Set aside in this order while the name has less room than NAME_ROOM.
SHED = ("Owner", "Source", "Company")
NAME_ROOM = 100  # "Priya Thompson" in the table font


class ColumnFit(QObject):
    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self.shed: set[int] = set()
        """The columns set aside for room (shown again when it comes back)."""
        self.kept: set[int] = set()
        """The columns the rep chose to show from the header's menu: never set aside."""
        self.paused = False
        """True during a call: the call layout decides the columns then."""
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def chosen(self, column: int, shown: bool) -> None:
        """The rep showed or hid a column from the header's menu."""
        self.shed.discard(column)
        if shown:
            self.kept.add(column)
        else:
            self.kept.discard(column)

    def fit(self) -> None:
        if self.paused:
            return
        for column in self.shed:
            self.table.setColumnHidden(column, False)
        self.shed.clear()
        for name in SHED:
            if self.name_room() >= NAME_ROOM:
                break
            column = COLUMNS.index(name)
            if column not in self.kept and not self.table.isColumnHidden(column):
                self.table.setColumnHidden(column, True)
                self.shed.add(column)

    def name_room(self) -> int:
        """The width each stretching column (Name, and Company while shown) gets."""
        header = self.table.horizontalHeader()
        shown = [c for c in range(len(COLUMNS)) if not self.table.isColumnHidden(c)]
        stretching = [
            c for c in shown if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch
        ]
        fixed = sum(self.table.columnWidth(c) for c in shown if c not in stretching)
        width = self.table.width() - 2 * self.table.frameWidth()
        width -= self.table.verticalScrollBar().sizeHint().width()  # shown on any long list
        return (width - fixed) // max(len(stretching), 1)
