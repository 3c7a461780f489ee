"""Fits a laptop: at 1024×640 and 1280×720 the Inbox with a call open, the Scripts page and the
Reports page show every named widget whole (its visible rect is not smaller than its size hint;
inside a page that scrolls, vertical scrolling reveals the rest, but nothing is cut sideways)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.helpers import copy_demo, ctrl, key, open_window

SIZES = [(1024, 640), (1280, 720)]


def visible_rect(widget: QWidget) -> QRect:
    """The part of `widget` (its own coordinates) its ancestors let show; inside a scroll area's
    content the vertical extent counts whole (scrolling shows it), the horizontal one does not."""
    rect = QRect(QPoint(0, 0), widget.size())
    child, offset = widget, QPoint(0, 0)  # offset: widget's origin in child's coordinates
    while not child.isWindow() and child.parentWidget() is not None:
        parent = child.parentWidget()
        area = parent.parentWidget()
        if isinstance(area, QScrollArea) and area.widget() is child:
            bounds = QRect(0, 0, min(child.width(), area.viewport().width()), child.height())
            return rect.intersected(bounds.translated(-offset))
        offset += child.pos()
        rect = rect.intersected(parent.rect().translated(-offset))
        child = parent
    return rect


def clipped(widget: QWidget) -> str | None:
    """Why `widget` is cut off, or None when it shows whole. A leaf (a label, a button, a line
    edit) needs its size hint; a container or a scrolling view (a panel, a list, a text box)
    lays out or scrolls what it holds, and needs its minimum size."""
    seen = visible_rect(widget).size()
    if isinstance(widget, QAbstractScrollArea) or widget.layout() is not None:
        need = widget.minimumSize().expandedTo(QSize(0, 0))
        hint = widget.minimumSizeHint()
        need = QSize(need.width() or hint.width(), need.height() or hint.height())
    elif isinstance(widget, QLabel) and widget.wordWrap():
        need = widget.sizeHint()
        need.setWidth(min(need.width(), widget.width()))
        need.setHeight(widget.heightForWidth(widget.width()))
    else:
        need = widget.sizeHint()
    if seen.width() < need.width() or seen.height() < need.height():
        shows = f"{seen.width()}×{seen.height()}"
        return f"{widget.objectName()}: shows {shows} of {need.width()}×{need.height()}"
    return None


def named_widgets(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.objectName() and not w.objectName().startswith("qt_") and w.isVisible()
    ]


def assert_whole(root: QWidget, shot: Path) -> None:
    root.window().grab().save(str(shot))
    problems = [p for w in named_widgets(root) if (p := clipped(w))]
    assert not problems, f"clipped in {shot.name}:\n" + "\n".join(problems)


def test_the_check_sees_a_clipped_widget(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(60, 30)
    button = QPushButton("A button with a rather long label", host)
    button.setObjectName("longButton")
    button.resize(button.sizeHint())
    host.show()
    assert clipped(button) is not None


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_inbox_with_a_call_scripts_and_reports_show_every_named_widget_whole(
    qtbot: QtBot, demo_db: Path, tmp_path: Path, width: int, height: int
) -> None:
    window = open_window(qtbot, copy_demo(demo_db, tmp_path), (width, height))
    assert window.size().width() == width and window.size().height() == height
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    table.setFocus()
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    key(window, Qt.Key.Key_Y)  # on to a typed question: the answer field shows too
    QApplication.processEvents()
    assert window.size().width() == width and window.size().height() == height, "not grown"
    assert_whole(window.pages["inbox"], tmp_path / f"inbox-call-{width}x{height}.png")
    ctrl(window, Qt.Key.Key_6)
    assert_whole(window.pages["scripts"], tmp_path / f"scripts-{width}x{height}.png")
    assert window.findChild(QPushButton, "scriptsSave").isVisible()
    ctrl(window, Qt.Key.Key_5)
    reports = window.pages["reports"]
    end = time.monotonic() + 20
    while reports.is_busy() and time.monotonic() < end:
        qtbot.wait(20)
    assert_whole(reports, tmp_path / f"reports-{width}x{height}.png")
    sources = window.findChild(QTableView, "table_source")
    assert sources.columnWidth(0) >= sources.sizeHintForColumn(0), "whole source names"
    assert window.size().width() == width and window.size().height() == height
