"""The .ics builder: golden files, parse-back with icalendar and ical.js, escaping and folding."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.formats.ics import Reminder, build_ics, escape_text, fold_line

GOLDEN = Path(__file__).parent / "golden"
ICALJS = Path(__file__).parent / "icaljs"
NOW = datetime(2024, 5, 15, 12, 0, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
LONG_NOTE = (
    "Asked about pricing for 40 seats, delivery to the Lyon site; wants a quote, "
    "a reference customer and a call back after the trade show.\n"
    "Budget: 12,000 € per year — decision by the end of June.\n"
    "Tone: friendly 🙂; prefers mornings."
)


def mixed_reminders() -> list[Reminder]:
    """Three reminders covering alarm, cancellation, unicode, special characters and folding."""
    return [
        Reminder(
            uid="followup-1@repdesk",
            sequence=0,
            start=datetime(2024, 5, 16, 9, 30, tzinfo=NEW_YORK),
            summary="Call Zoë Müller (Acme, Inc.)",
            description=LONG_NOTE,
            location="tel:+1-555-0100",
            url="https://crm.example.com/leads/1?tab=notes",
            alarm_minutes=10,
            last_modified=datetime(2024, 5, 15, 11, 58, tzinfo=UTC),
        ),
        Reminder(
            uid="followup-2@repdesk",
            sequence=3,
            start=datetime(2024, 5, 17, 14, 0, tzinfo=timezone(timedelta(hours=2))),
            duration_minutes=30,
            summary="Email 山田太郎; send brochure 📎",
            description="Back\\slash, comma; semicolon\nsecond line",
            location="+81 3-1234-5678",
            url=None,
            cancelled=True,
            alarm_minutes=15,
            last_modified=datetime(2024, 5, 15, 10, 0, tzinfo=UTC),
        ),
        Reminder(
            uid="followup-3@repdesk",
            sequence=1,
            start=datetime(2024, 11, 4, 9, 0, tzinfo=NEW_YORK),
            summary="Nurture check-in",
            last_modified=datetime(2024, 5, 14, 8, 0, tzinfo=UTC),
            alarm_minutes=0,
        ),
    ]


def golden(name: str, text: str) -> bytes:
    """The golden file's bytes; REPDESK_UPDATE_GOLDEN=1 rewrites it from text first."""
    path = GOLDEN / name
    if os.environ.get("REPDESK_UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    return path.read_bytes()


def test_mixed_golden_file_is_byte_identical() -> None:
    text = build_ics(mixed_reminders(), now=NOW)
    assert text.encode("utf-8") == golden("mixed.ics", text)


def test_empty_golden_file_is_byte_identical() -> None:
    text = build_ics(
        [], now=NOW, prodid="-//Acme, Inc.//repdesk//EN", calendar_name="Zoë's calls; team A"
    )
    assert text.encode("utf-8") == golden("empty.ics", text)


def physical_lines(text: str) -> list[bytes]:
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    return data[:-2].split(b"\r\n")


def test_lines_are_crlf_and_folded_to_75_octets() -> None:
    lines = physical_lines(build_ics(mixed_reminders(), now=NOW))
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "the long description must be folded"
    for line in lines:
        line.decode("utf-8")  # raises if a fold split a multi-byte character


def test_parse_back_with_icalendar_checks_every_property() -> None:
    reminders = mixed_reminders()
    calendar = icalendar.Calendar.from_ical(build_ics(reminders, now=NOW))
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//repdesk//repdesk 0.1//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert "METHOD" not in calendar  # RFC 5546: PUBLISH would need an ORGANIZER per event
    assert str(calendar["X-WR-CALNAME"]) == "repdesk follow-ups"
    events = list(calendar.walk("VEVENT"))
    assert not list(calendar.walk("VTODO"))
    assert len(events) == len(reminders)
    for event, reminder in zip(events, reminders, strict=True):
        assert str(event["UID"]) == reminder.uid
        assert int(event["SEQUENCE"]) == reminder.sequence
        assert event.decoded("DTSTAMP") == NOW
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
        assert start == reminder.start
        assert end - start == timedelta(minutes=reminder.duration_minutes)
        assert event.decoded("LAST-MODIFIED") == reminder.last_modified
        assert str(event["SUMMARY"]) == reminder.summary
        assert str(event.get("DESCRIPTION", "")) == reminder.description
        assert str(event.get("LOCATION", "")) == reminder.location
        assert (str(event["URL"]) if "URL" in event else None) == reminder.url
        assert str(event["STATUS"]) == ("CANCELLED" if reminder.cancelled else "CONFIRMED")
        alarms = list(event.walk("VALARM"))
        if reminder.alarm_minutes is None or reminder.cancelled:
            assert alarms == []
        else:
            (alarm,) = alarms
            assert str(alarm["ACTION"]) == "DISPLAY"
            assert str(alarm["DESCRIPTION"]) == reminder.summary
            assert alarm.decoded("TRIGGER") == -timedelta(minutes=reminder.alarm_minutes)


def test_escaping_of_text_values() -> None:
    assert escape_text("a\\b,c;d\ne") == "a\\\\b\\,c\\;d\\ne"
    assert escape_text("one\r\ntwo\rthree") == "one\\ntwo\\nthree"
    assert escape_text("bell\x07 and tab\t") == "bell and tab\t"
    assert escape_text("plain: text") == "plain: text"


def test_folding_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "€" * 60 + "🎉" * 30
    folded = fold_line(line)
    pieces = folded.split("\r\n")
    assert "".join(piece[1:] if n else piece for n, piece in enumerate(pieces)) == line
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert fold_line("X:" + "a" * 73) == "X:" + "a" * 73
    assert fold_line("X:" + "a" * 74) == "X:" + "a" * 73 + "\r\n a"


def test_invalid_reminders_are_refused() -> None:
    good = mixed_reminders()[0]
    with pytest.raises(ValueError, match="time zone"):
        build_ics([good], now=datetime(2024, 5, 15, 12, 0))
    with pytest.raises(ValueError, match="start needs a time zone"):
        Reminder(uid="x", sequence=0, start=datetime(2024, 1, 1), summary="s", last_modified=NOW)
    with pytest.raises(ValueError, match="uid"):
        Reminder(uid="a\nb", sequence=0, start=NOW, summary="s", last_modified=NOW)
    with pytest.raises(ValueError, match="URL"):
        Reminder(uid="x", sequence=0, start=NOW, summary="s", url="https://a b", last_modified=NOW)


# Any text a user can type: everything but control characters and lone surrogates, plus newlines
# and the characters that need escaping, which are drawn often so that they meet each other.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cc", "Cs")),
        st.sampled_from(["\n", "\\", ",", ";", ":", '"', "\t", "é", "🎉", "n"]),
    ),
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(summary=TEXT, description=TEXT, location=TEXT)
def test_arbitrary_text_round_trips_and_lines_stay_short(
    summary: str, description: str, location: str
) -> None:
    reminder = Reminder(
        uid="p@repdesk",
        sequence=0,
        start=NOW,
        summary=summary,
        description=description,
        location=location,
        alarm_minutes=5,
        last_modified=NOW,
    )
    text = build_ics([reminder], now=NOW)
    assert all(len(line) <= 75 for line in physical_lines(text))
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(event["SUMMARY"]) == summary
    assert str(event.get("DESCRIPTION", "")) == description
    assert str(event.get("LOCATION", "")) == location


@pytest.fixture(scope="session")
def icaljs() -> Path:
    """The ical.js parse script, with its npm package installed from the lock file when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to check the .ics file with ical.js")
    if not (ICALJS / "node_modules" / "ical.js").is_dir():
        result = subprocess.run(
            [npm, "ci", "--prefix", str(ICALJS), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            pytest.skip(f"npm ci for ical.js failed: {result.stderr.strip()[-500:]}")
    return ICALJS / "parse.js"


def run_icaljs(script: Path, ics: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(script), str(ics)], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.integration
def test_icaljs_parses_events_alarms_and_status(icaljs: Path, tmp_path: Path) -> None:
    reminders = mixed_reminders()
    ics = tmp_path / "followups.ics"
    ics.write_bytes(build_ics(reminders, now=NOW).encode("utf-8"))
    result = run_icaljs(icaljs, ics)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    parsed = json.loads(result.stdout)
    assert (parsed["version"], parsed["method"], parsed["calscale"]) == ("2.0", None, "GREGORIAN")
    assert parsed["name"] == "repdesk follow-ups"
    assert parsed["todos"] == 0
    assert len(parsed["events"]) == len(reminders)
    for event, reminder in zip(parsed["events"], reminders, strict=True):
        assert event["uid"] == reminder.uid
        assert event["sequence"] == reminder.sequence
        assert event["summary"] == reminder.summary
        assert (event["description"] or "") == reminder.description
        assert (event["location"] or "") == reminder.location
        assert event["url"] == reminder.url
        assert event["status"] == ("CANCELLED" if reminder.cancelled else "CONFIRMED")
        start = reminder.start.astimezone(UTC)
        assert event["dtstart"] == start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert event["durationSeconds"] == reminder.duration_minutes * 60
        assert event["dtstamp"] == "2024-05-15T12:00:00.000Z"
        if reminder.alarm_minutes is None or reminder.cancelled:
            assert event["alarms"] == []
        else:
            assert event["alarms"] == [
                {
                    "action": "DISPLAY",
                    "description": reminder.summary,
                    "trigger": f"-PT{reminder.alarm_minutes}M"
                    if reminder.alarm_minutes
                    else "PT0S",
                    "triggerSeconds": -60 * reminder.alarm_minutes,
                }
            ]


@pytest.mark.integration
def test_icaljs_accepts_the_golden_files_and_rejects_garbage(icaljs: Path, tmp_path: Path) -> None:
    for name in ("mixed.ics", "empty.ics"):
        result = run_icaljs(icaljs, GOLDEN / name)
        assert result.returncode == 0, f"{name}: {result.stderr}"
    broken = tmp_path / "broken.ics"
    broken.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nthis is no content line\r\n", encoding="utf-8"
    )
    result = run_icaljs(icaljs, broken)
    assert result.returncode != 0
    assert result.stderr.startswith("ical.js:")
