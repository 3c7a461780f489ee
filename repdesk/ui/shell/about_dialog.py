"""Help → About: versions of repdesk and its parts, and where the data lives."""

from __future__ import annotations

import platform
import sys

import PySide6
import sqlalchemy
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from repdesk import __version__


def about_text(database: str) -> str:
    return (
        f"<h3>repdesk {__version__}</h3>"
        "<p>Answer every inquiry fast, qualify it the same way every time, "
        "and follow up until the person buys or says no.</p>"
        f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {PySide6.__version__} "
        "· "
        f"SQLAlchemy {sqlalchemy.__version__}<br>{sys.platform}</p>"
        f"<p>Database: {database}</p>"
    )


def show_about(parent: QWidget, database: str) -> None:
    QMessageBox.about(parent, "About repdesk", about_text(database))
