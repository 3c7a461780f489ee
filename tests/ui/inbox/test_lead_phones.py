"""The lead detail shows every number an import kept, with its kind and extension, and Call dials
the extension too (RFC 3966 `;ext=`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window
from tests.ui.inbox.test_inbox_page import UrlRecorder

DATA = Path(__file__).resolve().parents[2] / "formats" / "data"


def test_every_number_is_shown_with_its_kind_and_call_dials_the_extension(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    ws = window.workspace
    ws.imports.import_files([DATA / "nextcloud.vcf", DATA / "outlook_com.csv"])
    (daniel,) = ws.leads.list_leads(search="Kowalski")
    (mei,) = ws.leads.list_leads(search="Mei")
    detail = window.findChild(QWidget, "leadDetail")
    detail.show_lead(daniel.id)
    phone = detail.findChild(QLabel, "detailPhone")
    others = detail.findChild(QLabel, "detailOtherPhones")
    assert phone.text() == "+12125550170 ext. 102"
    assert others.text() == "mobile +16465550171"
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("tel", recorder, "open")
    try:
        call = next(b for b in detail.findChildren(QPushButton) if b.text() == "Call")
        qtbot.mouseClick(call, Qt.MouseButton.LeftButton)
        assert recorder.urls == ["tel:+12125550170;ext=102"]
    finally:
        QDesktopServices.unsetUrlHandler("tel")
    assert ws.leads.detail(daniel.id).activities[0].body == "Called +12125550170 ext. 102"
    # Numbers that are no valid number are shown as written, and said to be so.
    detail.show_lead(mei.id)
    assert phone.text() == "—"
    assert others.text() == (
        "mobile +1 555 010 5001 (as written, not valid)\n"
        "work (555) 010-5002 (as written, not valid)"
    )
    assert ws.leads.detail(mei.id).to_json()["phones"] == [
        {"number": "+1 555 010 5001", "kind": "mobile", "valid": False},
        {"number": "(555) 010-5002", "kind": "work", "valid": False},
    ]
