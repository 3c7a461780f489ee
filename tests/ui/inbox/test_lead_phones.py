"""The lead detail shows every number an import kept, with its kind and extension; numbers that are
no valid number are shown as written, and said to be so."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window

DATA = Path(__file__).resolve().parents[2] / "formats" / "data"


def test_every_number_is_shown_with_its_kind_and_extension(qtbot: QtBot, tmp_path: Path) -> None:
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
    assert phone.text() == "(212) 555-0170 x102"
    assert others.text() == "mobile (646) 555-0171"
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
