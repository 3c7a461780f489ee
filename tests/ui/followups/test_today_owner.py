"""Today's "whose steps" choice on a solo file: the one implicit "me" owns every lead, so the
default Mine + Unassigned lists every step (as before), Unassigned only nobody's, and Settings no
longer asks who "you" are (team mode: tests/ui/team/test_owner_scope.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

from repdesk.app import open_workspace
from repdesk.launch import ensure_demo
from repdesk.services.settings.setting_defaults import DEFAULTS
from repdesk.store.locations import resolve_url
from repdesk.ui.followups.today_page import TodayPage
from tests.fixtures.workspace import FIXED_NOW, FakeClock
from tests.ui.followups.test_today_page import demo_window
from tests.ui.helpers import window_on_clock

CHOICES = ["Mine + Unassigned", "Mine", "Unassigned", "Everyone"]


def _pick(qtbot: QtBot, box: QComboBox, text: str) -> None:
    """Choose `text` with the keyboard, as a rep does: focus the box and step to it."""
    box.setFocus()
    while box.currentText() != text:
        before = box.currentIndex()
        qtbot.keyClick(box, Qt.Key.Key_Down if box.findText(text) > before else Qt.Key.Key_Up)
        assert box.currentIndex() != before, f"{text!r} cannot be reached"


def test_solo_today_defaults_to_mine_and_unassigned_which_is_every_step(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_window(qtbot, tmp_path)
    page: TodayPage = window.pages["today"]
    box = page.findChild(QComboBox, "todayOwner")
    assert box is not None and box.isVisible()
    assert [box.itemText(i) for i in range(box.count())] == CHOICES
    assert box.currentText() == "Mine + Unassigned"
    by_default = page.model.rows()
    owners = {r.owner for r in by_default}
    assert None in owners and len(owners) > 2, "the demo has steps of several reps and of nobody"
    _pick(qtbot, box, "Everyone")
    assert [r.id for r in page.model.rows()] == [r.id for r in by_default]
    _pick(qtbot, box, "Unassigned")
    unassigned = page.model.rows()
    assert unassigned and all(r.owner is None for r in unassigned)
    assert len(unassigned) < len(by_default)
    headings = [page.model.index(i, 0).data() for i in page.model.heading_rows()]
    shown = sum(int(h.split(" · ")[1].replace(",", "")) for h in headings)
    assert shown == len(unassigned)  # the groups' counts are those of the scope, not everyone's
    _pick(qtbot, box, "Mine")
    assert [r.id for r in page.model.rows()] == [r.id for r in by_default]  # every lead is mine
    window.workspace.close()


def _due_by_tonight(page: TodayPage) -> int:
    """The Overdue and Today groups' counts, as their headings show them."""
    headings = [str(page.model.index(i, 0).data()) for i in page.model.heading_rows()]
    counts = {h.split(" · ")[0]: int(h.split(" · ")[1].replace(",", "")) for h in headings}
    return counts.get("OVERDUE", 0) + counts.get("TODAY", 0)


def test_the_sidebars_today_count_is_that_of_the_scope_chosen(qtbot: QtBot, tmp_path: Path) -> None:
    # The demo made and shown on one fixed moment (a Friday afternoon, UTC), so the steps due by
    # tonight, and nobody's among them, are the same at any hour the test runs.
    clock = FakeClock(FIXED_NOW)
    path = tmp_path / "demo.sqlite3"
    ws = open_workspace(resolve_url(str(path)), clock=clock)
    ws.settings.set("timezone", "UTC")
    ensure_demo(ws)
    ws.close()
    window = window_on_clock(qtbot, path, clock)
    window.show_page("today")
    page: TodayPage = window.pages["today"]
    box = page.findChild(QComboBox, "todayOwner")
    assert box is not None
    everything = window.sidebar.counts["today"]
    assert everything == _due_by_tonight(page)  # solo default: every step, as before
    _pick(qtbot, box, "Unassigned")
    nobodys = _due_by_tonight(page)
    assert 0 < nobodys < everything
    assert window.sidebar.counts["today"] == nobodys
    _pick(qtbot, box, "Mine")
    assert window.sidebar.counts["today"] == everything  # the one implicit me owns every lead
    _pick(qtbot, box, "Everyone")
    assert window.sidebar.counts["today"] == everything
    window.workspace.close()


def test_settings_no_longer_asks_who_you_are(qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_window(qtbot, tmp_path)
    window.show_page("settings")
    settings = window.pages["settings"]
    qtbot.waitUntil(lambda: bool(settings.findChildren(QLabel)))
    assert "my_rep" not in DEFAULTS
    assert not [label for label in settings.findChildren(QLabel) if label.text() == "You are"]
    window.workspace.close()
