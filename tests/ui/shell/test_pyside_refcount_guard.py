"""PySide6 6.12.0 drops a reference to None on every void call under Python 3.11 and aborts after
about 5,000 calls ("none_dealloc"); pyproject pins <6.12. This makes 20,000 such calls so that an
upgrade that brings the bug back fails here instead of in a rep's afternoon."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QAbstractListModel, QModelIndex
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    before = sys.getrefcount(None)

    class M(QAbstractListModel):
        def rowCount(self, parent=QModelIndex()):
            return 0

    m = M()
    for _ in range(10_000):
        app.processEvents()
        m.beginResetModel()
        m.endResetModel()
    print("calls done", sys.getrefcount(None) - before)
    """
)


def test_twenty_thousand_void_calls_do_not_abort() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"PySide6 aborted after void calls: {result.stderr[-800:]}"
    assert "calls done" in result.stdout


def test_pyside_is_below_the_broken_release() -> None:
    import PySide6

    major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
    assert (major, minor) < (6, 12), (
        f"PySide6 {PySide6.__version__} is the release that aborts under Python 3.11"
    )
