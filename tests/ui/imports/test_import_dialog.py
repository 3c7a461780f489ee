"""The Import dialog previews before writing, imports off the GUI thread, and Cancel loses
nothing."""

from __future__ import annotations

from pathlib import Path

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
