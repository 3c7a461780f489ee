"""The Import dialog previews before writing, imports off the GUI thread, and Cancel loses
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton, QTableView, QTableWidget
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
