"""The inbox shows a waiting lead's provisional verdict from its form: 'Form: qualified · this
month', in the Status column and on the lead's detail."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot

from repdesk.app import Workspace
from repdesk.core.inbox import InboxFilter
from repdesk.services.inbox.inbox_service import InboxService
from repdesk.ui import build_main_window
from repdesk.ui.inbox.lead_table_model import LeadTableModel
from tests.services.inbox.test_form_first import add
from tests.services.script.test_form_answers import FORM_FIELDS


def test_the_status_column_says_what_the_form_said(workspace: Workspace, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    lead_id = add(workspace, "Cai", 30)
    add(workspace, "Ann", 60)
    workspace.form_answers.arrive(lead_id, FORM_FIELDS)
    now = workspace.clock()
    model = LeadTableModel(workspace.clock, lambda: 5)
    snapshot = InboxService(workspace.sessions, workspace.clock).snapshot(
        InboxFilter(), workspace.end_of_today(now), now - timedelta(minutes=5)
    )
    model.set_snapshot(snapshot)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "Cai"  # late and qualified by its form: first
    assert model.data(model.index(0, 3)) == "Form: qualified · this month"
    assert "until the call confirms" in model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, 3)) == "new"


def test_the_window_lists_the_form_qualified_lead_first(qtbot: QtBot, workspace: Workspace) -> None:
    lead_id = add(workspace, "Cai", 30)
    add(workspace, "Ann", 60)
    workspace.form_answers.arrive(lead_id, FORM_FIELDS)
    window = build_main_window(workspace.url)
    qtbot.addWidget(window)
    window.show()
    table = window.findChild(QTableView, "leadTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 2)
    assert table.model().index(0, 3).data() == "Form: qualified · this month"
    table.selectRow(0)
    labels = [label.text() for label in window.findChildren(QLabel)]
    qtbot.waitUntil(
        lambda: any(
            "Form: qualified · this month" in t
            for t in [label.text() for label in window.findChildren(QLabel)]
        )
    )
    del labels


def test_a_form_that_matches_nothing_is_offered_for_mapping_on_its_lead(
    qtbot: QtBot, workspace: Workspace
) -> None:
    from PySide6.QtWidgets import QPushButton

    from repdesk.formats.form_email import parse_form_email
    from repdesk.ui.script.form_mapping_dialog import FormMappingDialog
    from tests.services.script.test_form_arrivals import mail

    body = (
        "--- Name ---\n\nIda Berg\n\n--- Email ---\n\nida@berg.test\n\n--- Kick-off ---\n\n"
        "This month\n\n---\nSent from WPForms\n"
    )
    raw = mail(body, sender="Site <noreply@berg.test>", subject="New Entry")
    workspace.imports.import_parsed([parse_form_email(raw).lead], "mailbox")
    window = build_main_window(workspace.url)
    qtbot.addWidget(window)
    window.show()
    table = window.findChild(QTableView, "leadTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 1)
    table.selectRow(0)
    detail = window.pages["inbox"].detail  # type: ignore[attr-defined]
    bar = detail.offer_bar
    qtbot.waitUntil(bar.isVisible)
    offer = window.workspace.form_mappings.offers()[0]
    questions = [q for s in window.workspace.scripts.current_bundle().sets for q in s.questions]
    dialog = FormMappingDialog(offer, questions)
    qtbot.addWidget(dialog)
    box = dialog.choices["Kick-off"]
    box.setCurrentIndex(box.findData("timeline"))
    assert dialog.mapping() == {"Kick-off": "timeline"}
    window.workspace.form_mappings.map_form(offer.id, dialog.mapping())
    lead_id = table.model().index(0, 0).data(Qt.ItemDataRole.UserRole)
    got = window.workspace.form_answers.latest(lead_id)
    assert got is not None and got.answers == {"timeline": "this_month"}
    detail.refresh()
    assert not bar.isVisible()  # mapped: offered once
    assert bar.findChild(QPushButton, "dismissFormOffer") is not None
