"""An import streams its rows (issue 20.6): pass 1 spools the file and counts its match keys, pass 2
matches and writes a chunk at a time in one transaction. Chunks of three rows here, so every file
spans many; what it writes is what matching the whole file in memory (the estimate) says, and bad
input stores nothing."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from repdesk.app import Workspace, open_workspace
from repdesk.services.common.errors import UserError
from repdesk.services.imports import import_stream
from repdesk.store.locations import resolve_url
from repdesk.store.models import (
    ActivityRecord,
    FollowUpRecord,
    LeadKeyRecord,
    LeadRecord,
    PossibleDuplicateRecord,
)
from tests.fixtures.workspace import FakeClock

HEADER = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name"]
FIRST = ["Ana", "Bo", "Cy"]
LAST = ["Ruiz", "Li"]
COMPANY = ["Acme", "Globex", ""]
EMAILS = ["", "", "a@x.example", "b@x.example", "c@x.example", "d@x.example"]
PHONES = ["", "", "(614) 555-0101", "(614) 555-0102"]


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_stream, "CHUNK", 3)


def _counts(ws: Workspace) -> tuple[int, int]:
    with ws.sessions() as session:
        leads = session.scalar(select(func.count(LeadRecord.id))) or 0
        pairs = session.scalar(select(func.count(PossibleDuplicateRecord.id))) or 0
    return leads, pairs


def _write(path: Path, rows: list[tuple[int | None, int, int, int, int, int]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for record, first, last, email, phone, company in rows:
        writer.writerow(
            [
                "" if record is None else str(5000 + record),
                FIRST[first],
                LAST[last],
                EMAILS[email],
                PHONES[phone],
                COMPANY[company],
            ]
        )
    path.write_text(out.getvalue(), encoding="utf-8")


_ROW = st.tuples(
    st.none() | st.integers(0, 30),
    st.integers(0, len(FIRST) - 1),
    st.integers(0, len(LAST) - 1),
    st.integers(0, len(EMAILS) - 1),
    st.integers(0, len(PHONES) - 1),
    st.integers(0, len(COMPANY) - 1),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=st.lists(_ROW, max_size=12), rows=st.lists(_ROW, min_size=1, max_size=25))
def test_a_streamed_import_writes_what_matching_the_whole_file_says(
    workspace: Workspace, tmp_path: Path, before: list[tuple[int | None, int, int, int, int, int]],
    rows: list[tuple[int | None, int, int, int, int, int]],
) -> None:  # fmt: skip
    """Names shared across chunks, people met again in a later chunk, leads of an earlier import:
    the streamed run adds, merges and pairs exactly as the in-memory estimate of the same rows."""
    ws = workspace
    if before:
        _write(tmp_path / "before.csv", before)
        ws.imports.import_files([tmp_path / "before.csv"])
    leads, pairs = _counts(ws)
    path = tmp_path / "rows.csv"
    _write(path, rows)
    estimate = ws.imports.estimate([path])
    summary = ws.imports.import_files([path])
    assert (summary.added, summary.merged, summary.possible_duplicates) == (
        estimate.new,
        estimate.merges,
        estimate.possible_duplicates,
    )
    assert _counts(ws) == (leads + summary.added, pairs + summary.possible_duplicates)
    if summary.import_id is not None:
        ws.imports.undo_import(summary.import_id)
        assert _counts(ws)[0] == leads
    if before:
        ws.imports.undo_import()  # the earlier import, for the next example
    assert _counts(ws) == (0, 0)


def _content(ws: Workspace) -> list[Any]:
    """Everything the imports wrote, with each lead named by its values instead of its id."""
    columns = [c for c in LeadRecord.__table__.c if c.name not in ("id", "search_text")]
    with ws.sessions() as session:
        leads = {row[0]: repr(row[1:]) for row in session.execute(select(LeadRecord.id, *columns))}
        activities = sorted(
            (leads[lead], kind, body, when)
            for lead, kind, body, when in session.execute(
                select(
                    ActivityRecord.lead_id,
                    ActivityRecord.kind,
                    ActivityRecord.body,
                    ActivityRecord.occurred_at,
                )
            )
        )
        keys = sorted(
            (leads[lead], key)
            for lead, key in session.execute(select(LeadKeyRecord.lead_id, LeadKeyRecord.key))
        )
        steps = sorted(
            (leads[lead], repr(due))
            for lead, due in session.execute(select(FollowUpRecord.lead_id, FollowUpRecord.due_at))
        )
        pairs = sorted(
            (leads[a], leads[b], reason)
            for a, b, reason in session.execute(
                select(
                    PossibleDuplicateRecord.lead_id,
                    PossibleDuplicateRecord.other_id,
                    PossibleDuplicateRecord.reason,
                )
            )
        )
    return [sorted(leads.values()), activities, keys, steps, pairs]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=st.lists(_ROW, max_size=10), rows=st.lists(_ROW, min_size=1, max_size=25))
# Ana Ruiz of Acme again in the second chunk, without an e-mail: the same person by name.
@example(
    before=[],
    rows=[
        (None, 0, 0, 2, 0, 0),
        (None, 1, 1, 3, 0, 0),
        (None, 2, 1, 4, 0, 0),
        (None, 0, 0, 0, 0, 0),
    ],
)
# The same, each with its own record id: never one person by name alone, only a pair.
@example(
    before=[], rows=[(1, 0, 0, 2, 0, 0), (2, 1, 1, 3, 0, 0), (3, 2, 1, 4, 0, 0), (4, 0, 0, 0, 0, 0)]
)
# A lead of the workspace met by name in the second chunk.
@example(
    before=[(None, 0, 0, 0, 2, 0)],
    rows=[
        (None, 1, 1, 3, 0, 0),
        (None, 2, 1, 4, 0, 0),
        (None, 1, 0, 5, 0, 1),
        (None, 0, 0, 0, 0, 0),
    ],
)
def test_chunks_of_three_write_what_one_chunk_writes(
    monkeypatch: pytest.MonkeyPatch, before: list[tuple[int | None, int, int, int, int, int]],
    rows: list[tuple[int | None, int, int, int, int, int]],
) -> None:  # fmt: skip
    """Within one chunk every row meets every earlier row's person as it is: the same rows in
    chunks of three (people written, then met again only as someone to pair with) leave every
    table as one chunk does, lead for lead, on an empty workspace and on one with leads."""
    written = []
    for chunk in (3, 10_000):
        monkeypatch.setattr(import_stream, "CHUNK", chunk)
        with tempfile.TemporaryDirectory() as folder:
            ws = open_workspace(resolve_url(str(Path(folder) / "w.sqlite3")), clock=FakeClock())
            try:
                if before:
                    _write(Path(folder) / "before.csv", before)
                    ws.imports.import_files([Path(folder) / "before.csv"])
                _write(Path(folder) / "rows.csv", rows)
                ws.imports.import_files([Path(folder) / "rows.csv"])
                written.append(_content(ws))
            finally:
                ws.close()
    assert written[0] == written[1]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(good=st.integers(0, 20), after=st.integers(1, 5))
def test_a_quote_that_never_closes_after_many_chunks_stores_nothing(
    workspace: Workspace, tmp_path: Path, good: int, after: int
) -> None:
    path = tmp_path / "broken.csv"
    lines = ["Name,Email,Notes"]
    lines += [f"P{i} Lee,p{i}@x.example,fine" for i in range(good)]
    lines.append('Bad Row,bad@x.example,"never closed')
    lines += [f"Q{i} Lee,q{i}@x.example,ok" for i in range(after)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        workspace.imports.import_files([path])
    assert "never closes" in str(caught.value)
    assert str(caught.value).count(". ") == 0  # one sentence
    assert _counts(workspace) == (0, 0)


def test_a_file_that_changes_while_it_is_read_stores_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "growing.csv"
    path.write_text(
        "Name,Email\n" + "".join(f"P{i} Lee,p{i}@x.example\n" for i in range(5000)),
        encoding="utf-8",
    )

    def progress(share: float) -> None:
        if share < 0.7 and path.stat().st_size < 200_000:  # while reading: something appends
            with path.open("a", encoding="utf-8") as handle:
                handle.write("Late Row,late@x.example\n" * 3000)

    with pytest.raises(UserError) as caught:
        workspace.imports.import_files([path], progress=progress)
    assert str(caught.value) == (
        "growing.csv changed while it was being read, so nothing was imported; import it again "
        "once whatever is writing it has finished."
    )
    assert _counts(workspace) == (0, 0)


def test_a_file_changed_after_it_was_read_is_imported_as_it_was_read(
    workspace: Workspace, tmp_path: Path
) -> None:
    """The file is read once: a change after pass 1 (while the rows are matched and written) does
    not reach the import, which writes exactly the rows it read."""
    path = tmp_path / "people.csv"
    path.write_text(
        "Name,Email\n" + "".join(f"P{i} Lee,p{i}@x.example\n" for i in range(10)),
        encoding="utf-8",
    )

    def progress(share: float) -> None:
        if share >= 0.75:  # pass 2
            path.write_text("Name,Email\nSomeone Else,else@x.example\n", encoding="utf-8")

    summary = workspace.imports.import_files([path], progress=progress)
    assert summary.added == 10
    emails = {lead.email for lead in workspace.leads.list_leads()}
    assert emails == {f"p{i}@x.example" for i in range(10)}


def test_a_windows_byte_far_into_the_file_is_read_as_windows_text(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "late.csv"
    body = "Name,Email\n" + "".join(f"P{i} Lee,p{i}@x.example\n" for i in range(20_000))
    path.write_bytes(body.encode("ascii") + "Zoë Park,zoe@x.example\n".encode("cp1252"))
    summary = workspace.imports.import_files([path])
    assert summary.added == 20_001
    with workspace.sessions() as session:
        names = session.scalars(
            select(LeadRecord.first_name).where(LeadRecord.email == "zoe@x.example")
        ).all()
    assert names == ["Zoë"]
