"""The exported .ics as other programs take it: a file mode like any other file the user writes,
no tel: link in LOCATION (it stays in URL and the description), and libical's RFC 5546 (iTIP)
check passes (libical, through its C library, as Evolution and KDE read calendars)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from repdesk.app import Workspace
from tests.services.calendar.test_calendar_export import seed


@pytest.fixture
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_the_exported_file_gets_the_users_normal_mode(
    workspace: Workspace, tmp_path: Path, umask_022: None
) -> None:
    seed(workspace)
    path = tmp_path / "reminders.ics"
    workspace.services.calendar.export(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # what `touch` gives under umask 022
    path.chmod(0o640)  # and a mode the user chose stays on the next export
    workspace.services.calendar.export(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_location_holds_no_tel_link(workspace: Workspace, tmp_path: Path) -> None:
    seed(workspace)
    path = tmp_path / "reminders.ics"
    workspace.services.calendar.export(path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    calls = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("Call")]
    assert calls
    for event in calls:
        assert not str(event.get("LOCATION", "")).lower().startswith("tel:")
        assert str(event["URL"]).startswith("tel:+1555")
        assert str(event["URL"]) in str(event["DESCRIPTION"])


def _libical() -> ctypes.CDLL:
    name = ctypes.util.find_library("ical") or "libical.so.3"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        pytest.skip("libical is not installed (apt-get install libical3)")
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalrestriction_check.restype = ctypes.c_int
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    return lib


def libical_problems(data: bytes) -> list[str]:
    """The X-LIC-ERROR lines libical adds to a calendar it parses and checks (RFC 5546)."""
    lib = _libical()
    component = lib.icalparser_parse_string(data)
    assert component, "libical could not parse the file at all"
    try:
        passed = lib.icalrestriction_check(component)
        text = lib.icalcomponent_as_ical_string(component).decode("utf-8").replace("\r\n ", "")
    finally:
        lib.icalcomponent_free(component)
    problems = [line for line in text.splitlines() if line.startswith("X-LIC-ERROR")]
    return problems if problems or passed else ["icalrestriction_check failed"]


@pytest.mark.integration
def test_libical_finds_nothing_wrong(workspace: Workspace, tmp_path: Path) -> None:
    ids = seed(workspace)
    path = tmp_path / "reminders.ics"
    workspace.services.calendar.export(path, alarm_minutes=10)
    (step,) = workspace.followups.list(lead_id=ids["jane"])
    workspace.followups.complete(step.id, outcome="voicemail")  # a cancelled event too
    workspace.services.calendar.export(path, alarm_minutes=10)
    assert "STATUS:CANCELLED" in path.read_text(encoding="utf-8")
    assert libical_problems(path.read_bytes()) == []
