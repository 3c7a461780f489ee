"""The background poller: a lead file dropped in a watched folder shows up in the inbox by itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window
from repdesk.ui.sources_panel import SourcesPanel


def test_poller_picks_up_a_dropped_file_and_the_inbox_shows_it(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    drop = tmp_path / "drop"
    drop.mkdir()
    window.workspace.sources.add_folder(drop)  # type: ignore[attr-defined]
    watcher = window.inquiry_watcher  # type: ignore[attr-defined]
    watcher.set_interval(200)
    table = window.findChild(QTableView, "leadTable")
    assert table.model().rowCount() == 0
    with qtbot.waitSignal(watcher.sig_inquiries_arrived, timeout=10_000) as arrived:
        (drop / "web.csv").write_text("Name,Email,Message\nNora Quick,nora@quick.test,Call me today\n")
    assert arrived.args == [1]
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=5_000)
    shown = [table.model().index(0, c).data() for c in range(table.model().columnCount())]
    assert any("Nora Quick" in str(value) for value in shown)
    assert "new inquiry" in window.statusBar().currentMessage()
    assert (drop / "done" / "web.csv").exists()
    window.close()


def test_sources_panel_lists_sources_and_checks_now(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "bad.csv").write_text("Colour,Size\nred,1\n")
    window.workspace.sources.add_folder(drop)  # type: ignore[attr-defined]
    panel = SourcesPanel(window.workspace)  # type: ignore[attr-defined]
    qtbot.addWidget(panel)
    panel.show()
    assert panel.table.rowCount() == 1 and panel.table.item(0, 0).text() == "drop"
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (drop / "failed" / "bad.csv.error.txt").exists(), timeout=10_000)
    qtbot.waitUntil(lambda: "no name, email" in panel.table.item(0, 4).text(), timeout=5_000)
    window.close()
