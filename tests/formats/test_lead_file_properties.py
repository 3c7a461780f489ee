"""Property tests: any bytes give rows or LeadFileError; any well-formed table keeps every row;
a date column reads one way."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repdesk.formats.dates import day_first_for
from repdesk.formats.lead_file import LeadFileError, open_lead_file

KNOWN_HEADERS = [
    "First Name",
    "Last Name",
    "Name",
    "Email",
    "E-mail Address",
    "Phone Number",
    "Mobile",
    "Company Name",
    "Job Title",
    "Lead Status",
    "Contact owner",
    "Create Date",
    "Original Source",
    "Person - Name",
    "Person - Email",
    "FIRSTNAME",
    "mobilephone",
    "E-mail 1 - Value",
    "Phone 1 - Value",
    "Labels",
    "Timestamp",
    "Notes",
    "What can we help with?",
    "Record ID",
    "Lifecycle Stage",
    "Categories",
    "Business Phone",
    "Title",
    "Marketing emails opened",
]
IDENTITY = {
    "First Name",
    "Last Name",
    "Name",
    "Email",
    "E-mail Address",
    "Phone Number",
    "Mobile",
    "Company Name",
    "Person - Name",
    "Person - Email",
    "FIRSTNAME",
    "mobilephone",
    "E-mail 1 - Value",
    "Phone 1 - Value",
    "Business Phone",
}

cell_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "a@b.example",
            "(555) 010-2001",
            "NEW",
            "10/12/2026 9:14 PM",
            'say "hi",\nbye',
            "x ::: y",
            "Zoë; Ärger\r\n",
            "1791796440000",
            "  ",
        ]
    ),
)


def _open_and_read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        try:
            lead_file = open_lead_file(path)
        except LeadFileError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
        rows = list(lead_file.rows())
        assert all(row.row >= 1 for row in rows)
        assert lead_file.progress() == 1.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from([".csv", ".vcf", ""]))
def test_arbitrary_bytes_never_raise_anything_but_lead_file_error(data: bytes, suffix: str) -> None:
    _open_and_read(data, suffix)


texty = st.text(
    alphabet=st.sampled_from(list('BEGIN:VCARD\r\n;=,."\\ \tFNTELabc@.1+é:\x00')), max_size=400
)


@settings(max_examples=300, deadline=None)
@given(texty, st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_arbitrary_vcard_like_text_never_crashes(text: str, encoding: str) -> None:
    _open_and_read(("BEGIN:VCARD\r\n" + text).encode(encoding, errors="replace"), ".vcf")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.sampled_from(KNOWN_HEADERS), min_size=1, max_size=8, unique=True).filter(
        lambda hs: bool(IDENTITY & set(hs))
    ),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_well_formed_tables_keep_every_row(
    headers: list[str], data: st.DataObject, delimiter: str, encoding: str
) -> None:
    n_rows = data.draw(st.integers(min_value=1, max_value=12))
    table = [
        data.draw(st.lists(cell_text, min_size=len(headers), max_size=len(headers)))
        for _ in range(n_rows)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(table)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        path.write_bytes(buffer.getvalue().encode(encoding, errors="surrogatepass"))
        lead_file = open_lead_file(path)
        assert lead_file.kind == "csv"
        assert set(lead_file.mapping) == set(headers)
        rows = list(lead_file.rows())
    assert [row.row for row in rows] == list(range(1, n_rows + 1))
    for row, cells in zip(rows, table, strict=True):
        for header, cell in zip(headers, cells, strict=True):
            value = cell.strip()
            if value and lead_file.mapping[header] is None and " ::: " not in value:
                assert row.extra[header] == value
        named = any(
            lead_file.mapping[h] in {"first_name", "last_name", "name"} and c.strip()
            for h, c in zip(headers, cells, strict=True)
        )
        if named:  # a person is never dropped for what another cell holds
            assert row.problem is None, row.problem


@settings(max_examples=150, deadline=None)
@given(
    dates=st.lists(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), min_size=1),
    day_first=st.booleans(),
    region=st.sampled_from(["US", "GB", "DE", "CA"]),
)
def test_a_date_column_is_read_the_way_it_was_written(
    dates: list[date], day_first: bool, region: str
) -> None:
    """Every value of a column is read in one day/month order: the one its values prove, else the
    workspace region's."""
    pattern = "%d/%m/%Y" if day_first else "%m/%d/%Y"
    text = "Name,Date\n" + "".join(f"P{i},{d.strftime(pattern)}\n" for i, d in enumerate(dates))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dates.csv"
        path.write_text(text, encoding="utf-8")
        read = [row.received_at for row in open_lead_file(path, default_region=region).rows()]
    proven = any(d.day > 12 and d.day != d.month for d in dates)
    order = day_first if proven else day_first_for(region)
    expected = [
        datetime(d.year, d.month, d.day) if order == day_first else _swapped(d) for d in dates
    ]
    assert read == expected


def _swapped(d: date) -> datetime | None:
    try:
        return datetime(d.year, d.day, d.month)
    except ValueError:
        return None
