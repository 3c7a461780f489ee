"""A bar on the lead's detail when their reply asks us to stop: one key (Ctrl+Shift+U) marks
them do not contact, and Undo takes it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from repdesk.services.common.errors import UserError
from repdesk.ui.common.actions import ActionId, ActionRegistry

if TYPE_CHECKING:  # the panel is on the first screen: SQLAlchemy loads after the first paint
    from repdesk.services.email.replies import ReplyFiler


class StopRequestBar(QFrame):
    sig_lead_changed = Signal(object)
    """Emitted with a Changes value after do not contact was set or taken back."""

    def __init__(
        self,
        filer: Callable[[], ReplyFiler | None],
        actions: ActionRegistry,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stopRequestBar")
        self.setStyleSheet(
            "QFrame#stopRequestBar { background: #fff8c5; border: 1px solid #d4a72c;"
            " border-radius: 6px; } QFrame#stopRequestBar QLabel { color: #3b2300; }"
        )
        self._filer = filer
        self.lead_id: int | None = None
        self._undo_for: int | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.button = QPushButton()
        self.button.setObjectName("stopRequestButton")
        layout.addWidget(self.button)
        self.action = actions[ActionId.STOP_EMAILS]
        self.button.clicked.connect(self._clicked)
        self.action.triggered.connect(self._accept_from_key)
        self.hide()

    def show_for(self, lead_id: int | None) -> None:
        if lead_id != self._undo_for:
            self._undo_for = None
        self.lead_id = lead_id
        filer = self._filer()
        subject = filer.stop_request(lead_id) if filer and lead_id is not None else None
        if self._undo_for is not None:
            self.text.setText("Marked do not contact: no more email or steps for them.")
            self.button.setText("Undo")
        elif subject is not None:
            shortcut = self.action.shortcut().toString()
            self.text.setText(
                f"Their reply asks us to stop (“{subject or 'no subject'}”). "
                f"Mark them do not contact? ({shortcut})"
            )
            self.button.setText("Do not contact")
        self.setVisible(subject is not None or self._undo_for is not None)
        self.action.setEnabled(subject is not None)

    def _accept_from_key(self) -> None:
        if self.isVisible() and self._undo_for is None:
            self._set(True)

    def _clicked(self) -> None:
        self._set(self._undo_for is None)

    def _set(self, accept: bool) -> None:
        filer = self._filer()
        if filer is None or self.lead_id is None:
            return
        try:
            changes = filer.accept_stop(self.lead_id, accept=accept)
        except UserError as exc:
            self.text.setText(str(exc))
            return
        self._undo_for = self.lead_id if accept else None
        self.show_for(self.lead_id)
        self.sig_lead_changed.emit(changes)
