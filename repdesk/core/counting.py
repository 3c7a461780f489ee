"""Counts in sentences: '1 lead', '2 leads', '1,200 leads' - the one rule every message uses for a
number and its noun."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` (thousands grouped) and `noun` in its number: the singular for exactly one, else
    `plural` (default: the noun with an s)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
