"""The Scripts page: edit a question, save a new version, refuse to save a broken rule."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QPlainTextEdit
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window


def test_edit_save_and_refuse_broken_rules(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "s.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    window.show_page("scripts")
    questions = window.findChild(QListWidget, "scriptQuestionList")
    assert questions.count() == 10
    questions.setCurrentRow(8)  # team_size
    prompt = window.findChild(QLineEdit, "questionPrompt")
    prompt.setFocus()
    prompt.selectAll()
    qtbot.keyClicks(prompt, "How big is the team?")
    assert "How big is the team?" in questions.item(8).text()
    qtbot.keyClick(
        questions, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier
    )  # reorder with the keyboard
    assert questions.currentRow() == 7 and "How big is the team?" in questions.item(7).text()
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    status = window.findChild(QLabel, "scriptsStatus")
    assert "core v2" in status.text()
    scripts = window.workspace.scripts
    core = scripts.current_bundle().sets[0]
    assert [q.key for q in core.questions][7:9] == ["team_size", "budget_amount"]
    assert core.question("team_size").prompt == "How big is the team?"
    rules = window.findChild(QPlainTextEdit, "scriptRules")
    rules.setPlainText("qualified when need = maybe\ndefault nurture")
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert status.text().startswith("Nothing was saved") and "maybe" in status.text()
    assert (
        scripts.versions("core") == [1, 2]
        and scripts.current_bundle().rules.rules[0].verdict.value == "qualified"
    )
    assert len(scripts.current_bundle().rules.rules) == 2  # unchanged


def test_the_form_wording_is_edited_and_saved(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "f.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    window.show_page("scripts")
    questions = window.findChild(QListWidget, "scriptQuestionList")
    questions.setCurrentRow(9)  # best_time: not on forms
    form_prompt = window.findChild(QLineEdit, "questionFormPrompt")
    assert form_prompt.text() == ""
    form_prompt.setFocus()
    qtbot.keyClicks(form_prompt, "When can we call you?")
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    core = window.workspace.scripts.current_bundle().sets[0]
    best_time = core.question("best_time")
    assert best_time is not None and best_time.form_prompt == "When can we call you?"
    assert best_time.prompt == "When is the best time to reach them?"
    questions.setCurrentRow(3)  # timeline keeps its own form wording
    assert form_prompt.text() == "When are you looking to start?"
