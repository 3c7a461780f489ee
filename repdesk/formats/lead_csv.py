"""Stream a lead CSV into parsed rows with a per-file column plan (the hot path of an import)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from repdesk.core.contact import normalize_email, normalize_phone, split_name
from repdesk.core.quoting import clip
from repdesk.formats.header_map import HUMAN_NAMES, NAME, RECEIVED_AT, ColumnPlan, map_status
from repdesk.formats.text_decoding import CountingReader, open_text
from repdesk.formats.unique_names import UniqueNames

# A lead's notes can be long, but not 128 KiB long only by accident; allow big cells.
csv.field_size_limit(min(sys.maxsize, 64 * 1024 * 1024))

MULTI_SEPARATOR = " ::: "  # Google Contacts joins several values of one field with it
_COUNT_FIELDS = frozenset({"email_opens", "email_clicks", "site_visits"})
_UTC_SUFFIXES = (" utc", " gmt", " z")
_TEXT_FORMATS = (
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d %b %Y %H:%M",
)

RowFactory = Callable[[int, dict[str, str], datetime | None, dict[str, str], str | None], Any]


def parse_datetime(text: str) -> datetime | None:
    """ISO 8601, "YYYY-MM-DD HH:MM[:SS]", US "M/D/YYYY[ H:MM[:SS][ AM/PM]]", epoch ms; else None.

    Naive results are local wall time; an offset or Z in the text gives an aware datetime.
    """
    value = text.strip()
    if not value:
        return None
    try:
        if value.isdigit() and value.isascii():
            if len(value) in (12, 13):
                return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
            if len(value) == 10:
                return datetime.fromtimestamp(int(value), tz=UTC)
            if len(value) != 8:
                return None
        if "/" in value or value[:3].count(".") == 1:
            return _parse_slashed(value)
        lowered = value.lower()
        if lowered.endswith(_UTC_SUFFIXES):
            value = value[: value.rfind(" ")] + "+00:00"
        return datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        pass
    for pattern in _TEXT_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def _parse_slashed(value: str) -> datetime | None:
    date_part, _, time_part = value.partition(" ")
    if "," in date_part:
        date_part = date_part.rstrip(",")
    separator = "/" if "/" in date_part else "."
    first, second, third = date_part.split(separator)
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    elif separator == ".":
        day, month, year = int(first), int(second), int(third)
    else:
        month, day, year = int(first), int(second), int(third)
        if month > 12 >= day:  # 25/12/2026 can only be day-first
            month, day = day, month
    if len(third) == 2 and len(first) != 4:
        year += 2000
    hour = minute = second_ = 0
    clock = time_part.strip().upper()
    if clock:
        meridiem = ""
        if clock.endswith(("AM", "PM")):
            meridiem, clock = clock[-2:], clock[:-2].strip()
        pieces = clock.split(":")
        if not 2 <= len(pieces) <= 3:
            return None
        hour, minute = int(pieces[0]), int(pieces[1])
        if len(pieces) == 3:
            second_ = int(float(pieces[2]))
        if meridiem:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem == "PM" else 0)
    return datetime(year, month, day, hour, minute, second_)


def normalize_tags(value: str) -> str:
    """ "* myContacts ::: Leads" or "a;b" -> "myContacts, Leads" (Google marks system groups with "*
    ")."""
    for separator in (MULTI_SEPARATOR, ";"):
        value = value.replace(separator, ",")
    parts = (part.strip().removeprefix("* ").strip() for part in value.split(","))
    return ", ".join(part for part in parts if part)


def normalize_count(value: str) -> str | None:
    """ "3" or "3.0" -> "3"; anything else -> None."""
    if value.isdigit() and value.isascii():
        return str(int(value))
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return None
    return str(int(number)) if number >= 0 and number.is_integer() else None


def finish_row(
    fields: dict[str, str], extra: dict[str, str], bad_email: str | None, bad_phone: str | None
) -> str | None:
    """Record unusable contact details in extra and say why the row must be rejected, if it must."""
    if bad_email is not None:
        extra["email_raw"] = bad_email
    if bad_phone is not None:
        extra["phone_raw"] = bad_phone
    if bad_email is not None and "phone" not in fields:
        return f"email '{clip(bad_email)}' is not a valid address"
    if bad_phone is not None and "email" not in fields:
        return f"phone '{clip(bad_phone)}' is not a valid phone number"
    if not (
        "email" in fields or "phone" in fields or "first_name" in fields or "last_name" in fields
    ):
        return "no name, email or phone"
    return None


def outlook_shifted_work_fields(fields: dict[str, str], extra: dict[str, str]) -> None:
    """Outlook.com's export writes company and job title two columns late, under "Department" and
    "Office Location" (the header keeps the desktop order). When Company and Job Title are both
    empty and those two are filled, take them as what they are."""
    company, title = extra.get("Department", ""), extra.get("Office Location", "")
    if company and title:
        fields["company"] = extra.pop("Department")
        fields["title"] = extra.pop("Office Location")


def extra_names(headers: Sequence[str]) -> list[str]:
    """The extra-dict key of each column: its header, made unique and never empty."""
    unique = UniqueNames("{base} ({n})")
    return [unique.take(header.strip() or f"column {i + 1}") for i, header in enumerate(headers)]


def iter_csv(
    path: Path,
    encoding: str,
    delimiter: str,
    skip_records: int,
    plan: ColumnPlan,
    region: str,
    make: RowFactory,
    on_open: Callable[[CountingReader | None], None],
) -> Iterator[Any]:
    """Yield make(row, fields, received_at, extra, problem) for every data record of the file."""
    raw, text = open_text(path, encoding)
    on_open(raw)
    try:
        reader = csv.reader(text, delimiter=delimiter)
        for _ in range(skip_records + 1):  # preamble and header
            next(reader, None)
        yield from _rows(reader, plan, region, make)
    finally:
        text.close()
        on_open(None)


def _rows(
    reader: Iterator[list[str]], plan: ColumnPlan, region: str, make: RowFactory
) -> Iterator[Any]:
    headers = plan.headers
    width = len(headers)
    names = extra_names(headers)
    simple = plan.simple
    ranked = list(plan.ranked.items())
    extra_columns = [(index, names[index]) for index in plan.extra]
    questions = [(index, names[index], headers[index].strip()) for index in plan.questions]
    split_multi = plan.detected == "google_contacts"
    outlook = plan.detected == "outlook"

    def phone_of(value: str) -> str | None:
        return normalize_phone(value, region)

    multi_columns = [i for i, _ in simple] + [i for f, cols in ranked if f != "tags" for i in cols]
    default_source = HUMAN_NAMES.get(plan.detected, "Spreadsheet")
    row = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row += 1
            yield make(row, {}, None, {}, f"unreadable row: {exc}")
            continue
        row += 1
        if len(cells) != width:
            if not cells:
                continue  # a blank line
            if len(cells) < width:
                cells += [""] * (width - len(cells))
        extra: dict[str, str] = {}
        if len(cells) > width:
            for index in range(width, len(cells)):
                if cells[index].strip():
                    extra[f"column {index + 1}"] = cells[index].strip()
        if split_multi:
            for index in multi_columns:
                if MULTI_SEPARATOR in cells[index]:
                    cells[index], _, rest = cells[index].partition(MULTI_SEPARATOR)
                    extra[names[index]] = rest.strip()
        fields: dict[str, str] = {}
        for index, name in simple:
            value = cells[index].strip()
            if value:
                fields[name] = value
        received_at = None
        bad_email = bad_phone = None
        for name, columns in ranked:
            if name == "email":
                bad_email = _take_contact(
                    cells, columns, names, normalize_email, "email", fields, extra
                )
            elif name == "phone":
                bad_phone = _take_contact(cells, columns, names, phone_of, "phone", fields, extra)
            else:
                first = True
                for index in columns:
                    value = cells[index].strip()
                    if not value:
                        continue
                    if not first:
                        extra[names[index]] = value
                        continue
                    first = False
                    if name == RECEIVED_AT:
                        received_at = parse_datetime(value)
                        if received_at is None:
                            extra[names[index]] = value
                    elif name == "status":
                        status = map_status(value)
                        if status is None:
                            extra[names[index]] = value
                        else:
                            fields["status"] = status
                    elif name == NAME:
                        if "first_name" not in fields and "last_name" not in fields:
                            first_name, last_name = split_name(value)
                            if first_name:
                                fields["first_name"] = first_name
                            if last_name:
                                fields["last_name"] = last_name
                    elif name == "tags":
                        tags = normalize_tags(value)
                        if tags:
                            fields["tags"] = tags
                    elif name in _COUNT_FIELDS:
                        count = normalize_count(value)
                        if count is None:
                            extra[names[index]] = value
                        else:
                            fields[name] = count
                    else:
                        fields[name] = value
        for index, name in extra_columns:
            value = cells[index].strip()
            if value:
                extra[name] = value
        if questions:
            lines = []
            for index, name, question in questions:
                value = cells[index].strip()
                if value:
                    extra[name] = value
                    lines.append(f"{question}: {value}")
            if lines:
                message = fields.get("message")
                fields["message"] = "\n".join([message, *lines] if message else lines)
        if "source" not in fields:
            fields["source"] = default_source
        if outlook and "company" not in fields and "title" not in fields:
            outlook_shifted_work_fields(fields, extra)
        problem = finish_row(fields, extra, bad_email, bad_phone)
        yield make(row, fields, received_at, extra, problem)


def _take_contact(
    cells: list[str],
    columns: list[int],
    names: list[str],
    normalize: Callable[[str], str | None],
    key: str,
    fields: dict[str, str],
    extra: dict[str, str],
) -> str | None:
    """The first valid value of these columns becomes the field, other valid ones stay as extras;
    returns the first value that is not valid when no valid one was found (the row's problem)."""
    bad: str | None = None
    for index in columns:
        value = cells[index].strip()
        if value:
            normal = normalize(value)
            if normal is None:
                if bad is None:
                    bad = value
            elif key in fields:
                extra[names[index]] = value
            else:
                fields[key] = normal
    if bad is not None and key in fields:
        extra[_first_named(cells, columns, names, bad)] = bad
        bad = None
    return bad


def _first_named(cells: list[str], columns: list[int], names: list[str], value: str) -> str:
    for index in columns:
        if cells[index].strip() == value:
            return names[index]
    return names[columns[0]]
