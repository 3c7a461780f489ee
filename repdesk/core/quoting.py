"""Input quoted inside a message, cut to a readable length and kept on one line (a 10 MB name,
or one holding a line break, stays one sentence)."""

from __future__ import annotations

import unicodedata

#: The most characters of someone's input a message quotes.
QUOTE_LIMIT = 60


def clip(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` as text, cut after `limit` characters with an ellipsis and the whole's length."""
    text = str(value)
    if len(text) <= limit:
        return _one_line(text)
    return f"{_one_line(text[:limit])}… ({len(text):,} characters)"


_BREAKING = frozenset({"Cc", "Zl", "Zp"})  # control characters, line and paragraph separators


def _one_line(text: str) -> str:
    """Line breaks and other control characters shown as escapes, as repr() shows them."""
    if all(ch.isprintable() or ch == " " for ch in text):
        return text
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) in _BREAKING else ch for ch in text)


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` in quotes as repr() writes it, cut like clip()."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"
