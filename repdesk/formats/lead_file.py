"""Open a lead file (CSV from a CRM, form or spreadsheet, or vCard) and stream its rows as leads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from repdesk.core.phones import Phone
from repdesk.core.quoting import clip
from repdesk.formats.header_map import ColumnPlan, build_plan, default_kind
from repdesk.formats.lead_csv import iter_csv
from repdesk.formats.text_decoding import (
    CountingReader,
    LeadFileError,
    decode_bytes,
    detect_encoding,
    open_text,
    read_head,
    sniff_delimiter,
)
from repdesk.formats.vcard import declared_code_page, iter_vcards, looks_like_vcard, property_plan

__all__ = ["LeadFile", "LeadFileError", "ParsedLead", "UnmappedColumnsError", "open_lead_file"]


@dataclass(frozen=True)
class ParsedLead:
    """One row (CSV record or vCard card) of a lead file, normalised."""

    row: int
    fields: dict[str, str]
    received_at: datetime | None
    extra: dict[str, str]
    problem: str | None
    #: Every number of the row with its kind, best first; invalid ones as written (valid=False).
    phones: tuple[Phone, ...] = ()
    #: Every valid e-mail of the row, the lead's own (fields["email"]) first.
    emails: tuple[str, ...] = ()
    #: Stable ids of the person: "uid:…" (vCard), "hubspot:5101", "linkedin:in/ana-ruiz", …
    keys: tuple[str, ...] = ()


class _Progress:
    """Where the current rows() iteration is; read from any thread."""

    def __init__(self) -> None:
        self.reader: CountingReader | None = None
        self.finished = False

    def attach(self, reader: CountingReader | None) -> None:
        if reader is None:
            self.finished = True
        else:
            self.finished = False
        self.reader = reader


@dataclass(frozen=True)
class LeadFile:
    """A lead file whose format, encoding and column mapping are decided; rows() streams it."""

    path: Path
    kind: str
    detected: str
    mapping: dict[str, str | None]
    total_bytes: int
    encoding: str = field(default="utf-8-sig", repr=False)
    delimiter: str = field(default=",", repr=False)
    skip_lines: int = field(default=0, repr=False)
    default_region: str = field(default="US", repr=False)
    code_page: str | None = field(default=None, repr=False)
    #: The file's size and modification time (ns) when it was opened: a reader that finds them
    #: changed after reading knows the file changed under it.
    stamp: tuple[int, int] = field(default=(0, 0), repr=False, compare=False)
    _plan: ColumnPlan | None = field(default=None, repr=False, compare=False)
    _progress: _Progress = field(default_factory=_Progress, repr=False, compare=False)

    def rows(self) -> Iterator[ParsedLead]:
        """Stream the rows; each call reads the file again from the start."""
        if self.kind == "vcard":
            plan = {key: value for key, value in self.mapping.items()}
            return iter_vcards(
                self.path,
                self.encoding,
                plan,
                self.default_region,
                ParsedLead,
                self._progress.attach,
                self.code_page,
            )
        assert self._plan is not None
        return iter_csv(
            self.path,
            self.encoding,
            self.delimiter,
            self.skip_lines,
            self._plan,
            self.default_region,
            ParsedLead,
            self._progress.attach,
        )

    @property
    def default_kind(self) -> str:
        """ "contacts" for a CRM or address-book export, "inquiries" for a form or spreadsheet."""
        return default_kind(self.detected)

    def progress(self) -> float:
        """0..1 of the bytes consumed by the current rows() iteration (approximate)."""
        reader = self._progress.reader
        if reader is None:
            return 1.0 if self._progress.finished else 0.0
        if self.total_bytes <= 0:
            return 0.0
        return min(1.0, reader.consumed / self.total_bytes)


class UnmappedColumnsError(LeadFileError):
    """A readable table whose columns say nothing about people: the user can map them by hand."""

    def __init__(self, message: str, headers: tuple[str, ...]) -> None:
        super().__init__(message)
        self.headers = headers


def open_lead_file(
    path: Path, *, mapping: dict[str, str] | None = None, default_region: str = "US"
) -> LeadFile:
    """Decide encoding, format and column mapping; LeadFileError when the file holds no leads at
    all."""
    path = Path(path)
    if path.is_dir():
        raise LeadFileError(f"{path.name} is a folder, not a lead file.")
    head = read_head(path)
    try:
        status = path.stat()
    except OSError as exc:
        raise LeadFileError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    total, stamp = status.st_size, (status.st_size, status.st_mtime_ns)
    encoding = detect_encoding(path, head)
    text = decode_bytes(head, encoding).lstrip("\ufeff")
    region = (default_region or "US").upper()
    if looks_like_vcard(text):
        plan = property_plan(mapping)
        code_page = None
        if not encoding.startswith("utf"):  # vCard 2.1 from Windows: CHARSET per line, or none
            code_page = declared_code_page(head) or encoding
        return LeadFile(
            path,
            "vcard",
            "vcard",
            plan,
            total,
            encoding=encoding,
            default_region=region,
            code_page=code_page,
            stamp=stamp,
        )
    skip, delimiter = find_header(text, mapping)
    headers = _read_header(path, encoding, delimiter, skip)
    column_plan = build_plan(headers, mapping)
    if not column_plan.has_identity:
        shown = ", ".join(f"'{clip(h)}'" for h in headers[:6]) + (", …" if len(headers) > 6 else "")
        raise UnmappedColumnsError(
            f"{path.name} has no name, email, phone or company column (its columns are {shown}).",
            tuple(headers),
        )
    return LeadFile(
        path,
        "csv",
        column_plan.detected,
        dict(column_plan.mapping),
        total,
        encoding=encoding,
        delimiter=delimiter,
        skip_lines=skip,
        default_region=region,
        stamp=stamp,
        _plan=column_plan,
    )


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_HEADER_SEARCH = 50  # records looked at for the header


def find_header(text: str, mapping: Mapping[str, str] | None = None) -> tuple[int, str]:
    """(physical lines before the header, delimiter) of a table's start.

    The header is the first record whose columns map to person fields: lines before it (LinkedIn's
    "Notes:" paragraph, a report title, blank lines, Excel's "sep=;" hint) are a preamble. A table
    without such a record starts at its first non-blank line (its columns can be mapped by hand).
    """
    lines = _LINE.findall(text)
    hint: str | None = None
    fallback: tuple[int, str] | None = None
    index = records = 0
    while index < len(lines) and records < _HEADER_SEARCH:
        start, record = index, lines[index]
        index += 1
        while record.count('"') % 2 and index < len(lines):  # a quoted field spans lines
            record += lines[index]
            index += 1
        stripped = record.strip()
        if not stripped:
            continue
        records += 1
        if stripped.lower().startswith("sep=") and len(stripped) == 5:
            hint = stripped[4]
            continue
        delimiter = hint or sniff_delimiter(record + "".join(lines[index : index + 4]))
        try:
            cells = next(csv.reader(io.StringIO(record), delimiter=delimiter), [])
        except csv.Error:
            continue
        if fallback is None:
            fallback = (start, delimiter)
        if build_plan([c.strip() for c in cells], mapping).has_identity:
            return start, delimiter
    return fallback or (0, hint or ",")


def _read_header(path: Path, encoding: str, delimiter: str, skip: int) -> list[str]:
    raw, stream = open_text(path, encoding)
    try:
        for _ in range(skip):
            stream.readline()
        reader = csv.reader(stream, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise LeadFileError(f"{path.name} is empty.")
        if not any(cell.strip() for cell in header):
            raise LeadFileError(
                f"{path.name} has an empty first row where the column headers should be."
            )
        for record in reader:
            if record:
                break
        else:
            raise LeadFileError(f"{path.name} has a header row but no data rows.")
    except csv.Error as exc:
        raise LeadFileError(f"{path.name} cannot be read as a CSV table ({exc}).") from exc
    finally:
        stream.close()
    return [cell.strip().lstrip("\ufeff").strip() for cell in header]
