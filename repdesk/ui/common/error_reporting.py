"""Errors that escape a slot reach the user as one sentence, not as a silent traceback."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget


def user_sentence(exc: BaseException) -> str:
    from repdesk.services.common.errors import user_sentence as expected

    sentence = expected(exc)
    if sentence is not None:
        return sentence
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
