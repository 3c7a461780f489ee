"""Help → About: versions of repdesk and its parts, and where the data lives."""

from __future__ import annotations

from html import escape

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from repdesk.services.workspace.versions import component_versions


def about_text(database: str) -> str:
    v = component_versions()
    return (
        f"<h3>repdesk {v['repdesk']}</h3>"
        "<p>Answer every inquiry fast, qualify it the same way every time, "
        "and follow up until the person buys or says no.</p>"
        f"<p>Python {v['Python']} · Qt {qVersion()} · PySide6 {PySide6.__version__} "
        "· "
        f"SQLAlchemy {v['SQLAlchemy']}<br>{v['platform']}</p>"
        f"<p><b>Your data lives in</b><br>{escape(database)}</p>"
        "<p>Back it up with File → Backup (Ctrl+Shift+B); a copy is also written beside the file "
        "before each schema upgrade.</p>"
    )


def show_about(parent: QWidget, database: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, "About repdesk", about_text(database))
    box.setParent(parent, box.windowFlags())
    box.setObjectName("aboutDialog")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
