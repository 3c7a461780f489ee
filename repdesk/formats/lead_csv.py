"""Stream a lead CSV into parsed rows with a per-file column plan (the hot path of an import)."""

from __future__ import annotations

import csv
import io
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from repdesk.core.contact import split_name
from repdesk.core.phones import kind_of_label
from repdesk.formats.crm_values import friendly_source, map_status
from repdesk.formats.dates import ColumnOrder, ambiguous, day_first_for, parse_datetime
from repdesk.formats.header_map import HUMAN_NAMES, NAME, RECEIVED_AT, ColumnPlan
from repdesk.formats.person_row import PersonRow, RowFactory
from repdesk.formats.text_decoding import CountingReader, LeadFileError, open_text
from repdesk.formats.unique_names import UniqueNames

# A lead's notes can be long, but not 128 KiB long only by accident; allow big cells.
csv.field_size_limit(min(sys.maxsize, 64 * 1024 * 1024))

MULTI_SEPARATOR = " ::: "  # Google Contacts joins several values of one field with it
_COUNT_FIELDS = frozenset({"email_opens", "email_clicks", "site_visits"})

__all__ = ["RowFactory", "iter_csv", "normalize_count", "normalize_tags", "parse_datetime"]


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


class _Lines:
    """The file's physical lines for csv.reader, counted, with the quote marks of the record being
    read: a record that took several lines up to the end of the file with an odd number of quotes
    is one whose opening quote never closed."""

    def __init__(self, stream: io.TextIOBase, line: int) -> None:
        self.stream = stream
        self.line = line
        self.record_start = line + 1
        self.quotes = 0
        self.eof = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        text = self.stream.readline()
        if not text:
            self.eof = True
            raise StopIteration
        self.line += 1
        self.quotes += text.count('"')
        return text

    def record_done(self, name: str) -> None:
        if self.eof and self.quotes % 2 and self.line > self.record_start:
            raise LeadFileError(
                f"{name} line {self.record_start}: a quote opens a field that never closes, so "
                "the rest of the file would be read as one field; close the quote and import "
                "again."
            )
        self.record_start = self.line + 1
        self.quotes = 0


def iter_csv(
    path: Path,
    encoding: str,
    delimiter: str,
    skip_lines: int,
    plan: ColumnPlan,
    region: str,
    make: RowFactory,
    on_open: Callable[[CountingReader | None], None],
) -> Iterator[Any]:
    """Yield make(row, fields, received_at, extra, problem, phones, emails, keys) for every data
    record of the file; LeadFileError when its quoting is broken."""
    raw, text = open_text(path, encoding)
    on_open(raw)
    try:
        for _ in range(skip_lines):  # the lines before the header (a preamble)
            text.readline()
        lines = _Lines(text, skip_lines)
        reader = csv.reader(lines, delimiter=delimiter)
        next(reader, None)  # the header
        lines.record_done(path.name)
        yield from _rows(reader, plan, region, make, partial(lines.record_done, path.name))
    finally:
        text.close()
        on_open(None)


#: A row whose received time may wait for its column's day/month order: (row, person, date column,
#: date value).
_Waiting = tuple[int, PersonRow, int, str]


def _rows(
    reader: Iterator[list[str]],
    plan: ColumnPlan,
    region: str,
    make: RowFactory,
    after_record: Callable[[], None] = lambda: None,
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
    default_source = HUMAN_NAMES.get(plan.detected, "Spreadsheet")
    orders = {i: ColumnOrder(day_first_for(region)) for i in plan.ranked.get(RECEIVED_AT, ())}
    waiting: deque[_Waiting] = deque()

    def finish(item: _Waiting) -> Any:
        number, person, column, value = item
        moment = parse_datetime(value, orders[column].day_first) if value else None
        if moment is None and value:
            person.keep(names[column], value)
        return person.finish(number, moment, make)

    row = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row += 1
            yield make(row, {}, None, {}, f"unreadable row: {exc}")
            continue
        after_record()
        row += 1
        if len(cells) != width:
            if not cells:
                continue  # a blank line
            if len(cells) < width:
                cells += [""] * (width - len(cells))
        person = PersonRow(region)
        extra = person.extra
        if len(cells) > width:
            for index in range(width, len(cells)):
                if cells[index].strip():
                    extra[f"column {index + 1}"] = cells[index].strip()
        for index in plan.countries:
            if cells[index].strip():
                person.set_country(cells[index])
                break
        _contacts(person, cells, plan, names, split_multi)
        if split_multi:
            for index, _ in simple:
                if MULTI_SEPARATOR in cells[index]:
                    cells[index], _, rest = cells[index].partition(MULTI_SEPARATOR)
                    extra[names[index]] = rest.strip()
        fields = person.fields
        for index, name in simple:
            value = cells[index].strip()
            if value:
                fields[name] = value
        date_column, date_value = -1, ""
        for name, columns in ranked:
            if name == "email":
                continue
            first = True
            for index in columns:
                value = cells[index].strip()
                if not value:
                    continue
                if split_multi and name != "tags" and MULTI_SEPARATOR in value:
                    value, _, rest = value.partition(MULTI_SEPARATOR)
                    extra[names[index]] = rest.strip()
                if not first:
                    extra[names[index]] = value
                    continue
                first = False
                if name == RECEIVED_AT:
                    date_column, date_value = index, value
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
        _also_read(person, cells, plan)
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
        fields["source"] = (
            friendly_source(fields["source"]) if "source" in fields else default_source
        )
        if outlook and "company" not in fields and "title" not in fields:
            outlook_shifted_work_fields(fields, extra)
        item = (row, person, date_column, date_value)
        order = orders.get(date_column) if date_value else None
        if order is not None and order.decided is None and order.see(date_value):
            while waiting:
                yield finish(waiting.popleft())
        if waiting or (order is not None and order.decided is None and ambiguous(date_value)):
            waiting.append(item)
        else:
            yield finish(item)
    while waiting:
        yield finish(waiting.popleft())


def _contacts(
    person: PersonRow, cells: list[str], plan: ColumnPlan, names: list[str], split: bool
) -> None:
    """The row's e-mails (first valid one is the lead's) and every phone with its kind."""
    for index in plan.ranked.get("email", ()):
        for value in cells[index].split(MULTI_SEPARATOR) if split else (cells[index],):
            person.add_email(value, names[index])
    for column in plan.phones:
        kind = column.kind
        if column.label is not None and cells[column.label].strip():
            kind = kind_of_label(cells[column.label].split(MULTI_SEPARATOR)[0])
        ext = cells[column.ext] if column.ext is not None else ""
        for value in (
            cells[column.index].split(MULTI_SEPARATOR) if split else (cells[column.index],)
        ):
            person.add_phone(value, kind, names[column.index], ext)


def _also_read(person: PersonRow, cells: list[str], plan: ColumnPlan) -> None:
    """Stable ids and name parts from columns that stay extras too."""
    for index, namespace in plan.ids:
        person.add_key(namespace, cells[index])
    for index in plan.profiles:
        person.add_profile(cells[index])
    for index in plan.middles:
        person.middle = person.middle or cells[index].strip()
    for index in plan.suffixes:
        person.suffix = person.suffix or cells[index].strip()
