"""Benchmark: build_ics on 10,000 reminders against a plain string-formatting floor (target ≤
10×)."""

from __future__ import annotations

import sys
import timeit
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from repdesk.formats.ics import Reminder, build_ics  # noqa: E402

ROWS = 10_000
TARGET = 10.0
NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)


def make_reminders(rows: int) -> list[Reminder]:
    """Realistic reminders: names, phone links, multi-line notes, some long, some with commas and
    accents."""
    base = datetime(2024, 6, 3, 13, 0, tzinfo=UTC)
    reminders = []
    for i in range(rows):
        long_note = " Asked about pricing, delivery; wants a call back after the trade show." * (
            i % 4
        )
        reminders.append(
            Reminder(
                uid=f"followup-{i}@repdesk",
                sequence=i % 3,
                start=base + timedelta(minutes=15 * i),
                summary=f"Call Zoë Müller {i} (Acme, Inc.)" if i % 5 == 0 else f"Call lead {i}",
                description=f"Lead #{i}\nSource: web form\nProduct: Widgets{long_note}",
                location=f"tel:+1-555-{i % 10_000:04d}",
                url=f"https://crm.example.com/leads/{i}" if i % 2 else None,
                cancelled=i % 17 == 0,
                alarm_minutes=10 if i % 3 else None,
                last_modified=NOW - timedelta(hours=i % 48),
            )
        )
    return reminders


def plain_format(reminders: list[Reminder], now: datetime) -> str:
    """The floor: the same properties by plain f-strings, no escaping, no folding, no validation."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    parts = [
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//repdesk//repdesk 0.1//EN\r\n"
        "CALSCALE:GREGORIAN\r\nX-WR-CALNAME:repdesk follow-ups\r\n"
    ]
    for r in reminders:
        s = r.start.astimezone(UTC)
        e = s + timedelta(minutes=r.duration_minutes)
        m = r.last_modified.astimezone(UTC)
        parts.append(
            f"BEGIN:VEVENT\r\nUID:{r.uid}\r\nSEQUENCE:{r.sequence}\r\nDTSTAMP:{stamp}\r\n"
            f"DTSTART:{s:%Y%m%dT%H%M%SZ}\r\nDTEND:{e:%Y%m%dT%H%M%SZ}\r\nSUMMARY:{r.summary}\r\n"
            f"DESCRIPTION:{r.description}\r\nLOCATION:{r.location}\r\n"
            + (f"URL:{r.url}\r\n" if r.url else "")
            + f"LAST-MODIFIED:{m:%Y%m%dT%H%M%SZ}\r\n"
            + ("STATUS:CANCELLED\r\n" if r.cancelled else "STATUS:CONFIRMED\r\n")
            + (
                f"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:{r.summary}\r\n"
                f"TRIGGER:-PT{r.alarm_minutes}M\r\nEND:VALARM\r\n"
                if r.alarm_minutes is not None and not r.cancelled
                else ""
            )
            + "END:VEVENT\r\n"
        )
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts)


def best_of(function: object, repeat: int = 5) -> float:
    """Best wall time of `repeat` single runs, as timeit recommends."""
    return min(timeit.repeat(function, number=1, repeat=repeat))  # type: ignore[arg-type]


def main() -> int:
    reminders = make_reminders(ROWS)
    built = build_ics(reminders, now=NOW)
    floor_text = plain_format(reminders, NOW)
    assert built.count("BEGIN:VEVENT") == floor_text.count("BEGIN:VEVENT") == ROWS
    seconds_build = best_of(lambda: build_ics(reminders, now=NOW))
    seconds_floor = best_of(lambda: plain_format(reminders, NOW))
    ratio = seconds_build / seconds_floor
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"rows: {ROWS}")
    print(f"build_ics: {seconds_build:.4f} s")
    print(f"plain format floor: {seconds_floor:.4f} s")
    print(f"ratio: {ratio:.2f}x")
    print(f"{verdict} (target <= {TARGET:.0f}x)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
