"""Today's "whose steps" choice on a solo file: the one implicit "me" owns every lead, so the
default Mine + Unassigned lists every step (as before), Unassigned only nobody's, and Settings no
longer asks who "you" are (team mode: tests/ui/team/test_owner_scope.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

from repdesk.services.settings.setting_defaults import DEFAULTS
from repdesk.ui.followups.today_page import TodayPage
from tests.ui.followups.test_today_page import demo_window

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


def test_settings_no_longer_asks_who_you_are(qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_window(qtbot, tmp_path)
    window.show_page("settings")
    settings = window.pages["settings"]
    qtbot.waitUntil(lambda: bool(settings.findChildren(QLabel)))
    assert "my_rep" not in DEFAULTS
    assert not [label for label in settings.findChildren(QLabel) if label.text() == "You are"]
    window.workspace.close()
