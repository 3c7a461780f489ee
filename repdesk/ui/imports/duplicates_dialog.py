"""Possible duplicates: pairs of leads an import could not tell apart, side by side; the rep merges
them into one or keeps them apart, and can undo either."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.common.changes import Changes
from repdesk.services.imports.duplicates import (
    Decision,
    DuplicatePair,
    DuplicateService,
    PairSide,
)
from repdesk.ui.common.save_queue import DROPPED, WAITING, queue_of, save

COLUMNS = ("Why they may be one", "This lead (kept by Merge)", "That lead")


class DuplicatesDialog(QDialog):
    sig_changes_made = Signal(object)
    """Emitted with a Changes value after a merge, a keep-apart or an undo."""

    def __init__(self, duplicates: DuplicateService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesDialog")
        self.setWindowTitle("Possible duplicates")
        self.resize(1100, 520)
        self.duplicates = duplicates
        self.pairs: list[DuplicatePair] = []
        self.decisions: list[Decision] = []
        self._waits = False
        """A merge, keep-apart or undo waits for an import that holds the write lock."""
        layout = QVBoxLayout(self)
        intro = QLabel(
            "These leads share a phone, or a name and company, but not an e-mail: they may be one "
            "person or two (colleagues at one switchboard). Merge keeps the first lead and adds "
            "the other's details, timeline and steps to it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("duplicatesTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("duplicatesMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.merge_button = QPushButton("&Merge into the first")
        self.merge_button.setObjectName("duplicatesMerge")
        self.apart_button = QPushButton("&Keep apart")
        self.apart_button.setObjectName("duplicatesApart")
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setObjectName("duplicatesUndo")
        self.undo_button.setToolTip("Take back the last merge or keep-apart (Ctrl+Z)")
        close = QPushButton("Close")
        close.setObjectName("duplicatesClose")
        for button in (self.merge_button, self.apart_button, self.undo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.merge_button.clicked.connect(self.merge)
        self.apart_button.clicked.connect(self.keep_apart)
        self.undo_button.clicked.connect(self.undo)
        close.clicked.connect(self.accept)
        self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Undo):  # Ctrl+Z: the last decision back
            self.undo()
            return
        super().keyPressEvent(event)

    def refresh(self) -> None:
        self.pairs = self.duplicates.open_pairs()
        self.table.setRowCount(len(self.pairs))
        for row, pair in enumerate(self.pairs):
            for column, value in enumerate(
                (pair.reason, _describe(pair.first), _describe(pair.second))
            ):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, pair.id)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        has_pairs = bool(self.pairs)
        self.merge_button.setEnabled(has_pairs)
        self.apart_button.setEnabled(has_pairs)
        self.undo_button.setEnabled(bool(self.decisions))
        if has_pairs:
            self.table.selectRow(min(max(self.table.currentRow(), 0), len(self.pairs) - 1))
            self.table.setFocus()
        elif not self.message.text():
            self.message.setText("No possible duplicates: every lead is one person.")

    def current(self) -> DuplicatePair | None:
        row = self.table.currentRow()
        return self.pairs[row] if 0 <= row < len(self.pairs) else None

    def merge(self) -> None:
        pair = self.current()
        if pair is not None:
            self._decide(lambda: self.duplicates.merge(pair.id, keep=pair.first.id))

    def keep_apart(self) -> None:
        pair = self.current()
        if pair is not None:
            self._decide(lambda: self.duplicates.keep_apart(pair.id))

    def _decide(self, action: Callable[[], Decision]) -> None:
        def decided(decision: Decision) -> None:
            self._waits = False
            self.decisions.append(decision)
            self.message.setText(f"{decision.message} Undo (Ctrl+Z) takes it back.")
            self.sig_changes_made.emit(decision.changes)
            self.refresh()

        self._write(action, decided)

    def undo(self) -> None:
        if self._waits:  # Ctrl+Z while the decision still waits for an import: it is dropped
            queue = queue_of(self)
            if queue is not None:
                queue.cancel_newest()
            return
        if not self.decisions:
            return
        decision = self.decisions.pop()

        def undone(changes: Changes) -> None:
            self._waits = False
            self.message.setText(f"Undone: {decision.message}")
            self.sig_changes_made.emit(changes)
            self.refresh()

        self._write(lambda: self.duplicates.undo(decision), undone, undoable=False)

    def _write(
        self,
        action: Callable[[], Any],
        done: Callable[[Any], None],
        *,
        undoable: bool = True,
    ) -> None:
        """Made now, or when an import that holds the write lock finishes (ui/common/save_queue);
        while it waits the pair stays and its buttons rest; a refusal is said under the table."""

        def failed() -> None:
            self._waits = False
            self.refresh()

        def dropped() -> None:
            self._waits = False
            self.message.setText(DROPPED)
            self.refresh()

        self._waits = True
        if save(
            self,
            action,
            done,
            failed,
            say=self.message.setText,
            cancelled=dropped,
            undoable=undoable,
        ):
            self._waits = False
            return
        self.message.setText(WAITING if undoable else "Undo waits for the import to finish.")
        for button in (self.merge_button, self.apart_button, self.undo_button):
            button.setEnabled(False)
        self.undo_button.setEnabled(undoable)


def _describe(side: PairSide) -> str:
    """A lead as three short lines: who, where to reach them, where they came from."""
    who = side.name + (f" · {side.company}" if side.company and side.company != side.name else "")
    reach = " · ".join(part for part in (side.email, side.phone) if part) or "no e-mail or phone"
    came = f"{side.source or 'no source'} · {side.status.replace('_', ' ')} · since "
    came += side.received_at.astimezone().strftime("%d %b %Y")
    return f"{who}\n{reach}\n{came}"
