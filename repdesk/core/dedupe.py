"""Whether two records are one person: the dedupe rules of an import as pure functions.

Keys in order of trust: a stable id (vCard UID, CRM record id, profile URL), an e-mail, a person's
phone (with its extension), and name + company when nothing else identifies anyone. A shared phone
never makes two records one person when their e-mails or names differ: such pairs are possible
duplicates for the rep to decide.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import cached_property, lru_cache

from repdesk.core.phones import PERSON_KINDS, Phone


class Match(Enum):
    SAME = "same"
    POSSIBLE = "possible"
    DIFFERENT = "different"


@dataclass(frozen=True)
class Identity:
    """What identifies one record: all of its e-mails, person phones, stable ids and name."""

    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    first: str = ""
    last: str = ""
    company: str = ""

    @cached_property
    def name_key(self) -> str:
        """Computed once: an import asks for it at every look-up of the record."""
        return name_key(self.first, self.last, self.company)


@lru_cache(maxsize=65536)  # names repeat across a file's rows, and folding is the slow part
def fold(text: str) -> str:
    """Lower case, accents and punctuation off, single spaces: names compare as people read them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def name_key(first: str, last: str, company: str) -> str:
    """ "ana ruiz|ruiz co" for a named person at a company, "|acme widgets" for a row that names
    only a company (the company is who it is); "" otherwise (a first name alone is too little)."""
    person = fold(f"{first} {last}")
    firm = fold(company)
    if not firm or (person and (not fold(first) or not fold(last))):
        return ""
    return f"{person}|{firm}"


def phone_key(phone: Phone) -> str | None:
    """The dedupe key of a person's number ("+12125550100;752" with its extension); None for a
    number that is not valid or belongs to a company, a fax or a pager."""
    if not phone.valid or phone.kind not in PERSON_KINDS:
        return None
    return f"{phone.number};{phone.ext}" if phone.ext else phone.number


def phone_keys(phones: Iterable[Phone]) -> frozenset[str]:
    return frozenset(k for p in phones if (k := phone_key(p)) is not None)


def _namespaces(keys: frozenset[str]) -> dict[str, str]:
    return {key.partition(":")[0]: key for key in keys}


def _names_differ(a: Identity, b: Identity) -> bool:
    """Both give a first (or last) name and they are not the same name (an initial matches)."""
    for left, right in ((a.first, b.first), (a.last, b.last)):
        x, y = fold(left), fold(right)
        if not x or not y or x == y:
            continue
        short, long_ = sorted((x, y), key=len)
        if len(short) == 1 and long_.startswith(short):
            continue  # "J" and "John"
        return True
    return False


def compare(a: Identity, b: Identity) -> Match:
    """SAME when the records are one person, POSSIBLE when a rep should look, else DIFFERENT.

    Symmetric: compare(a, b) is compare(b, a).
    """
    if a.keys & b.keys:
        return Match.SAME
    if a.emails & b.emails:
        return Match.SAME
    ids_differ = any(
        b_key != a_key
        for namespace, a_key in _namespaces(a.keys).items()
        if (b_key := _namespaces(b.keys).get(namespace)) is not None
    )
    shared_phone = bool(a.phones & b.phones)
    same_name = bool(a.name_key) and a.name_key == b.name_key
    if not (shared_phone or same_name):
        return Match.DIFFERENT
    if a.emails and b.emails:  # both have e-mails and none is shared: not one person by phone
        return Match.POSSIBLE
    if ids_differ or _names_differ(a, b):
        return Match.POSSIBLE
    return Match.SAME


#: How much a key is trusted when a record matches several people (lower wins).
def trust(a: Identity, b: Identity) -> int:
    if a.keys & b.keys:
        return 0
    if a.emails & b.emails:
        return 1
    if a.phones & b.phones:
        return 2
    return 3
