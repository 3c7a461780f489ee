"""Errors that escape a slot reach the user as one sentence, not as a silent traceback."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget


def user_sentence(exc: BaseException) -> str:
    from sqlalchemy.exc import SQLAlchemyError

    from repdesk.services.common.errors import UserError
    from repdesk.store.errors import StoreError, describe_database_error

    if isinstance(exc, (UserError, StoreError)):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        return describe_database_error(exc)
    return f"Something went wrong ({exc.__class__.__name__}: {exc}); your data is unchanged."


def install_error_dialog(window: QWidget) -> None:
    """Show uncaught exceptions from the event loop in a dialog; the traceback goes to stderr."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        traceback.print_exception(kind, exc, tb, file=sys.stderr)
        QMessageBox.warning(window, "repdesk", user_sentence(exc))

    sys.excepthook = hook
