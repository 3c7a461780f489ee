"""Open a lead file (CSV from a CRM, form or spreadsheet, or vCard) and stream its rows as leads."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from repdesk.core.quoting import clip
from repdesk.formats.header_map import ColumnPlan, build_plan
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
from repdesk.formats.vcard import iter_vcards, looks_like_vcard, property_plan

__all__ = ["LeadFile", "LeadFileError", "ParsedLead", "UnmappedColumnsError", "open_lead_file"]


@dataclass(frozen=True)
class ParsedLead:
    """One row (CSV record or vCard card) of a lead file, normalised."""

    row: int
    fields: dict[str, str]
    received_at: datetime | None
    extra: dict[str, str]
    problem: str | None


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
    skip_records: int = field(default=0, repr=False)
    default_region: str = field(default="US", repr=False)
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
            )
        assert self._plan is not None
        return iter_csv(
            self.path,
            self.encoding,
            self.delimiter,
            self.skip_records,
            self._plan,
            self.default_region,
            ParsedLead,
            self._progress.attach,
        )

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
        total = path.stat().st_size
    except OSError as exc:
        raise LeadFileError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    encoding = detect_encoding(path, head)
    text = decode_bytes(head, encoding).lstrip("\ufeff")
    region = (default_region or "US").upper()
    if looks_like_vcard(text):
        plan = property_plan(mapping)
        return LeadFile(
            path, "vcard", "vcard", plan, total, encoding=encoding, default_region=region
        )
    skip, delimiter = _preamble(text)
    if delimiter is None:
        delimiter = sniff_delimiter(_drop_lines(text, skip))
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
        skip_records=skip,
        default_region=region,
        _plan=column_plan,
    )


def _preamble(text: str) -> tuple[int, str | None]:
    """Records before the header: blank lines and Excel's "sep=;" hint (which names the
    delimiter)."""
    skip = 0
    for line in text.splitlines():
        stripped = line.strip()
        if not line:
            skip += 1
            continue
        if stripped.lower().startswith("sep=") and len(stripped) == 5:
            return skip + 1, stripped[4]
        break
    return skip, None


def _drop_lines(text: str, count: int) -> str:
    for _ in range(count):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return text


def _read_header(path: Path, encoding: str, delimiter: str, skip: int) -> list[str]:
    raw, stream = open_text(path, encoding)
    try:
        reader = csv.reader(stream, delimiter=delimiter)
        for _ in range(skip):
            next(reader, None)
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
