"""Contact normalisation as pure functions: e-mail addresses, phone numbers to E.164, names."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

# One "@", something before it, a dot in the domain, no spaces or list separators.
_EMAIL_RE = re.compile(
    r"[^@\s,;:<>()\[\]\"\\]+@[^@\s,;:<>()\[\]\"\\.][^@\s,;:<>()\[\]\"\\]*\.(?:[^\W_]|-){2,}"
)

# Separators people type inside phone numbers; deleting them leaves the digits.
_PHONE_SEPARATORS = str.maketrans("", "", " -.()/\u00a0\t")

_NANP_REGIONS = frozenset({"US", "CA"})

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


def normalize_phone(raw: str, region: str = "US") -> str | None:
    """Return the number in E.164 ("+15550102001"), or None when it cannot be a phone number.

    An extension is kept as ";ext=12" ("+15550102001;ext=12", the tel: URI form).

    Numbers already in E.164 and plain NANP digits (for US/CA) take a fast path that does
    not call phonenumbers; the rest are parsed by phonenumbers (results cached).
    A number must be *possible* (right length for its country), not necessarily assigned:
    the fictional 555-01xx numbers used in examples are accepted.
    """
    text = raw.strip()
    if not text:
        return None
    digits = text.translate(_PHONE_SEPARATORS)
    if digits.startswith("+"):
        rest = digits[1:]
        # Already E.164; "+1" must be followed by exactly ten digits, "(0)" is a trunk prefix.
        plausible = rest.isdigit() and rest.isascii() and 8 <= len(rest) <= 15 and "(0)" not in text
        if plausible and rest[0] != "0" and (rest[0] != "1" or len(rest) == 11):
            return "+" + rest
    elif digits.isdigit() and digits.isascii() and region in _NANP_REGIONS:
        if len(digits) == 10 and digits[0] not in "01":
            return "+1" + digits
        if len(digits) == 11 and digits[0] == "1" and digits[1] not in "01":
            return "+" + digits
    return _parse_phone(text, region)


@lru_cache(maxsize=65536)
def _parse_phone(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    formatted: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.extension:  # "x12", "ext. 12": kept, in the tel: URI form (RFC 3966)
        return f"{formatted};ext={number.extension}"
    return formatted


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
