"""The lead table's column widths: the short columns (Waiting, Status, Next step) as wide as their
heading and the values in view, the names sharing the rest; on a narrow window the least needed
columns (Owner, Source, Company: the detail pane beside it shows them) are set aside so that the
names stay readable, and come back when there is room again. The rep's own choices win."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from repdesk.ui.inbox.lead_table_model import COLUMNS

#: Set aside in this order while the names have less room than their values in the first rows
#: need (at least NAME_ROOM, at most NAME_ROOM_MOST: a longer company is elided).
SHED = ("Owner", "Source", "Company")
NAME_ROOM = 100  # "Priya Thompson" in the table font
NAME_ROOM_MOST = 160
#: Sized to their heading and their values in the first rows, up to these widths (a wider value
#: further down is elided, and the detail pane shows it whole).
FIT_VALUES = {"Waiting": 110, "Status": 220, "Next step": 240, "Source": 160, "Owner": 160}
FIT_ROWS = 100


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
        self.sized: set[int] = set()
        """The columns the rep resized by hand: their width stays theirs."""
        self._fitting = False
        self.name_need = NAME_ROOM
        """The room the names and companies of the first rows need (see SHED)."""
        header = table.horizontalHeader()
        # Headings sit where their values are (left), not centred over left-aligned text.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sectionResized.connect(self._resized)
        table.model().modelReset.connect(self.fit_values)
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

    def _resized(self, column: int, old: int, new: int) -> None:
        # Hiding or showing a column passes through 0: only a drag of its edge is the rep's.
        if not self._fitting and old > 0 and new > 0 and COLUMNS[column] in FIT_VALUES:
            self.sized.add(column)

    def fit_values(self) -> None:
        """Size the short columns to their heading and the values of the first rows."""
        model, header = self.table.model(), self.table.horizontalHeader()
        rows = range(min(model.rowCount(), FIT_ROWS))
        self._fitting = True
        try:
            need = NAME_ROOM
            for column in (COLUMNS.index("Name"), COLUMNS.index("Company")):
                for row in rows:
                    need = max(need, self.table.sizeHintForIndex(model.index(row, column)).width())
            self.name_need = min(need, NAME_ROOM_MOST)
            for name, most in FIT_VALUES.items():
                column = COLUMNS.index(name)
                if column in self.sized:
                    continue
                need = header.sectionSizeHint(column)
                for row in rows:
                    need = max(need, self.table.sizeHintForIndex(model.index(row, column)).width())
                self.table.setColumnWidth(column, min(need, most))
        finally:
            self._fitting = False
        self.fit()

    def fit(self) -> None:
        if self.paused:
            return
        for column in self.shed:
            self.table.setColumnHidden(column, False)
        self.shed.clear()
        for name in SHED:
            if self.name_room() >= self.name_need:
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
