"""After Call or Email: the rep says what really happened (or nothing is logged), and without a
tel:/mailto: app the number or address is shown to copy instead."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.domain import CallOutcome

OUTCOMES = (
    CallOutcome.CONNECTED,
    CallOutcome.VOICEMAIL,
    CallOutcome.NO_ANSWER,
    CallOutcome.WRONG_NUMBER,
)
_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("font-size: 16px; font-weight: 600;")
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def _answer_row(
    dialog: QDialog, yes: str, yes_name: str, on_yes: Callable[[], object], no: str
) -> QHBoxLayout:
    """The dialog's two answers: `yes` (the default, Enter) and `no` (Esc, rejects)."""
    row = QHBoxLayout()
    accept = QPushButton(yes, dialog)
    accept.setObjectName(yes_name)
    accept.setDefault(True)
    accept.clicked.connect(on_yes)
    reject = QPushButton(no, dialog)
    reject.setAutoDefault(False)
    reject.clicked.connect(dialog.reject)
    row.addWidget(accept)
    row.addWidget(reject)
    row.addStretch(1)
    return row


class CallOutcomeDialog(QDialog):
    """ "Did you reach them?" — 1–4 log the call with that outcome, Esc logs nothing."""

    sig_outcome_chosen = Signal(object)
    """Emitted with the CallOutcome the rep picked (the dialog then closes)."""

    def __init__(self, name: str, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callOutcomeDialog")
        self.setWindowTitle("Call")
        layout = QVBoxLayout(self)
        layout.addWidget(_title(f"Did you reach {name}?"))
        layout.addWidget(_hint(f"Calling {number}. Say how it went; Esc if no call happened."))
        for number_key, outcome in enumerate(OUTCOMES, start=1):
            button = QPushButton(f"{number_key}    {outcome.value.replace('_', ' ').capitalize()}")
            button.setStyleSheet("text-align: left; padding: 6px 12px;")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, o=outcome: self._choose(o))
            layout.addWidget(button)
        nothing = QPushButton("Esc    No call happened — log nothing")
        nothing.setObjectName("callNothing")
        nothing.setStyleSheet("text-align: left; padding: 6px 12px;")
        nothing.setAutoDefault(False)
        nothing.clicked.connect(self.reject)
        layout.addWidget(nothing)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        index = _KEYS.get(Qt.Key(event.key()))
        if index is not None and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._choose(OUTCOMES[index])
            return
        super().keyPressEvent(event)  # Esc rejects

    def _choose(self, outcome: CallOutcome) -> None:
        self.sig_outcome_chosen.emit(outcome)
        self.accept()


class EmailSentDialog(QDialog):
    """ "Did you send it?" — Enter or Y logs the email, Esc or N logs nothing."""

    def __init__(self, name: str, address: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emailSentDialog")
        self.setWindowTitle("Email")
        layout = QVBoxLayout(self)
        layout.addWidget(_title(f"Did you send the email to {name}?"))
        layout.addWidget(_hint(f"Your mail app opened a message to {address}."))
        layout.addLayout(
            _answer_row(
                self,
                "Sent — log it  (Enter)",
                "emailSent",
                self.accept,
                "Not sent — log nothing  (Esc)",
            )
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Y:
            self.accept()
        elif event.key() == Qt.Key.Key_N:
            self.reject()
        else:
            super().keyPressEvent(event)


class CopyContactDialog(QDialog):
    """No app takes tel:/mailto: here: the number or address to copy; nothing is logged."""

    def __init__(self, what: str, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copyContactDialog")
        self.setWindowTitle("Copy to contact")
        app = "makes phone calls" if what == "phone" else "sends email"
        layout = QVBoxLayout(self)
        layout.addWidget(_title(f"No app on this computer {app}"))
        layout.addWidget(
            _hint(
                "Copy it and use your phone or mail app. Nothing was logged: log the call or "
                "email once it really happened."
            )
        )
        self.value = QLineEdit(value)
        self.value.setObjectName("contactValue")
        self.value.setReadOnly(True)
        self.value.setMinimumWidth(320)
        self.value.selectAll()
        layout.addWidget(self.value)
        layout.addLayout(
            _answer_row(self, "Copy  (Enter)", "copyContact", self.copy_and_close, "Close  (Esc)")
        )
        self.value.setFocus()

    def copy_and_close(self) -> None:
        QGuiApplication.clipboard().setText(self.value.text())
        self.accept()
