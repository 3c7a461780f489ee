"""Contact normalisation as pure functions: e-mail addresses and names (phones: core.phones)."""

from __future__ import annotations

import re
from typing import Protocol

from repdesk.core.phones import normalize_phone

# One "@", something before it, a dot in the domain, no spaces or list separators, and none of
# ? & % # / (legal in a local part, but in a mailto: link they add recipients or parameters:
# "a?cc=boss@corp.example" is refused rather than kept as a trap for the rep's mail draft).
_EMAIL_RE = re.compile(
    r"[^@\s,;:<>()\[\]\"\\?&%#/]+@[^@\s,;:<>()\[\]\"\\?&%#/.][^@\s,;:<>()\[\]\"\\?&%#/]*"
    r"\.(?:[^\W_]|-){2,}"
)

_NAME_PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "da",
        "di",
        "del",
        "della",
        "der",
        "den",
        "du",
        "la",
        "le",
        "dos",
        "das",
        "bin",
        "al",
        "st.",
        "ten",
        "ter",
    }
)
_NAME_SUFFIXES = frozenset(
    {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md", "m.d.", "esq", "esq."}
)
_NAME_PREFIXES = frozenset(
    {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "prof", "prof.", "mx", "mx."}
)


def normalize_email(raw: str) -> str | None:
    """Return the address lower-cased and stripped, or None when it is not a valid address.

    "Dana <DANA@X.example>" and "mailto:dana@x.example" are accepted as dana@x.example.
    """
    text = raw.strip().lower()
    if "<" in text:
        start = text.find("<")
        end = text.find(">", start)
        if end > start:
            text = text[start + 1 : end].strip()
    if text.startswith("mailto:"):
        text = text[7:]
    if text.count("@") != 1 or ".." in text or len(text) > 254:
        return None
    if _EMAIL_RE.fullmatch(text) is None:
        return None
    return text


def split_name(full: str) -> tuple[str, str]:
    """Split a full name into (first, last).

    "Ava Thompson" -> ("Ava", "Thompson"); "Thompson, Ava" -> ("Ava", "Thompson");
    "Anna van der Berg" -> ("Anna", "van der Berg"); "Dr. Mary Ann Smith Jr." ->
    ("Mary Ann", "Smith Jr."); a single word is a first name.
    """
    text = " ".join(full.split())
    if not text:
        return "", ""
    if "," in text:
        last, _, first = text.partition(",")
        first, last = first.strip(), last.strip()
        if (
            first
            and last
            and first.lower().rstrip(".") not in {s.rstrip(".") for s in _NAME_SUFFIXES}
        ):
            return first, last
        text = " ".join(p for p in (last, first) if p)
    words = text.split(" ")
    while len(words) > 1 and words[0].lower() in _NAME_PREFIXES:
        words.pop(0)
    suffix: list[str] = []
    while len(words) > 2 and words[-1].lower().rstrip(",") in _NAME_SUFFIXES:
        suffix.insert(0, words.pop())
    if len(words) == 1:
        return words[0], " ".join(suffix)
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _NAME_PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:] + suffix)


def join_name(first: str, last: str) -> str:
    """The display name of a person from its parts ("" when both are empty)."""
    return " ".join(part for part in (first.strip(), last.strip()) if part)


class Named(Protocol):
    """What a lead's name is made of (a LeadRecord or a LeadSummary)."""

    @property
    def id(self) -> int: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def phone(self) -> str: ...


def display_name(lead: Named) -> str:
    """What a lead is called everywhere (lists, the detail, calendar events, the call script): the
    person, else the company, the email, the phone, else "Lead 12"."""
    return (
        join_name(lead.first_name or "", lead.last_name or "")
        or lead.company
        or lead.email
        or lead.phone
        or f"Lead {lead.id}"
    )


__all__ = ["display_name", "join_name", "normalize_email", "normalize_phone", "split_name"]
