"""Input quoted in a message stays one readable line: cut to its limit, line breaks and other
control characters shown as escapes (a column name holding a newline split the sentence)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.quoting import QUOTE_LIMIT, clip, quoted


def test_a_line_break_in_quoted_input_is_shown_not_kept() -> None:
    assert clip(",Email\nEmail,") == ",Email\\nEmail,"
    assert clip("a\r\tb\x00c") == "a\\r\\tb\\x00c"
    assert clip("Café – “ok”") == "Café – “ok”"


def test_a_long_input_is_cut_with_its_length() -> None:
    assert clip("X" * 10_000_000) == "X" * QUOTE_LIMIT + "… (10,000,000 characters)"


@given(st.text())
def test_a_quote_is_always_one_short_line(text: str) -> None:
    for shown in (clip(text), quoted(text)):
        assert not any(ch in shown for ch in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        assert len(shown) <= 10 * QUOTE_LIMIT + 40  # an escape is at most 10 characters
