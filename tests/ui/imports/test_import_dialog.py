"""The Import dialog previews before writing, imports off the GUI thread, and Cancel loses
nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window
from repdesk.ui.imports.import_dialog import ImportDialog

SAMPLES = Path(__file__).resolve().parents[2] / "formats" / "data"


def test_preview_then_import_updates_the_inbox(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    dialog = window.file_actions.import_files([SAMPLES / "hubspot_contacts.csv"])
    preview = dialog.findChild(QTableWidget, "importPreview")
    assert preview.rowCount() == 3
    assert preview.item(0, 2).text() == "dana@whitfieldhvac.example"
    assert "HubSpot" in dialog.findChild(QLabel, "importDetected").text()
    assert window.workspace.leads.count() == 0  # nothing written by the preview
    with qtbot.waitSignal(dialog.sig_import_finished, timeout=20_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "importButton"), Qt.MouseButton.LeftButton)
    assert window.workspace.leads.count() == 3
    table = window.findChild(QTableView, "leadTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 3)
    assert "Added 3 leads" in dialog.findChild(QLabel, "importMessage").text()


def test_changing_the_mapping_changes_the_preview(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Full,Mail,Firm\nAna Ruiz,ana@x.example,Ruiz Co\n", encoding="utf-8")
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    dialog = window.file_actions.import_files([path])
    mapping = dialog.findChild(QTableWidget, "importMapping")
    rows = {mapping.item(r, 0).text(): r for r in range(mapping.rowCount())}
    firm = mapping.cellWidget(rows["Firm"], 1)
    assert isinstance(firm, QComboBox)
    firm.setCurrentIndex(firm.findData("company"))
    preview = dialog.findChild(QTableWidget, "importPreview")
    assert preview.item(0, 4).text() == "Ruiz Co"


def test_cancel_during_a_big_import_leaves_the_database_as_it_was(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    path.write_text(
        "Email,Name\n" + "".join(f"p{i}@x.example,P {i}\n" for i in range(40_000)), encoding="utf-8"
    )
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    dialog: ImportDialog = window.file_actions.import_files([path])
    qtbot.mouseClick(dialog.findChild(QPushButton, "importButton"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.findChild(QPushButton, "importCancel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
    assert "cancelled" in dialog.findChild(QLabel, "importMessage").text().lower()
    assert window.workspace.leads.count() == 0


def test_a_file_that_is_not_leads_says_so_and_cannot_be_imported(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    dialog = window.file_actions.import_files([path])
    assert not dialog.findChild(QPushButton, "importButton").isEnabled()
    assert "image.csv" in dialog.findChild(QLabel, "importMessage").text()


def test_dropping_files_on_the_window_opens_the_import(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLES / "webform_submissions.csv"))])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()  # the window takes lead files
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    dialog = window.file_actions.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.findChild(QTableWidget, "importPreview").rowCount() == 3


def test_the_preview_says_what_the_import_will_do_and_asks_inquiries_or_contacts(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    dialog = window.file_actions.import_files([SAMPLES / "hubspot_contacts_companies.csv"])
    kind = dialog.findChild(QComboBox, "importKind")
    assert kind.currentData() == "contacts"  # a CRM export: known contacts
    counts = dialog.findChild(QLabel, "importCounts")
    qtbot.waitUntil(lambda: "rows:" in counts.text(), timeout=20_000)
    assert counts.text().startswith("7 rows: 7 new, 0 already known (merged), 1 possible")
    form = window.file_actions.import_files([SAMPLES / "webform_submissions.csv"])
    assert form.findChild(QComboBox, "importKind").currentData() == "inquiries"
    form.reject()
    kind.setCurrentIndex(kind.findData("inquiries"))
    kind.activated.emit(kind.currentIndex())
    with qtbot.waitSignal(dialog.sig_import_finished, timeout=20_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "importButton"), Qt.MouseButton.LeftButton)
    assert not any(lead.is_contact for lead in window.workspace.leads.list_leads())
    review = dialog.findChild(QPushButton, "importReviewDuplicates")
    assert review.isVisible()


@pytest.mark.parametrize("how", ["escape", "close button"])
def test_esc_or_closing_the_window_during_an_import_cancels_it(
    qtbot: QtBot, tmp_path: Path, how: str
) -> None:
    path = tmp_path / "big.csv"
    path.write_text(
        "Email,Name\n" + "".join(f"p{i}@x.example,P {i}\n" for i in range(60_000)),
        encoding="utf-8",
    )
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    dialog: ImportDialog = window.file_actions.import_files([path])
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.findChild(QPushButton, "importButton"), Qt.MouseButton.LeftButton)
    assert dialog.worker is not None
    if how == "escape":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    else:
        dialog.close()
    assert dialog.isVisible()  # it stays to say what happened
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=60_000)
    assert "cancelled" in dialog.findChild(QLabel, "importMessage").text().lower()
    assert window.workspace.leads.count() == 0
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # no import running: Esc closes
    assert not dialog.isVisible()


def test_possible_duplicates_are_merged_kept_apart_and_undone(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    ws = window.workspace
    ws.imports.import_files([SAMPLES / "hubspot_contacts_companies.csv"])
    from repdesk.ui.imports.duplicates_dialog import DuplicatesDialog

    dialog = DuplicatesDialog(ws.services.duplicates, window)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.findChild(QTableWidget, "duplicatesTable")
    assert table.rowCount() == 1
    first, second = table.item(0, 1).text(), table.item(0, 2).text()
    assert first.startswith("Hannah Okoro · Northwind Logistics\n")
    assert second.startswith("Felix Brandt · Northwind Logistics\n")
    assert table.item(0, 0).text() == "same phone +12125550100"
    qtbot.mouseClick(dialog.findChild(QPushButton, "duplicatesMerge"), Qt.MouseButton.LeftButton)
    assert ws.leads.count() == 6 and table.rowCount() == 0
    assert "Merged" in dialog.findChild(QLabel, "duplicatesMessage").text()
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    message = dialog.findChild(QLabel, "duplicatesMessage").text()
    assert ws.leads.count() == 7 and table.rowCount() == 1, message
    qtbot.mouseClick(dialog.findChild(QPushButton, "duplicatesApart"), Qt.MouseButton.LeftButton)
    assert table.rowCount() == 0 and ws.leads.count() == 7
    ws.imports.import_files([SAMPLES / "hubspot_contacts_companies.csv"])
    dialog.refresh()
    assert table.rowCount() == 0  # kept apart stays decided


def _downloads(folder: Path) -> Path:
    """A downloads folder: a file whose quote never closes first, two lead files, a picture."""
    folder.mkdir()
    (folder / "a_broken.csv").write_text(
        'Name,Email,Company\nAmy Cole,amy@cole.example,"Cole Co\nBo Dunn,bo@dunn.example,Dunn\n',
        encoding="utf-8",
    )
    shutil.copy(SAMPLES / "hubspot_contacts_companies.csv", folder)
    shutil.copy(SAMPLES / "linkedin_connections.csv", folder)
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    return folder


def test_a_dropped_folder_imports_every_readable_file_and_lists_the_others(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = _downloads(tmp_path / "Downloads")
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()  # a folder is taken too: its files are the import
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    dialog = window.file_actions.dialog
    assert dialog is not None
    files = dialog.findChild(QListWidget, "importFiles")
    names = [Path(files.item(r).text()).name for r in range(files.count())]
    assert names == [
        "a_broken.csv",
        "hubspot_contacts_companies.csv",
        "linkedin_connections.csv",
        "photo.png",
    ]
    # The broken first file does not stop the others: the first readable one is previewed.
    button = dialog.findChild(QPushButton, "importButton")
    assert button.isEnabled()
    assert dialog.findChild(QTableWidget, "importPreview").rowCount() == 7
    assert "hubspot_contacts_companies.csv" in dialog.findChild(QLabel, "importDetected").text()
    counts = dialog.findChild(QLabel, "importCounts")
    qtbot.waitUntil(lambda: "rows:" in counts.text(), timeout=20_000)
    assert "a_broken.csv line 2" in counts.text() and "photo.png" in counts.text()
    with qtbot.waitSignal(dialog.sig_import_finished, timeout=20_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.workspace.leads.count() == 11  # 7 HubSpot people, 4 LinkedIn connections
    message = dialog.findChild(QLabel, "importMessage").text()
    assert "Not imported: a_broken.csv line 2" in message and "photo.png is a PNG" in message
    # Picking a refused file in the list shows why, and the others still import.
    window.workspace.imports.undo_import(window.workspace.imports.last_import().id)
    again = window.file_actions.import_files([folder])
    again.findChild(QListWidget, "importFiles").setCurrentRow(0)
    assert "never closes" in again.findChild(QLabel, "importMessage").text()
    assert again.findChild(QPushButton, "importButton").isEnabled()
    again.findChild(QListWidget, "importFiles").setCurrentRow(2)
    assert again.findChild(QTableWidget, "importPreview").rowCount() == 4


def test_undo_last_import_while_one_of_its_leads_is_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lead shown goes with the import: the detail empties, nothing raises."""
    from PySide6.QtWidgets import QMessageBox, QWidget

    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    dialog = window.file_actions.import_files([SAMPLES / "hubspot_contacts.csv"])
    with qtbot.waitSignal(dialog.sig_import_finished, timeout=20_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "importButton"), Qt.MouseButton.LeftButton)
    dialog.accept()
    table = window.findChild(QTableView, "leadTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 3)
    table.selectRow(0)
    detail = window.findChild(QWidget, "leadDetail")
    assert detail.lead_id == table.model().lead_at(0).id
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    window.file_actions.undo_import()
    qtbot.waitUntil(lambda: table.model().rowCount() == 0)
    assert detail.detail is None and detail.currentIndex() == 0


def test_the_preview_shows_phones_as_the_workspace_reads_them(qtbot: QtBot, tmp_path: Path) -> None:
    """National form for the workspace's region, international otherwise, the extension kept;
    a number that cannot be read shows as written, never blank."""
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    export = tmp_path / "web-form.csv"
    export.write_text(
        "First Name,Last Name,Email,Phone,Company\n"
        "Anika,Berg,anika@bergteahouse.example,(614) 555-0120,Berg Teahouse\n"
        "Tom,Reyes,tom@reyesplumbing.example,614.555.0199 x12,Reyes Plumbing\n"
        "Ola,Nordmann,ola@fjord.example,+44 20 7946 0958,Fjord Design\n"
        "Li,Wei,li.wei@example.com,555-01,Wei Bakery\n",
        encoding="utf-8",
    )
    dialog = window.file_actions.import_files([export])
    preview = dialog.findChild(QTableWidget, "importPreview")
    assert preview.rowCount() == 4
    phones = [preview.item(row, 3).text() for row in range(4)]
    assert phones == ["(614) 555-0120", "(614) 555-0199 x12", "+44 20 7946 0958", "555-01"]
    dialog.reject()
