"""Build an RFC 5545 .ics calendar of follow-up reminders, written directly as text for speed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "DEFAULT_CALENDAR_NAME",
    "DEFAULT_PRODID",
    "Reminder",
    "build_ics",
    "escape_text",
    "fold_line",
    "ics_events",
    "ics_footer",
    "ics_header",
    "ics_stamp",
]

DEFAULT_PRODID = "-//repdesk//repdesk 0.1//EN"
DEFAULT_CALENDAR_NAME = "repdesk follow-ups"
_MAX_OCTETS = 75
_CRLF = "\r\n"

# RFC 5545 TEXT allows no control characters except HTAB; line breaks become "\n" escapes.
_NEWLINES = re.compile(r"\r\n?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NEEDS_ESCAPE = re.compile(r"[\\;,\n\r\x00-\x08\x0b-\x1f\x7f]")
_BAD_URL = re.compile(r"[\x00- \x7f]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Reminder:
    """One follow-up as a calendar event; uid is stable across exports, sequence grows with each
    change."""

    uid: str
    sequence: int
    start: datetime
    duration_minutes: int = 15
    summary: str
    description: str = ""
    location: str = ""
    url: str | None = None
    cancelled: bool = False
    alarm_minutes: int | None = None
    last_modified: datetime

    def __post_init__(self) -> None:
        if not self.uid or _CONTROLS.search(self.uid) or "\n" in self.uid or "\r" in self.uid:
            raise ValueError(
                f"A reminder needs a non-empty uid without control characters, got {self.uid!r}."
            )
        if self.sequence < 0:
            raise ValueError(
                f"Reminder {self.uid}: sequence must be 0 or more, got {self.sequence}."
            )
        if self.duration_minutes <= 0:
            raise ValueError(
                f"Reminder {self.uid}: duration must be 1 minute or more, got "
                f"{self.duration_minutes}."
            )
        if self.alarm_minutes is not None and self.alarm_minutes < 0:
            raise ValueError(
                f"Reminder {self.uid}: alarm minutes must be 0 or more, got {self.alarm_minutes}."
            )
        for name, value in (("start", self.start), ("last_modified", self.last_modified)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(
                    f"Reminder {self.uid}: {name} needs a time zone, got {value.isoformat()}."
                )
        if self.url is not None and (not self.url or _BAD_URL.search(self.url)):
            raise ValueError(
                f"Reminder {self.uid}: the URL must not be empty or contain spaces, got "
                f"{self.url!r}."
            )


def escape_text(value: str) -> str:
    """Escape a TEXT value (backslash, semicolon, comma, newline); CR/CRLF become newlines, controls
    go."""
    if not _NEEDS_ESCAPE.search(value):
        return value
    if "\r" in value:
        value = _NEWLINES.sub("\n", value)
    value = _CONTROLS.sub("", value)
    # Chained replace (backslash first) runs in C; str.translate looks every character up.
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold one content line to at most 75 octets per physical line, never inside a UTF-8
    character."""
    if len(line) <= _MAX_OCTETS and line.isascii():
        return line
    data = line.encode("utf-8")
    if len(data) <= _MAX_OCTETS:
        return line
    if line.isascii():
        return "\r\n ".join(
            [line[:_MAX_OCTETS], *(line[i : i + 74] for i in range(_MAX_OCTETS, len(line), 74))]
        )
    pieces: list[str] = []
    begin, limit, size = 0, _MAX_OCTETS, len(data)
    while begin < size:
        end = begin + limit
        if end < size:
            # Continuation bytes look like 0b10xxxxxx: back up to the start of the character.
            while data[end] & 0xC0 == 0x80:
                end -= 1
        pieces.append(data[begin:end].decode("utf-8"))
        begin, limit = end, _MAX_OCTETS - 1  # continuation lines start with one space
    return "\r\n ".join(pieces)


def _utc_stamp(value: datetime) -> str:
    u = value if value.tzinfo is UTC else value.astimezone(UTC)
    # %-formatting: the fastest of the spellings, and this runs three times per event.
    return "%04d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031
        u.year,
        u.month,
        u.day,
        u.hour,
        u.minute,
        u.second,
    )


def _event(reminder: Reminder, stamp: str) -> list[str]:
    summary = escape_text(reminder.summary)
    lines = [
        "BEGIN:VEVENT",
        fold_line("UID:" + escape_text(reminder.uid)),
        f"SEQUENCE:{reminder.sequence}",
        stamp,
        "DTSTART:" + _utc_stamp(reminder.start),
        "DTEND:" + _utc_stamp(reminder.start + timedelta(minutes=reminder.duration_minutes)),
        fold_line("SUMMARY:" + summary),
    ]
    if reminder.description:
        lines.append(fold_line("DESCRIPTION:" + escape_text(reminder.description)))
    if reminder.location:
        lines.append(fold_line("LOCATION:" + escape_text(reminder.location)))
    if reminder.url is not None:
        lines.append(fold_line("URL:" + reminder.url))
    lines.append("LAST-MODIFIED:" + _utc_stamp(reminder.last_modified))
    if reminder.cancelled:
        lines.append("STATUS:CANCELLED")
    else:
        lines.append("STATUS:CONFIRMED")
        if reminder.alarm_minutes is not None:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                fold_line("DESCRIPTION:" + (summary or "Follow-up")),
                f"TRIGGER:-PT{reminder.alarm_minutes}M",
                "END:VALARM",
            ]
    lines.append("END:VEVENT")
    return lines


def ics_stamp(now: datetime) -> str:
    """The DTSTAMP line every event of one export carries (`now` must be aware)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"The export time needs a time zone, got {now.isoformat()}.")
    return "DTSTAMP:" + _utc_stamp(now)


def ics_header(prodid: str = DEFAULT_PRODID, calendar_name: str = DEFAULT_CALENDAR_NAME) -> str:
    """The text before the first event (a streamed export writes it, then events, then
    ics_footer())."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        fold_line("PRODID:" + escape_text(prodid)),
        "CALSCALE:GREGORIAN",
        # No METHOD: with METHOD:PUBLISH, RFC 5546 wants an ORGANIZER on every event, and a
        # follow-up reminder has none (libical's iTIP check refuses the file without one).
        fold_line("X-WR-CALNAME:" + escape_text(calendar_name)),
    ]
    return _CRLF.join(lines) + _CRLF


def ics_events(reminders: Iterable[Reminder], stamp: str) -> str:
    """The VEVENTs of `reminders` as text, each line ended by CRLF (stamp: ics_stamp(now))."""
    lines: list[str] = []
    for reminder in reminders:
        lines += _event(reminder, stamp)
    return _CRLF.join(lines) + _CRLF if lines else ""


def ics_footer() -> str:
    return "END:VCALENDAR" + _CRLF


def build_ics(
    reminders: Iterable[Reminder],
    *,
    now: datetime,
    prodid: str = DEFAULT_PRODID,
    calendar_name: str = DEFAULT_CALENDAR_NAME,
) -> str:
    """The whole VCALENDAR as text with CRLF line endings; `now` (aware) becomes every DTSTAMP."""
    stamp = ics_stamp(now)
    return ics_header(prodid, calendar_name) + ics_events(reminders, stamp) + ics_footer()
