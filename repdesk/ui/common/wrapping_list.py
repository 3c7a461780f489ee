"""Lists whose items wrap at the list's width instead of running off its side: a list in list mode
measures an item on one unbounded line, so a word-wrapped list still scrolls sideways (or cuts
the item when it does not scroll). Here each item is measured at the width the list shows."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

PADDING_ROOM = 12


class WrappingItemDelegate(QStyledItemDelegate):
    """Measures and paints an item wrapped at its list's viewport width."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(  # noqa: N802 (Qt override)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        measured = QStyleOptionViewItem(option)
        self.initStyleOption(measured, index)
        width = max(self._view.viewport().width() - 2 * self._view.spacing(), 40)
        # Wrapped a little narrower than the item is drawn: a style sheet's item padding comes
        # off the text's room when it is painted (not when measured), and would elide the last
        # word of a line measured to the pixel.
        measured.rect = QRect(0, 0, width - PADDING_ROOM, 1 << 20)  # valid: wraps inside it
        measured.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        style = self._view.style()
        hint = style.sizeFromContents(
            QStyle.ContentsType.CT_ItemViewItem, measured, QSize(), self._view
        )
        return QSize(min(hint.width(), width), hint.height())


class _Relayout(QObject):
    """A list laid out top to bottom measures its items again only when its height changes:
    when its width does (the window, or a scroll bar coming or going), so do the items."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view.viewport())  # goes with the viewport
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize:
            resized: QResizeEvent = event  # type: ignore[assignment]
            if resized.size().width() != resized.oldSize().width():
                self._view.scheduleDelayedItemsLayout()
        return False


def wrap_items(view: QListView) -> None:
    """Make `view`'s items wrap at its width; it lays them out again when it is resized."""
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setUniformItemSizes(False)
    view.setItemDelegate(WrappingItemDelegate(view))
    view.viewport().installEventFilter(_Relayout(view))
