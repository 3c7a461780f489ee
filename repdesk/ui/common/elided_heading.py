"""A one-line heading — a name and, smaller, what goes with it ("· Berg Tea House") — that elides
to the width it is given instead of widening its pane; the tooltip says it whole."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

NOTE_PIXELS = 13


class ElidedHeading(QLabel):
    def __init__(self, parent: QWidget | None = None, *, object_name: str = "") -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._name = ""
        self._note = ""

    def show_heading(self, name: str, note: str = "") -> None:
        self._name, self._note = name, note
        self.setToolTip(f"{name} · {note}" if note else name)
        self._fit()

    def heading(self) -> str:
        """The whole heading, as the tooltip says it."""
        return self.toolTip()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(40, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = max(self.width() - 2 * self.margin() - 4, 20)
        name = self.fontMetrics().elidedText(self._name, Qt.TextElideMode.ElideRight, width)
        text = escape(name)
        rest = width - self.fontMetrics().horizontalAdvance(name + "  ")
        if self._note and rest > 40:
            small = QFont(self.font())
            small.setPixelSize(NOTE_PIXELS)
            small.setWeight(QFont.Weight.Normal)
            note = QFontMetrics(small).elidedText(
                f"· {self._note}", Qt.TextElideMode.ElideRight, rest
            )
            text += (
                f"&nbsp;&nbsp;<span style='font-size:{NOTE_PIXELS}px; font-weight:400'>"
                f"{escape(note)}</span>"
            )
        if text != self.text():
            self.setText(text)
