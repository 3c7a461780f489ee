"""The Reports page on the demo: tiles agree with the CLI, every chart has data, exports work."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from repdesk.cli import main
from repdesk.ui import build_main_window
from repdesk.ui.reports.report_table_model import ReportTableModel
from repdesk.ui.reports.reports_page import ReportsPage, minutes_text, percent


@pytest.fixture
def demo_window(qtbot: QtBot, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "demo.sqlite3")
    assert main(["--db", db, "--demo", "leads", "--json"]) == 0
    window = build_main_window(db)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    page: ReportsPage = window.pages["reports"]  # type: ignore[assignment]
    with qtbot.waitSignal(page.sig_report_loaded, timeout=20_000):
        window.show_page("reports")
    yield window, page, db
    page.shutdown()


def test_page_is_reachable_and_named(demo_window) -> None:  # type: ignore[no-untyped-def]
    window, page, _db = demo_window
    assert window.findChild(QWidget, "reportsView") is page.body
    assert page.body.isVisible() and not page.busy.isVisible()


def test_tiles_show_the_same_numbers_as_the_cli(
    demo_window, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    _window, page, db = demo_window
    start, end = page.period()
    capsys.readouterr()
    assert (
        main(["--db", db, "report", "--from", start.isoformat(), "--to", end.isoformat(), "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    tiles = {key: tile.value.text() for key, tile in page.tiles.items()}
    assert tiles["median"] == minutes_text(data["speed_to_lead"]["median_minutes"])
    assert tiles["within_target"] == percent(data["speed_to_lead"]["within_target_share"])
    assert tiles["never"] == str(data["speed_to_lead"]["never_contacted"])
    assert tiles["coverage"] == percent(data["coverage"]["with_next_step_share"])
    assert tiles["overdue"] == str(data["coverage"]["overdue"])
    assert data["period"] == {"from": start.isoformat(), "to": end.isoformat()}
    assert tiles["never"] != "0" and tiles["median"].endswith("min")


def test_every_chart_has_data_and_saves_as_png(demo_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _window, page, _db = demo_window
    assert set(page.charts) == {"speed", "status", "journey", "reps"}
    for key, card in page.charts.items():
        assert card.chart.series(), key
        assert card.series_points() > 0, key
        path = tmp_path / f"{key}.png"
        assert card.export_png(path)
        image = QImage(str(path))
        assert image.width() > 200 and image.height() > 150
    assert page.charts["status"].series_points() == 7  # one bar per status
    assert page.charts["speed"].series_points() == 6  # five delay buckets and "never"


def test_rep_filter_and_preset_recompute(demo_window, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    _window, page, _db = demo_window
    everyone = page.report.speed.received
    index = page.rep.findData("Sam Ortiz")
    assert index > 0
    page.rep.setCurrentIndex(index)
    with qtbot.waitSignal(page.sig_report_loaded, timeout=20_000) as blocker:
        page.rep.activated.emit(index)
    assert blocker.args[0].owner == "Sam Ortiz"
    assert 0 < page.report.speed.received < everyone
    assert [r.name for r in page.report.reps] == ["Sam Ortiz"]
    with qtbot.waitSignal(page.sig_report_loaded, timeout=20_000):
        page.preset.setCurrentIndex(0)
        page.preset.activated.emit(0)
    start, end = page.period()
    assert (end - start).days == 6


def test_tables_export_csv_with_formulas_neutralised(demo_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _window, page, _db = demo_window
    card = page.tables["source"]
    assert card.model.rowCount() >= 5
    card.model.set_rows(
        [
            ('=HYPERLINK("http://evil")', 3, 1, 1, 1.0),
            ("+1", 2, 0, 0, 0.0),
            ("-2", 1, 0, 0, 0.0),
            ("@SUM(A1)", 1, 0, 0, 0.0),
            ("Web form", 4, 2, 1, 0.5),
        ]
    )
    path = tmp_path / "source.csv"
    card.export_csv(path)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["Source", "Leads", "Qualified", "Won", "Won rate"]
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://evil")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "Web form",
    ]
    assert rows[5][1:] == ["4", "2", "1", "0.5"]


def test_report_table_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ReportTableModel(["Source", "Leads", "Won rate"])
    model.set_rows([("Web", 3, 0.5), ("Ads", 0, 0.0)])
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


def test_the_form_answers_tables_show_what_the_call_changed(qtbot: QtBot, tmp_path: Path) -> None:
    from repdesk.app import open_workspace
    from repdesk.store.locations import resolve_url
    from tests.services.script.test_form_answers import FORM_FIELDS
    from tests.services.script.test_qualification_service import QUALIFIED, add_lead

    db = str(tmp_path / "forms.sqlite3")
    ws = open_workspace(resolve_url(db))
    lead_id = add_lead(ws)
    ws.form_answers.arrive(lead_id, FORM_FIELDS)
    ws.qualifications.finish(lead_id, {**QUALIFIED, "timeline": "no_plans"})
    ws.close()
    window = build_main_window(db)
    qtbot.addWidget(window)
    window.resize(1024, 640)
    window.show()
    page: ReportsPage = window.pages["reports"]  # type: ignore[assignment]
    with qtbot.waitSignal(page.sig_report_loaded, timeout=20_000):
        window.show_page("reports")
    answers = page.tables["form_answers"].model
    rows = {answers.raw_rows()[i][0]: answers.raw_rows()[i][1:] for i in range(answers.rowCount())}
    assert rows["When do they want this solved?"] == (1, 1, 1.0)
    assert rows["Is there a real problem to solve?"] == (1, 0, 0.0)
    verdicts = page.tables["form_verdicts"].model.raw_rows()
    assert verdicts[0][:4] == ("All forms", 1, 0, 0.0)  # the form said qualified, the call nurture
    assert "1 lead called after answering a form" in page.tables["form_verdicts"].note.text()
    page.shutdown()
