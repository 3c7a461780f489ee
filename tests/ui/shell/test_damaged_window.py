"""The window on a damaged workspace file: after the first paint the file is checked off the GUI
thread, a banner says it is read-only and where the latest good backup is, and writes are
refused with that sentence; a sound file gets its daily backup instead."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from repdesk.launch import open_for_cli, open_for_gui
from repdesk.services.common.errors import user_sentence
from repdesk.store.errors import StoreError
from repdesk.store.locations import resolve_url
from repdesk.ui.shell.main_window import MainWindow


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "work.sqlite3"
    open_for_cli(str(path), demo=True).close()
    for made in path.parent.glob("work.sqlite3.*.bak"):
        made.unlink()
    return path


def start_window(qtbot: QtBot, path: Path) -> MainWindow:
    window = MainWindow(open_for_gui(resolve_url(str(path))), defer_pages=True)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitUntil(lambda: hasattr(window, "file_health"), timeout=30_000)
    qtbot.waitUntil(window.file_health.worker.done.is_set, timeout=30_000)
    qtbot.wait(50)  # the worker's result signal reaches the GUI thread
    return window


def test_a_damaged_file_opens_read_only_and_names_its_latest_good_backup(
    qtbot: QtBot, demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "work.sqlite3"
    shutil.copy2(demo_file, path)
    good = path.with_name("work.sqlite3.20261130.daily.bak")
    shutil.copy2(demo_file, good)
    pages = path.stat().st_size // 4096
    with path.open("r+b") as handle:  # a page of the follow-ups, far from the first screen's
        handle.seek((pages - 3) * 4096)
        handle.write(random.Random(3).randbytes(4096))
    before = path.read_bytes()
    with qtbot.capture_exceptions() as raised:  # the inbox may read the damaged page too
        window = start_window(qtbot, path)
    # ...which the window's error dialog shows as the sentence for a damaged file
    assert all("damaged" in str(user_sentence(exc)) for _kind, exc, _tb in raised)
    banner = window.findChild(QLabel, "damagedBanner")
    assert banner is not None and banner.isVisible()
    sentence = banner.text()
    assert "is damaged" in sentence and "read-only" in sentence and str(good) in sentence
    assert "read-only" in window.windowTitle()
    lead = window.workspace.services.leads.list_leads(limit=1)[0]  # reads go on
    with pytest.raises(StoreError) as refused:
        window.workspace.services.leads.add_note(lead.id, "Called back")
    assert str(refused.value) == sentence
    window.close()
    window.workspace.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work.sqlite3", good.name]


def test_a_sound_file_gets_its_daily_backup(qtbot: QtBot, demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    shutil.copy2(demo_file, path)
    window = start_window(qtbot, path)
    assert window.findChild(QLabel, "damagedBanner") is None
    window.close()
    window.workspace.close()
    (daily,) = tmp_path.glob("work.sqlite3.*.daily.bak")
    assert daily.stat().st_size > 0
