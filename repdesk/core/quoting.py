"""Input quoted inside a message, cut to a readable length (a 10 MB name stays one sentence)."""

from __future__ import annotations

#: The most characters of someone's input a message quotes.
QUOTE_LIMIT = 60


def clip(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` as text, cut after `limit` characters with an ellipsis and the whole's length."""
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` in quotes as repr() writes it, cut like clip()."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"
