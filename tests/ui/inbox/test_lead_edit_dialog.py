"""The edit dialog saves what the rep changed and nothing else: a field someone else changed while
the dialog was open is never written over with what the dialog showed."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace, open_workspace
from repdesk.store.sqlite_file import sqlite_path
from repdesk.ui.inbox.lead_edit_dialog import LeadEditDialog


def one_lead(ws: Workspace, tmp_path: Path) -> int:
    path = tmp_path / "one.csv"
    path.write_text("Name,Email,Company\nAna Ruiz,ana@x.example,Ruiz Co\n", encoding="utf-8")
    ws.imports.import_files([path])
    return ws.leads.list_leads()[0].id


def open_dialog(qtbot: QtBot, ws: Workspace, lead_id: int) -> LeadEditDialog:
    dialog = LeadEditDialog(ws.leads, ws.leads.detail(lead_id))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_into(qtbot: QtBot, dialog: LeadEditDialog, field: str, text: str) -> None:
    edit = dialog.findChild(QLineEdit, f"edit_{field}")
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def save(qtbot: QtBot, dialog: LeadEditDialog) -> None:
    button = dialog.findChild(QPushButton, "saveLead")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def edited_fields(ws: Workspace, lead_id: int) -> str:
    path = sqlite_path(ws.url)
    assert path is not None
    with closing(sqlite3.connect(path)) as con:
        (value,) = con.execute(
            "SELECT edited_fields FROM leads WHERE id = ?", (lead_id,)
        ).fetchone()
    return str(value)


def test_a_field_changed_elsewhere_meanwhile_is_not_written_over(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    lead_id = one_lead(workspace, tmp_path)
    dialog = open_dialog(qtbot, workspace, lead_id)
    other = open_workspace(workspace.url)  # another window or program on the same file
    try:
        other.leads.update_lead(lead_id, {"company": "Ruiz Holdings"})
    finally:
        other.close()
    type_into(qtbot, dialog, "company", "Ruiz & Sons")
    save(qtbot, dialog)
    error = dialog.findChild(QLabel, "editError").text()
    assert "changed company to 'Ruiz Holdings'" in error and "nothing was saved" in error
    assert error.endswith(".")  # the refusal, then what to do (the conflict choices)
    assert dialog.isVisible()  # the rep's typing is still there to copy
    assert workspace.leads.detail(lead_id).lead.company == "Ruiz Holdings"


def test_an_untouched_field_keeps_what_someone_else_saved(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    lead_id = one_lead(workspace, tmp_path)
    dialog = open_dialog(qtbot, workspace, lead_id)
    workspace.leads.update_lead(lead_id, {"company": "Ruiz Holdings"})
    type_into(qtbot, dialog, "title", "Owner")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    lead = workspace.leads.detail(lead_id).lead
    assert (lead.company, lead.title) == ("Ruiz Holdings", "Owner")
    assert edited_fields(workspace, lead_id) == '["company","title"]'
