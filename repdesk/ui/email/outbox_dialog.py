"""The outbox: what waits to be sent and why, and the messages that need a look (unsure: check
the Sent folder, then record it as sent or send it again; failed: the server's reason, and
send it again once the address or the account is fixed)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
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

from repdesk.services.common.errors import UserError
from repdesk.services.email.outbox import OutboxService
from repdesk.services.email.outbox_rows import FAILED, QUEUED, UNSURE, OutboxRow

COLUMNS = ("To", "Subject", "Queued", "Status")


class OutboxDialog(QDialog):
    def __init__(
        self,
        outbox: OutboxService,
        after_change: Callable[[], None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        """`after_change`: called after the rep settled or cancelled a message (the sender
        refreshes its count and tries again)."""
        super().__init__(parent)
        self.setObjectName("outboxDialog")
        self.setWindowTitle("Outbox")
        self._outbox, self._after_change = outbox, after_change
        self.rows: list[OutboxRow] = []
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("outboxTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.sent_button = QPushButton("It is in my Sent folder")
        self.sent_button.setToolTip("Record it as sent (nothing is sent again)")
        self.sent_button.clicked.connect(lambda: self._resolve(True))
        self.again_button = QPushButton("Send it again")
        self.again_button.setToolTip("Send it now, to the lead's address as it is now")
        self.again_button.clicked.connect(lambda: self._resolve(False))
        self.cancel_button = QPushButton("Do not send")
        self.cancel_button.setToolTip("Take it out of the outbox (the timeline keeps a note)")
        self.cancel_button.clicked.connect(self._cancel)
        self.now_button = QPushButton("Try now")
        self.now_button.clicked.connect(self._try_now)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for button in (self.sent_button, self.again_button, self.cancel_button, self.now_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.error = QLabel()
        self.error.setStyleSheet("color: #cf222e")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.resize(820, 380)
        self.reload()

    def reload(self) -> None:
        self.rows = self._outbox.rows()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            queued = row.queued_at.astimezone().strftime("%a %d %b %H:%M")
            for c, text in enumerate((f"{row.lead_name} <{row.to}>", row.subject, queued, row.why)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if row.status == UNSURE:  # the inbox's "late" and "very late" colours
                    item.setForeground(QColor("#bf8700"))
                elif row.status == FAILED:
                    item.setForeground(QColor("#cf222e"))
                self.table.setItem(r, c, item)
        waiting = sum(1 for r in self.rows if r.status not in (UNSURE, FAILED))
        unsure = sum(1 for r in self.rows if r.status == UNSURE)
        failed = len(self.rows) - waiting - unsure
        parts = [f"{waiting} waiting to be sent"] if waiting else []
        if failed:
            parts.append(f"{failed} not sent (the server's reason is in Status)")
        if unsure:
            parts.append(
                f"{unsure} unsure: it went to the server but it did not confirm — look in your "
                "Sent folder before sending again"
            )
        self.summary.setText(
            "; ".join(parts) + "." if parts else "Nothing waits: every email has been sent."
        )
        if self.rows:
            self.table.selectRow(0)
        self._selected()

    def _current(self) -> OutboxRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _selected(self) -> None:
        row = self._current()
        status = row.status if row else ""
        self.sent_button.setVisible(status == UNSURE)
        self.again_button.setVisible(status in (UNSURE, FAILED))
        self.cancel_button.setVisible(status in (QUEUED, FAILED))
        self.now_button.setVisible(status == QUEUED)

    def _resolve(self, was_sent: bool) -> None:
        row = self._current()
        if row is None:
            return
        self.error.clear()
        try:
            if was_sent:
                self._outbox.resolve_unsure(row.id, was_sent=True)
            else:
                self._outbox.send_again(row.id)
        except UserError as exc:
            self.error.setText(str(exc))
        self._after()

    def _cancel(self) -> None:
        row = self._current()
        if row is not None:
            try:
                self._outbox.cancel(row.id)
            except UserError as exc:
                self.error.setText(str(exc))
            self._after()

    def _try_now(self) -> None:
        row = self._current()
        if row is not None:
            try:
                self._outbox.try_now(row.id)
            except UserError as exc:
                self.error.setText(str(exc))
        self._after()

    def _after(self) -> None:
        self.reload()
        self._after_change()
