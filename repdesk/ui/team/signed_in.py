"""Who is signed in, said in the window title and status bar; what a rep may not change is shown
read-only (the database refuses it anyway: this only spares the rep the attempt)."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QLabel, QMainWindow, QTabWidget, QWidget

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
    """A banner on top, and the page's parts disabled (their content stays visible)."""
    layout = page.layout()
    banner = QLabel(sentence)
    banner.setObjectName("readOnlyBanner")
    banner.setWordWrap(True)
    banner.setStyleSheet("padding: 6px 10px; background: rgba(191, 135, 0, 0.15);")
    if isinstance(layout, QBoxLayout):
        for index in range(layout.count()):
            widget = layout.itemAt(index).widget()
            if isinstance(widget, QTabWidget):  # the tabs still switch: every tab can be read
                for tab in range(widget.count()):
                    widget.widget(tab).setEnabled(False)
            elif widget is not None:
                widget.setEnabled(False)
        layout.insertWidget(0, banner)
    else:
        page.setEnabled(False)
        page.setToolTip(sentence)
