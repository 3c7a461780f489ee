"""The lead's Call and Email buttons hand the desktop a link with only the lead's number or
address in it, escaped: whatever a stored value holds, it cannot add a recipient or a parameter."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, QUrlQuery
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from repdesk.services.common.changes import Changes
from repdesk.store.models import LeadRecord
from tests.ui.inbox.test_inbox_page import UrlRecorder, demo_window


def click(qtbot: QtBot, window: QWidget, label: str) -> None:
    detail = window.findChild(QWidget, "leadDetail")
    button = next(b for b in detail.findChildren(QPushButton) if b.text() == label)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_links_carry_only_the_leads_own_address_and_number(qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_window(qtbot, tmp_path)
    table = window.findChild(QTableView, "leadTable")
    lead = table.model().lead_at(0)
    # Values an older repdesk stored as they came from a file.
    hostile_email, hostile_phone = "a?cc=boss@corp.example", "+1 555 0100;ext=2?x=1&y"
    with window.workspace.sessions.begin() as session:
        session.execute(
            update(LeadRecord)
            .where(LeadRecord.id == lead.id)
            .values(email=hostile_email, phone=hostile_phone)
        )
    window.apply_changes(Changes(leads=True))
    panel = window.findChild(QWidget, "leadDetail")
    model = table.model()
    qtbot.waitUntil(
        lambda: any(model.lead_at(r).email == hostile_email for r in range(model.rowCount())),
        timeout=5000,
    )
    table.selectRow(next(r for r in range(model.rowCount()) if model.lead_at(r).id == lead.id))
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.lead.email == hostile_email)
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("mailto", recorder, "open")
    QDesktopServices.setUrlHandler("tel", recorder, "open")
    try:
        click(qtbot, window, "Email")
        click(qtbot, window, "Call")
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
        QDesktopServices.unsetUrlHandler("tel")
    mail, tel = (QUrl(u) for u in recorder.urls)
    assert QUrl.fromPercentEncoding(mail.path().encode()) == hostile_email  # one recipient
    assert [k for k, _ in QUrlQuery(mail).queryItems()] == ["subject"]  # no cc, no bcc
    assert tel.scheme() == "tel" and not tel.hasQuery()
    assert QUrl.fromPercentEncoding(tel.path().encode()) == hostile_phone
