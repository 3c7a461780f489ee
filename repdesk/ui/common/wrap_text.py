"""Read-only text that wraps anywhere when it must: a long link breaks inside itself instead of
pushing its pane wider than the window (a QLabel breaks only between words), an e-mail address
only where an address may break (before "@" and ".", after "-"), and it copies exactly as
written."""

from __future__ import annotations

import re

from PySide6.QtCore import QMimeData, QSize, Qt
from PySide6.QtGui import QPalette, QResizeEvent, QTextOption
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

#: An invisible break opportunity (a zero-width space): the layout may end a line there.
BREAK = "\u200b"
_ADDRESS_BREAKS = re.compile(r"(?=[@.])|(?<=-)")


def breakable_address(address: str) -> str:
    """`address` with a break opportunity before each "@" and "." and after each "-"."""
    return _ADDRESS_BREAKS.sub(BREAK, address).lstrip(BREAK)


class WrapText(QTextBrowser):
    """Shows plain or rich text at the height its width needs; selectable, never scrolls."""

    def __init__(self, parent: QWidget | None = None, *, object_name: str = "") -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setOpenLinks(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.document().setDocumentMargin(0)
        self.viewport().setAutoFillBackground(False)  # the pane's background, as a label's
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def setText(self, text: str) -> None:  # noqa: N802 (as QLabel's)
        """Plain text, shown as written (a "<" in an inquiry is no markup)."""
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setMinimumWidth(0)
        self.setPlainText(text)
        self._fit_height()

    def set_address(self, address: str) -> None:
        """An e-mail address: it wraps only at the points an address may break, and never
        narrower than its longest piece (the pane gives way, or scrolls, instead)."""
        self.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.setPlainText(breakable_address(address))
        pieces = address.replace("@", " @").replace(".", " .").replace("-", "- ").split()
        widest = max((self.fontMetrics().horizontalAdvance(p) for p in pieces), default=0)
        self.setMinimumWidth(widest + 2 * self.frameWidth() + 2)
        self._fit_height()

    def toPlainText(self) -> str:  # noqa: N802 (as QTextEdit's)
        """The text as written (without the break opportunities set_address adds)."""
        return super().toPlainText().replace(BREAK, "")

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt override)
        """A copied address is the address, without its invisible break opportunities."""
        data = QMimeData()
        data.setText(self.textCursor().selectedText().replace(BREAK, ""))
        return data

    def set_html(self, html: str) -> None:
        self.setHtml(html)
        self._fit_height()

    def text(self) -> str:
        return self.toPlainText()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        document = self.document().clone()
        document.setTextWidth(max(width - 2 * self.frameWidth(), 1))
        return int(document.size().height() + 0.999) + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        width = self.width() if self.width() > 0 else 200
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(40, self.fontMetrics().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        height = self.heightForWidth(max(self.width(), 1))
        if height != self.height():
            self.setFixedHeight(height)
