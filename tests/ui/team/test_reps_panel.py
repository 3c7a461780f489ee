"""Reps panel: add, edit and remove reps like a user, with validation shown in the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace
from repdesk.services.team.rep_service import RepRow, RepService
from repdesk.ui.team.reps_panel import RepDialog, RepsPanel, RepTableModel


def _save(qtbot: QtBot, dialog: RepDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def test_add_edit_remove(qtbot: QtBot, workspace: Workspace) -> None:
    asked: list[str] = []
    panel = RepsPanel(workspace.services.reps, confirm=lambda _w, q: asked.append(q) or True)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.model.rowCount() == 0 and not panel.edit_button.isEnabled()

    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    dialog = panel.current_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Priya Shah")
    qtbot.keyClicks(dialog.email, "not an email")
    dialog.capacity.setValue(35)
    _save(qtbot, dialog)
    assert (
        dialog.isVisible()
        and dialog.error.isVisible()
        and "not a valid email" in dialog.error.text()
    )
    dialog.email.clear()
    qtbot.keyClicks(dialog.email, "priya@example.com")
    dialog.end.setTime(QTime(8, 0))
    _save(qtbot, dialog)
    assert "end after they start" in dialog.error.text()
    dialog.end.setTime(QTime(16, 30))
    with qtbot.waitSignal(panel.sig_reps_changed):
        _save(qtbot, dialog)
    assert not dialog.isVisible()
    assert panel.model.index(0, 0).data() == "Priya Shah"
    assert panel.model.index(0, 2).data() == "35"
    assert panel.model.index(0, 3).data() == "09:00–16:30"
    assert panel.selected() is not None and panel.edit_button.isEnabled()

    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    edit = panel.current_dialog
    assert edit is not None and edit.name.text() == "Priya Shah"
    edit.capacity.setValue(20)
    qtbot.mouseClick(edit.active, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.sig_reps_changed):
        _save(qtbot, edit)
    assert [(r.monthly_capacity, r.active) for r in RepService(workspace.sessions).list()] == [
        (20, False)
    ]
    assert panel.model.index(0, 4).data() == "no"

    panel.table.selectRow(0)
    with qtbot.waitSignal(panel.sig_reps_changed):
        qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert asked == ["Remove Priya Shah?"]
    assert panel.model.rowCount() == 0


def test_duplicate_names_are_refused_in_the_dialog(qtbot: QtBot, workspace: Workspace) -> None:
    RepService(workspace.sessions).add(RepRow(None, "Sam Ortiz", "", 40, "09:00", "17:00", True))
    panel = RepsPanel(workspace.services.reps, confirm=lambda _w, _q: False)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    dialog = panel.current_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.name, "sam ortiz")
    _save(qtbot, dialog)
    assert "already a rep named" in dialog.error.text()
    dialog.reject()
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)  # the user says no
    assert panel.model.rowCount() == 1


def test_rep_table_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = RepTableModel()
    model.set_rows(
        [
            RepRow(1, "A", "a@example.com", 10, "09:00", "17:00", True, 3),
            RepRow(2, "B", "", 0, "08:00", "12:00", False),
        ]
    )
    qtmodeltester.check(model)
