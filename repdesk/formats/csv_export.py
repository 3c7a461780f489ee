"""CSV export of report tables, with cells neutralised against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

#: A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The cell as text; text that a spreadsheet would run as a formula gets a leading
    apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        # Real numbers stay numbers, even -3: a spreadsheet cannot run them.
        return f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return out.getvalue()


def write_csv(path: Path, header: Sequence[object], rows: Iterable[Sequence[object]]) -> None:
    """Write UTF-8 with a byte-order mark, so Excel opens accents and arrows correctly."""
    path.write_text(csv_text(header, rows), encoding="utf-8-sig", newline="")
