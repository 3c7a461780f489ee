"""Only true events: a call or email is logged (and the first response set) only when the system
app really opened and the rep says what happened; otherwise the database stays exactly as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from repdesk.core.phone_display import display_phone
from tests.ui.helpers import (
    closed,
    copy_demo,
    ctrl,
    database_rows,
    key,
    modal,
    open_window,
    url_handler,
)

SHIFT_CTRL = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier


def _first_waiting(qtbot: QtBot, demo_db: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = copy_demo(demo_db, tmp_path)
    window = open_window(qtbot, path)
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    table.setFocus()
    lead = table.model().lead_at(0)
    assert lead.first_response_at is None and lead.phone and lead.email
    return path, window, lead


def test_without_a_phone_app_the_number_is_shown_to_copy_and_nothing_is_logged(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    path, window, lead = _first_waiting(qtbot, demo_db, tmp_path)
    before = database_rows(path)
    key(window, Qt.Key.Key_C, SHIFT_CTRL)  # no tel: handler on this (offscreen) desktop
    dialog = modal(qtbot, "copyContactDialog")
    shown = display_phone(lead.phone, "US")  # as the rep dials it: "(555) 010-1074"
    assert dialog.findChild(QLineEdit, "contactValue").text() == shown
    key(dialog, Qt.Key.Key_Return)  # Copy
    assert QApplication.clipboard().text() == shown
    assert database_rows(path) == before


def test_without_a_mail_app_the_address_is_shown_and_nothing_is_logged(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    path, window, lead = _first_waiting(qtbot, demo_db, tmp_path)
    before = database_rows(path)
    key(window, Qt.Key.Key_M, SHIFT_CTRL)
    dialog = modal(qtbot, "copyContactDialog")
    assert dialog.findChild(QLineEdit, "contactValue").text() == lead.email
    key(dialog, Qt.Key.Key_Escape)
    assert database_rows(path) == before


def test_escape_on_did_you_reach_them_logs_nothing(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    path, window, lead = _first_waiting(qtbot, demo_db, tmp_path)
    before = database_rows(path)
    with url_handler("tel") as phone:
        key(window, Qt.Key.Key_C, SHIFT_CTRL)
        dialog = modal(qtbot, "callOutcomeDialog")
        key(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: closed(dialog))
    assert phone.urls == [f"tel:{lead.phone}"]
    assert database_rows(path) == before


def test_a_sent_email_is_logged_and_sets_the_first_response(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    _path, window, lead = _first_waiting(qtbot, demo_db, tmp_path)
    with url_handler("mailto") as mail:
        key(window, Qt.Key.Key_M, SHIFT_CTRL)
        dialog = modal(qtbot, "emailSentDialog")
        key(dialog, Qt.Key.Key_Return)  # Sent — log it
    assert mail.urls and mail.urls[0].startswith(f"mailto:{lead.email}")
    after = window.workspace.leads.detail(lead.id)
    assert after.activities[0].kind == "email" and after.lead.first_response_at is not None


def test_discard_after_a_mistaken_ctrl_k_leaves_no_trace(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    path, window, lead = _first_waiting(qtbot, demo_db, tmp_path)
    before = database_rows(path)
    ctrl(window, Qt.Key.Key_K)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(panel.isVisible)
    key(window, Qt.Key.Key_Y)  # an answer: autosaved as a draft
    assert database_rows(path) != before
    key(window, Qt.Key.Key_Escape)  # end the call …
    key(window, Qt.Key.Key_D)  # … Discard — no call happened
    qtbot.waitUntil(lambda: not panel.isVisible())
    assert database_rows(path) == before
    assert window.pages["inbox"].detail.lead_id == lead.id  # still on the same lead


def test_an_email_the_rep_did_not_send_is_not_logged(
    qtbot: QtBot, demo_db: Path, tmp_path: Path
) -> None:
    # No outgoing account: the Email action opens the mail app, and only "Sent" logs it.
    path, window, lead = _first_waiting(qtbot, demo_db, tmp_path)
    before = database_rows(path)
    with url_handler("mailto") as mail:
        key(window, Qt.Key.Key_M, SHIFT_CTRL)
        dialog = modal(qtbot, "emailSentDialog")
        key(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: closed(dialog))
    assert mail.urls and mail.urls[0].startswith(f"mailto:{lead.email}")
    assert database_rows(path) == before
