"""Fuzzing of the four parsers of outside input, for a fixed budget of examples each: CSV and vCard
lead files, form e-mails, script files (with their conditions). Inputs are stitched from pieces
of each format's own syntax (so they get past the first check) and from arbitrary bytes. No input
may raise anything but the parser's one-sentence error, however it is nested or encoded."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repdesk.core.conditions import ConditionError, parse_condition
from repdesk.formats.form_email import parse_form_email
from repdesk.formats.lead_file import LeadFileError, open_lead_file
from repdesk.formats.script_file import ScriptFileError, load

BUDGET = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def stitched(pieces: list[str], *, joiner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text made of the format's pieces, arbitrary text and joiners, repeated and nested."""
    piece = st.one_of(st.sampled_from(pieces), st.text(max_size=12))
    return st.lists(st.tuples(piece, joiner), max_size=40).map(
        lambda parts: "".join(p + j for p, j in parts)
    )


def as_bytes(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    encodings = st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"])
    return st.one_of(
        st.tuples(text, encodings).map(lambda t: t[0].encode(t[1], errors="replace")),
        st.binary(max_size=300),
    )


CSV_PIECES = ["Email", "Name", "Phone", '"', '""', ",", ";", "\t", "sep=;", "\ufeff", "\x00", "=\r"]
VCARD_PIECES = [
    "BEGIN:VCARD",
    "END:VCARD",
    "VERSION:2.1",
    "FN:Ana",
    "N:Ruiz;Ana",
    "EMAIL;TYPE=PREF:ana@x.example",
    "TEL:+1 555 0100",
    "item1.X-ABLABEL:_$!<Other>!$_",
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=utf-8:",
    "NOTE;CHARSET=\x00:",
    "=C3=A9=",
    "=\r\n",
    " ",
    "\\n",
    "\\;",
    ";",
]
MAIL_PIECES = [
    "From: Ana <ana@x.example>",
    "Subject: =?utf-8?q?Anfrage?=",
    "=?utf-8?b?QW5h?=",
    "=?x\x00y?q?a?=",
    "Content-Type: multipart/mixed; boundary=b",
    'Content-Type: text/plain; charset="utf\x008"',
    "Content-Type: text/html",
    "Content-Transfer-Encoding: base64",
    "Content-Transfer-Encoding: quoted-printable",
    "--b",
    "--b--",
    "Name: Ana",
    "Email: ana@x.example",
    "--- Email ---",
    "<p>Phone</p><td>555</td>",
    "What's your email?",
    "",
]
SCRIPT_PIECES = [
    "[set core]",
    "[set product widgets]",
    "[question need]",
    "[rules]",
    "type: yes_no",
    "type: choice",
    "prompt: Why?",
    "option a: A (points 1)",
    "weight: 3",
    "weight: 1e999",
    "when: need = yes",
    "when: (((a = 1",
    "when: not not need in (a, b)",
    "qualified when: need = yes",
    "  continued",
    "#",
]
CONDITION_PIECES = ["(", ")", "not", "and", "or", "in", "answered", "=", "!=", ">=", '"', "a", "1"]


def lead_rows(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            for _ in open_lead_file(path).rows():
                pass
        except LeadFileError as exc:
            assert str(exc).strip() and "\n" not in str(exc)


@BUDGET
@given(as_bytes(stitched(CSV_PIECES, joiner=st.sampled_from([",", "\n", "\r\n", ";", "\t", ""]))))
def test_any_csv_gives_rows_or_one_sentence(data: bytes) -> None:
    lead_rows(data, ".csv")


@BUDGET
@given(as_bytes(stitched(VCARD_PIECES, joiner=st.sampled_from(["\r\n", "\n", ":", ""]))))
def test_any_vcard_gives_rows_or_one_sentence(data: bytes) -> None:
    lead_rows(data, ".vcf")


@BUDGET
@given(as_bytes(stitched(MAIL_PIECES, joiner=st.sampled_from(["\r\n", "\n", "\r\n\r\n", ""]))))
def test_any_mail_is_parsed_without_raising(data: bytes) -> None:
    parsed = parse_form_email(data)
    assert parsed.lead.problem is None or parsed.lead.problem.strip()


@BUDGET
@given(stitched(SCRIPT_PIECES, joiner=st.sampled_from(["\n", " ", ""])))
def test_any_script_file_loads_or_names_its_line(text: str) -> None:
    try:
        load(text)
    except ScriptFileError as exc:
        assert str(exc).startswith("line ") and exc.line >= 1


@BUDGET
@given(
    st.one_of(
        stitched(CONDITION_PIECES, joiner=st.sampled_from([" ", ""])),
        st.integers(1, 3000).map(lambda n: "(" * n + "a = 1" + ")" * n),
        st.integers(1, 3000).map(lambda n: "not " * n + "a = 1"),
    )
)
def test_any_condition_parses_or_names_its_column(text: str) -> None:
    try:
        parse_condition(text)
    except ConditionError as exc:
        assert exc.reason.strip()
