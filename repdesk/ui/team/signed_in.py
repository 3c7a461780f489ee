"""Who is signed in, said in the window title and status bar; what a rep may not change is shown
read-only (the database refuses it anyway: this only spares the rep the attempt)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QBoxLayout,
    QComboBox,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QScrollArea,
    QSlider,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from repdesk.services.team.identity import Me
from repdesk.services.team.sign_in import keyring_key

#: Pages whose content only a manager may change: the script and rules, templates, settings.
MANAGER_PAGES = {
    "scripts": "the question sets and rules",
    "templates": "the email templates",
    "settings": "the settings, reps, capacity and sources",
}


def show_signed_in(window: QMainWindow, me: Me, url: str) -> None:
    if not me.is_team:
        return  # a solo file: one implicit me, nothing to say
    title = keyring_key(url).removeprefix("team:")  # server:port/database, no login or password
    window.setWindowTitle(f"repdesk — {me.describe()} — {title}")
    label = getattr(window, "status_workspace", None)
    if isinstance(label, QLabel):
        label.setText(f"Signed in as {me.describe()} · {title}")
    if me.may_manage:
        return
    pages: dict[str, QWidget] = getattr(window, "pages", {})
    for key, what in MANAGER_PAGES.items():
        page = pages.get(key)
        if page is not None:
            make_read_only(page, f"Only a manager can change {what}; you can read them here.")


def make_read_only(page: QWidget, sentence: str) -> None:
    """A banner on top, and the page's parts frozen: what only shows stays readable and
    scrollable, what edits is read-only or disabled."""
    layout = page.layout()
    banner = QLabel(sentence)
    banner.setObjectName("readOnlyBanner")
    banner.setWordWrap(True)
    banner.setStyleSheet("padding: 6px 10px; background: rgba(191, 135, 0, 0.15);")
    if isinstance(layout, QBoxLayout):
        _freeze_parts(layout)
        layout.insertWidget(0, banner)
        # A page builds some parts when first shown (Settings' tabs): freeze those too, once the
        # page has built them (after its activation, which follows the show).
        page.installEventFilter(_FreezeOnShow(page, layout))
    else:
        page.setEnabled(False)
        page.setToolTip(sentence)


def _freeze_parts(layout: QLayout) -> None:
    for index in range(layout.count()):
        item = layout.itemAt(index)
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            _freeze(widget)
        elif inner is not None:  # a row of buttons beside the title
            _freeze_parts(inner)


class _FreezeOnShow(QObject):
    def __init__(self, page: QWidget, layout: QLayout) -> None:
        super().__init__(page)
        self._layout = layout

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Show:
            QTimer.singleShot(0, self, lambda: _freeze_parts(self._layout))
        return False


def _freeze(widget: QWidget) -> None:
    """Disable what edits; keep tabs, scroll areas, lists and texts working for reading (a
    disabled scroll area cannot even scroll)."""
    if isinstance(widget, QTabWidget):  # the tabs still switch: every tab can be read
        for tab in range(widget.count()):
            _freeze(widget.widget(tab))
    elif isinstance(widget, QScrollArea):
        inner = widget.widget()
        if inner is not None:
            _freeze(inner)
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        widget.setReadOnly(True)
    elif isinstance(widget, QAbstractItemView):
        widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        widget.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
    elif isinstance(widget, QLabel):
        pass
    elif not isinstance(widget, _INPUTS) and _scrolls_inside(widget):  # go in: keep it scrolling
        for child in widget.findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            _freeze(child)
    else:
        widget.setEnabled(False)  # a container of inputs: they and any made later are disabled


#: Edit something: disabled whatever they hold (a combo box's list is a popup, not content).
_INPUTS = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QSlider)


def _scrolls_inside(widget: QWidget) -> bool:
    """Something in this window's part of `widget` scrolls (a popup's list does not count)."""
    return any(
        area.window() is widget.window() for area in widget.findChildren(QAbstractScrollArea)
    )
