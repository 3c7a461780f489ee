"""The call-script panel driven only by the keyboard: qualify a lead, end the call, resume a
draft."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from repdesk.app import open_workspace
from repdesk.store.locations import resolve_url
from repdesk.store.models import FollowUpRecord, LeadRecord, RepRecord
from repdesk.ui import build_main_window


def make_db(tmp_path: Path) -> tuple[str, int]:
    """A workspace with two reps and one new website lead."""
    url = resolve_url(str(tmp_path / "panel.sqlite3"))
    ws = open_workspace(url)
    now = ws.clock()
    with ws.sessions.begin() as session:
        session.add_all(
            [
                RepRecord(name="Priya Shah", monthly_capacity=5),
                RepRecord(name="Sam Ortiz", monthly_capacity=3),
            ]
        )
        lead = LeadRecord(
            first_name="Ava",
            last_name="Thompson",
            company="Thompson Bakery",
            email="ava@bakery.example",
            phone="+15550100001",
            product="website",
            status="new",
            received_at=now,
            created_at=now,
            updated_at=now,
            extra={},
            edited_fields=[],
        )
        session.add(lead)
        session.flush()
        lead_id = lead.id
    ws.followups.ensure_all()
    ws.close()
    return url, lead_id


def open_window(qtbot: QtBot, url: str) -> QWidget:
    window = build_main_window(url)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    table = window.findChild(QTableView, "leadTable")
    table.selectRow(0)
    table.setFocus()
    return window


def start_script(qtbot: QtBot, window: QWidget) -> QWidget:
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    panel = window.findChild(QWidget, "scriptPanel")
    qtbot.waitUntil(lambda: panel.isVisible())
    return panel


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot: QtBot, key: Qt.Key) -> None:
    qtbot.keyClick(focused(), key)


def type_answer(qtbot: QtBot, text: str) -> None:
    edit = focused()
    assert isinstance(edit, QLineEdit), f"a typed question must focus its answer field, not {edit}"
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def question(window: QWidget) -> str:
    return window.findChild(QLabel, "scriptQuestion").text()


def test_qualify_by_keyboard_hands_the_lead_to_a_rep(qtbot: QtBot, tmp_path: Path) -> None:
    url, lead_id = make_db(tmp_path)
    window = open_window(qtbot, url)
    start_script(qtbot, window)
    assert question(window).startswith("Is there a real problem to solve?")
    assert window.findChild(QLabel, "talkTrack").text()
    press(qtbot, Qt.Key.Key_Y)  # need: yes
    type_answer(qtbot, "Phones show a broken page")  # challenge
    assert question(window).startswith("How do they handle it today?")
    press(qtbot, Qt.Key.Key_Return)  # optional, skipped
    press(qtbot, Qt.Key.Key_1)  # timeline: this month
    press(qtbot, Qt.Key.Key_1)  # authority: decides
    press(qtbot, Qt.Key.Key_1)  # budget: approved
    assert question(window).startswith("Roughly how much is the budget?")
    type_answer(qtbot, "lots")  # invalid: stays, shows why
    assert question(window).startswith("Roughly how much is the budget?")
    error = window.findChild(QLabel, "scriptError")
    assert error.isVisible() and "amount" in error.text()
    focused().clear()
    type_answer(qtbot, "$12k")
    type_answer(qtbot, "8")  # team size
    type_answer(qtbot, "Mornings")  # best time
    assert question(window).startswith("What should the new website do for them?")
    press(qtbot, Qt.Key.Key_1)  # site goal: leads
    press(qtbot, Qt.Key.Key_Y)  # has a site
    type_answer(qtbot, "12")  # pages
    assert "Qualified" in window.findChild(QLabel, "verdictLabel").text()
    press(qtbot, Qt.Key.Key_Escape)  # end the call
    press(qtbot, Qt.Key.Key_1)  # connected
    verdict = window.findChild(QLabel, "verdictLabel").text()
    assert verdict.startswith("Qualified") and "so far" not in verdict
    assert "Handed to" in window.findChild(QLabel, "scriptNextSteps").text()
    ws = window.workspace
    with ws.sessions() as session:
        lead = session.get(LeadRecord, lead_id)
        assert (
            lead.status == "qualified" and lead.owner_id is not None and lead.verdict == "qualified"
        )
        steps = list(
            session.scalars(
                select(FollowUpRecord).where(
                    FollowUpRecord.lead_id == lead_id, FollowUpRecord.status == "pending"
                )
            )
        )
    assert len(steps) == 1 and steps[0].cadence == "qualified"
    calls = [a for a in ws.leads.detail(lead_id).activities if a.kind == "call"]
    assert calls and calls[0].outcome == "connected" and calls[0].duration_seconds is not None
    press(qtbot, Qt.Key.Key_Return)  # close the panel
    assert not window.findChild(QWidget, "scriptPanel").isVisible()


def test_escape_logs_the_call_outcome_with_its_duration(qtbot: QtBot, tmp_path: Path) -> None:
    url, lead_id = make_db(tmp_path)
    window = open_window(qtbot, url)
    start_script(qtbot, window)
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_2)  # voicemail
    calls = [a for a in window.workspace.leads.detail(lead_id).activities if a.kind == "call"]
    assert len(calls) == 1 and calls[0].outcome == "voicemail" and calls[0].duration_seconds >= 1
    assert "draft" in window.findChild(QLabel, "scriptNextSteps").text()
    assert window.workspace.leads.detail(lead_id).lead.verdict is None


def test_draft_survives_closing_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    url, _lead_id = make_db(tmp_path)
    window = open_window(qtbot, url)
    start_script(qtbot, window)
    press(qtbot, Qt.Key.Key_Y)
    type_answer(qtbot, "Bookings get lost")
    assert question(window).startswith("How do they handle it today?")
    window.close()
    again = open_window(qtbot, url)
    start_script(qtbot, again)
    assert question(again).startswith("How do they handle it today?")
    answers = again.findChild(QWidget, "scriptAnswers")
    assert answers.count() == 2 and "Bookings get lost" in answers.item(1).text()
    assert isinstance(focused(), QLineEdit)


def test_a_form_answer_is_confirmed_with_enter_and_changed_with_a_key(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url, lead_id = make_db(tmp_path)
    ws = open_workspace(url)
    ws.form_answers.arrive(
        lead_id,
        {
            "need": "yes",
            "challenge": "Bookings get lost",
            "timeline": "This month",
            "budget_amount": "12,500",
        },
    )
    ws.close()
    window = open_window(qtbot, url)
    start_script(qtbot, window)
    wrote = window.findChild(QLabel, "scriptFormAnswer")
    assert question(window).startswith("Is there a real problem to solve?")
    assert wrote.isVisible() and wrote.text() == "They wrote: Yes"
    hints = [label.text() for label in window.findChildren(QLabel, "muted")]
    assert any(h.startswith("Enter  confirm what they wrote   ·   Y / N  change") for h in hints)
    press(qtbot, Qt.Key.Key_Return)  # need: confirmed
    assert question(window).startswith("What is the challenge")
    assert wrote.text() == "They wrote: Bookings get lost"
    assert focused().text() == "Bookings get lost"  # pre-filled: Enter confirms it
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return)  # current solution: optional, not on the form, skipped
    assert question(window).startswith("When do they want this solved?")
    assert wrote.text() == "They wrote: This month"
    press(qtbot, Qt.Key.Key_2)  # changed on the call: in 1 to 3 months
    assert question(window).startswith("What is their role in the decision?")
    assert not wrote.isVisible()  # they did not answer this one on the form
    panel = window.findChild(QWidget, "scriptPanel")
    assert panel.answers["need"] is True and panel.answers["challenge"] == "Bookings get lost"
    assert panel.answers["timeline"] == "1_3_months"
    run = window.workspace.qualifications.start_or_resume(lead_id)
    assert run.answers["timeline"] == "1_3_months"  # the draft autosaved the call's answers
    assert run.form_answers["timeline"] == "this_month"  # the form's stay as they were
