"""Hostile inputs stay data: a parser's time grows in step with its input (never with its square),
no input makes a parser raise, and no message quotes more than a readable piece of the input.

Growth is measured as a ratio in one run (the best of three processor times of an input and of
one four times its size): linear work gives about 4, the quadratic paths these tests were written
against gave 16 and more. Full sizes are timed in tests/bench/bench_parsers.py.
"""

from __future__ import annotations

import time
import timeit
from collections.abc import Callable
from pathlib import Path

import pytest

from repdesk.core.conditions import ConditionError, condition_from_data, parse_condition
from repdesk.formats.form_email import MAX_MAIL_BYTES, parse_form_email
from repdesk.formats.lead_file import LeadFileError, open_lead_file
from repdesk.formats.script_file import ScriptFileError, dump, load, load_default
from tests.formats import hostile_inputs as hostile

GROWTH_LIMIT = 8.0  # linear: about 4; quadratic: about 16


def best(run: Callable[[], object]) -> float:
    """The least processor time of three runs (other programs on a busy machine hardly move it,
    unlike wall time)."""
    return min(timeit.repeat(run, number=1, repeat=3, timer=time.process_time))


def growth(make: Callable[[int], object], run: Callable[[object], object], size: int) -> float:
    small, large = make(size), make(4 * size)
    run(small)  # first use: caches, compiled patterns
    return best(lambda: run(large)) / best(lambda: run(small))


def read_rows(tmp_path: Path, suffix: str) -> Callable[[object], object]:
    def run(data: object) -> object:
        path = tmp_path / f"input{suffix}"
        path.write_bytes(data)  # type: ignore[arg-type]
        return list(open_lead_file(path).rows())

    return run


def test_repeated_vcard_labels_take_time_in_step_with_their_number(tmp_path: Path) -> None:
    ratio = growth(hostile.vcard_repeated_labels, read_rows(tmp_path, ".vcf"), 1_000)
    assert ratio < GROWTH_LIMIT


def test_quoted_printable_soft_breaks_take_time_in_step_with_their_length(tmp_path: Path) -> None:
    ratio = growth(hostile.vcard_soft_breaks, read_rows(tmp_path, ".vcf"), 100_000)
    assert ratio < GROWTH_LIMIT


def test_repeated_csv_column_names_take_time_in_step_with_their_number(tmp_path: Path) -> None:
    def columns(count: int) -> bytes:
        return ("Email," + ",".join(["Note"] * count) + "\nana@x.example\n").encode()

    assert growth(columns, read_rows(tmp_path, ".csv"), 2_000) < GROWTH_LIMIT


@pytest.mark.parametrize(
    "body",
    [
        lambda n: "--- Name ---\nAna Ruiz\n" * n,  # many fields of one name (WPForms plain text)
        lambda n: "Name: Ana Ruiz\nEmail: ana@x.example\nMessage: hello\n" + "more\n" * n,
        lambda n: "Why?\nbecause\n" * n,  # question and answer lines (Typeform)
    ],
    ids=["dashed fields", "long message", "questions"],
)
def test_a_form_mail_takes_time_in_step_with_its_length(body: Callable[[int], str]) -> None:
    from email.message import EmailMessage

    def mail(n: int) -> bytes:
        msg = EmailMessage()
        msg["From"] = "Ana Ruiz <ana@x.example>"
        msg["Subject"] = "Quote"
        msg.set_content(body(n))
        return msg.as_bytes()

    assert growth(mail, lambda raw: parse_form_email(raw), 4_000) < GROWTH_LIMIT  # type: ignore[arg-type]


def test_a_subject_of_many_encoded_words_is_read_in_bounded_time() -> None:
    ratio = growth(hostile.subject_of_encoded_words, lambda raw: parse_form_email(raw), 20_000)  # type: ignore[arg-type]
    assert ratio < GROWTH_LIMIT
    parsed = parse_form_email(hostile.subject_of_encoded_words(100_000))
    assert any("Subject header" in note for note in parsed.notes)


def test_a_huge_mail_is_read_up_to_its_bound_and_says_so() -> None:
    parsed = parse_form_email(hostile.form_mail(MAX_MAIL_BYTES + 1_000_000))
    assert parsed.lead.fields["email"] == "ana@x.example"
    assert any("only its start was read" in note for note in parsed.notes)


@pytest.mark.parametrize(
    "raw, reason",
    [
        (hostile.charset_with_nul(), None),  # read as UTF-8, with a note
        (hostile.nested_mime(1_000), "nested more than 64 deep"),
        (hostile.nested_mime(40), None),  # deep but readable
        (b"\xff\xfe\x00garbage\r\n\r\n\x00", "no From header"),
    ],
    ids=["NUL in charset", "MIME 1,000 deep", "MIME 40 deep", "garbage"],
)
def test_a_mail_never_raises(raw: bytes, reason: str | None) -> None:
    parsed = parse_form_email(raw)
    if reason is None:
        assert parsed.lead.problem is None
        assert parsed.lead.fields["email"] == "ana@x.example"
    else:
        assert parsed.lead.problem is not None and reason in parsed.lead.problem


def test_a_charset_with_a_nul_is_named_in_a_note() -> None:
    parsed = parse_form_email(hostile.charset_with_nul())
    assert any("unknown charset" in note for note in parsed.notes)


@pytest.mark.parametrize("depth", [33, 400, 5_000])
def test_a_condition_nested_too_deep_is_one_sentence(depth: int) -> None:
    with pytest.raises(ConditionError, match="nest at most 32 levels"):
        parse_condition(hostile.nested_condition(depth))
    with pytest.raises(ConditionError, match="nest at most 32 levels"):
        parse_condition("not " * depth + "need = yes")
    data: dict[str, object] = {"question": "need", "op": "eq", "value": "yes"}
    for _ in range(depth):
        data = {"not": data}
    with pytest.raises(ConditionError, match="nest at most 32 levels"):
        condition_from_data(data)


def test_a_script_file_with_a_condition_nested_too_deep_names_its_line() -> None:
    bundle = load_default()
    text = dump(bundle.sets, bundle.rules)
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("when:"))
    lines[index] = "when: " + hostile.nested_condition(400)
    with pytest.raises(ScriptFileError) as info:
        load("\n".join(lines) + "\n")
    assert info.value.line == index + 1
    assert "nest at most 32 levels" in str(info.value)


def test_a_message_quotes_a_readable_piece_of_a_huge_column_name(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(("X" * 10_000_000 + ",Notes\n1,2\n").encode())
    with pytest.raises(LeadFileError) as info:
        open_lead_file(path)
    message = str(info.value)
    assert len(message) < 300 and "10,000,000 characters" in message


def test_a_rejected_row_quotes_a_readable_piece_of_its_address(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(("Email\n" + "not-an-address" * 100_000 + "\n").encode())
    (row,) = list(open_lead_file(path).rows())
    assert row.problem is not None and len(row.problem) < 200


def test_a_column_name_with_a_line_break_is_quoted_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"  # found by the fuzzer: a quoted header holding a newline
    path.write_bytes(b'",Email\nEmail,"\n",')
    with pytest.raises(LeadFileError) as info:
        list(open_lead_file(path).rows())
    assert "\n" not in str(info.value) and "Email\\nEmail" in str(info.value)
