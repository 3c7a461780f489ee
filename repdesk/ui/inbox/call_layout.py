"""The lead table's layout around a call (the narrow list, the three panes, and back), and its
two menus: the row menu (the Lead actions on the row right-clicked) and the column chooser."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QSplitter, QTableView, QWidget

from repdesk.ui.common.actions import ActionId, ActionRegistry
from repdesk.ui.inbox.lead_table_model import COLUMNS

if TYPE_CHECKING:
    from repdesk.ui.inbox.column_fit import ColumnFit

ROW_MENU = (
    ActionId.CALL_LEAD,
    ActionId.EMAIL_LEAD,
    ActionId.START_SCRIPT,
    ActionId.ADD_NOTE,
    ActionId.EDIT_LEAD,
    None,
    ActionId.ASSIGN_LEAD,
    ActionId.MARK_WON,
    ActionId.MARK_LOST,
)


class CallLayout:
    """Remembers the table's columns and the panes' sizes when a call opens, and puts them back
    when it ends (the rep finds the layout as it was)."""

    def __init__(self, table: QTableView, splitter: QSplitter, fit: ColumnFit) -> None:
        self.table = table
        self.splitter = splitter
        self.fit = fit
        self._columns: list[bool] | None = None
        self._sizes: list[int] = []

    def open_call(self, script: QWidget) -> None:
        self._sizes = self.splitter.sizes()
        self.fit.paused = True
        self._columns = [self.table.isColumnHidden(c) for c in range(len(COLUMNS))]
        for column in range(2, len(COLUMNS)):  # who waits, and their name: the rest is beside
            self.table.setColumnHidden(column, True)
        script.show()
        width = max(sum(self.splitter.sizes()), self.splitter.width(), 900)
        listed = min(max(int(width * 0.22), 200), 300)
        rest = width - listed
        self.splitter.setSizes([listed, int(rest * 0.44), int(rest * 0.56)])

    def close_call(self) -> None:
        for column, hidden in enumerate(self._columns or []):
            self.table.setColumnHidden(column, hidden)
        self._columns = None
        if self._sizes:
            self.splitter.setSizes(self._sizes[:2] + [0])
        self.fit.paused = False
        self.fit.fit()


def row_menu(
    table: QTableView, actions: ActionRegistry, has_lead: Callable[[], bool], pos: QPoint
) -> QMenu | None:
    """Right-click on a row: it becomes the lead in focus, and the Lead menu acts on it."""
    index = table.indexAt(pos)
    if index.isValid():
        table.selectRow(index.row())
    if not has_lead():
        return None
    menu = QMenu(table)
    for action_id in ROW_MENU:
        if action_id is None:
            menu.addSeparator()
        else:
            menu.addAction(actions[action_id])
    menu.popup(table.viewport().mapToGlobal(pos))
    return menu


def column_menu(
    table: QTableView, pos: QPoint, chosen: Callable[[int, bool], None] | None = None
) -> None:
    """The header's menu: which columns show (`chosen` hears the rep's choice)."""

    def toggle(column: int, shown: bool) -> None:
        table.setColumnHidden(column, not shown)
        if chosen is not None:
            chosen(column, shown)

    menu = QMenu(table)
    for column, title in enumerate(COLUMNS):
        action = menu.addAction(title)
        action.setCheckable(True)
        action.setChecked(not table.isColumnHidden(column))
        action.setEnabled(column != 1)  # the name always shows
        action.toggled.connect(lambda shown, c=column: toggle(c, shown))
    menu.exec(table.horizontalHeader().mapToGlobal(pos))
