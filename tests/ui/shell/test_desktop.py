"""Desktop behaviour: a second launch reaches the first, links select leads, files open the
import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from repdesk.ui import build_main_window
from repdesk.ui.shell.desktop import app_icon
from repdesk.ui.shell.desktop_arguments import (
    contact_value,
    find_lead,
    handle_arguments,
    parse_arguments,
)
from repdesk.ui.shell.single_instance import InstanceServer, send_to_running, server_name


def test_arguments_are_sorted_into_files_and_links(tmp_path: Path) -> None:
    csv = tmp_path / "leads.CSV"
    csv.write_text("email\na@example.com\n")
    vcf = tmp_path / "card.vcf"
    vcf.write_text("BEGIN:VCARD\nEND:VCARD\n")
    parsed = parse_arguments(
        [
            str(csv),
            vcf.as_uri(),
            "tel:+1-555-0100",
            "mailto:a@b.example?subject=x",
            str(tmp_path / "missing.csv"),
            "notes.txt",
        ]
    )
    assert parsed.files == [csv, vcf]
    assert parsed.contacts == ["tel:+1-555-0100", "mailto:a@b.example?subject=x"]
    assert parsed.ignored == [str(tmp_path / "missing.csv"), "notes.txt"]
    assert contact_value("mailto:a@b.example?subject=x") == ("email", "a@b.example")
    assert contact_value("tel:+1%20555%200100;ext=2") == ("phone", "+1 555 0100")


def test_a_second_launch_hands_its_arguments_to_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(f"sqlite:///{tmp_path}/x.sqlite3")
    assert name != server_name(f"sqlite:///{tmp_path}/y.sqlite3")
    assert not send_to_running(name, ["nobody.csv"])  # nobody listens yet: the caller starts
    server = InstanceServer(name)
    assert server.is_listening()
    try:
        with qtbot.waitSignal(server.sig_arguments_received, timeout=3000) as blocker:
            assert send_to_running(name, ["tel:+15550100", "leads.csv"])
        assert blocker.args[0] == ["tel:+15550100", str(Path("leads.csv").resolve())]
    finally:
        server.close()


def test_links_select_the_matching_lead(qtbot: QtBot, demo_db: Path) -> None:
    window = build_main_window(str(demo_db))
    qtbot.addWidget(window)
    window.show()
    leads = window.workspace.leads.list_leads(limit=500)
    target = next(lead for lead in reversed(leads) if lead.email and lead.phone)
    assert find_lead(window, f"mailto:{target.email.upper()}") == target.id
    assert find_lead(window, f"tel:{target.phone}") == target.id
    assert find_lead(window, "mailto:nobody-at-all@nowhere.example") is None
    handle_arguments(window, [f"tel:{target.phone}"])

    def selected_lead() -> int | None:
        page = window.pages[window.current_page_key()]
        table = page.findChild(QTableView)
        rows = table.selectionModel().selectedRows() if table is not None else []
        lead = table.model().lead_at(rows[0].row()) if rows else None
        return lead.id if lead is not None else None

    qtbot.waitUntil(lambda: selected_lead() == target.id)
    assert window.pages[window.current_page_key()].detail.lead_id == target.id
    handle_arguments(window, ["mailto:nobody-at-all@nowhere.example"])
    assert "No lead has" in window.statusBar().currentMessage()


def test_lead_files_open_the_import(qtbot: QtBot, tmp_path: Path, demo_db: Path) -> None:
    window = build_main_window(str(tmp_path / "w.sqlite3"))
    qtbot.addWidget(window)
    csv = tmp_path / "leads.csv"
    csv.write_text("First name,Last name,Email\nDana,Reyes,dana@example.com\n")
    handle_arguments(window, [str(csv)])
    dialog = window.file_actions.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.isVisible()


def test_the_app_icon_has_every_size() -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 48, 64, 128, 256, 512} <= sizes
