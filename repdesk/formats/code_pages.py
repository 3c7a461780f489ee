"""Which Windows code page a text that is not UTF-8 was written in (an Outlook 2003 vCard in
Cyrillic, a Czech CSV): the page under which its letters read as one language's letters."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A word: letters of ASCII or any byte beyond it ("N:Παπαδόπουλος;Γιώργος" is three words).
_WORD = re.compile(rb"[A-Za-z\x80-\xff]+")
#: Candidates, in the order that breaks a tie (Western European first: the most common).
CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257")

# The letters beyond ASCII that each code page's languages write (lower case). A text is read in
# the page whose decoding is best explained by one of its languages.
_LANGUAGES: dict[str, tuple[str, ...]] = {
    "cp1252": (
        "éèêëàâçîïôûùüÿœæ",  # French
        "äöüß",  # German
        "áéíóúñü",  # Spanish
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíòóù",  # Italian
        "åäöøæé",  # Nordic
        "áðéíóúýþæö",  # Icelandic
        "ëïéèö",  # Dutch
    ),
    "cp1250": (
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "čćđšž",  # Croatian, Slovene, Bosnian
        "ăâîşţ",  # Romanian
        "ëç",  # Albanian
    ),
    "cp1251": ("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўјљњћђџѓќѕ",),
    "cp1253": ("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",),
    "cp1254": ("çğıöşü", "âîû"),
    "cp1257": ("āčēģīķļņšūž", "ąčęėįšųūž", "äõöüšž"),
}
# Within one alphabet, the letters a text uses most: Greek read as Cyrillic (or the reverse) is all
# letters too, but of the wrong frequencies.
_FREQUENT = {
    "cp1251": frozenset("оеаинтсрвлкмдпу"),
    "cp1253": frozenset("αοιετσνηυρπκμλάέίόήύώς"),
}


def guess_code_page(data: bytes, fallback: str = "cp1252") -> str:
    """The code page under which `data` (not UTF-8) reads best; `fallback` when nothing beyond ASCII
    tells."""
    high = [word for word in _WORD.findall(data) if any(b >= 0x80 for b in word)]
    if not high:
        return fallback
    sample = b" ".join(high[:2000])
    scores = {page: _score(sample, page) for page in CODE_PAGES}
    best = max(CODE_PAGES, key=lambda page: (scores[page], page == fallback))
    return best


def _score(sample: bytes, page: str) -> float:
    text = sample.decode(page, errors="replace")
    letters = [ch for ch in text if ord(ch) >= 0x80]
    if not letters:
        return 0.0
    penalty = 0.0
    for ch in letters:
        if ch == "\ufffd" or not unicodedata.category(ch).startswith("L"):
            penalty += 3
    for word in text.split():
        if "ς" in word.rstrip(".,;:)")[:-1]:  # final sigma inside a word: not Greek
            penalty += 3
        if _mixed_case(word):
            penalty += 2
        penalty += 3 * _foreign_in_latin(word)
    best = max(_explained(letters, language) for language in _LANGUAGES[page])
    frequent = _FREQUENT.get(page)
    if frequent is not None:
        share = sum(1 for ch in letters if ch.lower() in frequent) / len(letters)
        best *= 0.5 + share
    return best - penalty


@lru_cache(maxsize=64)
def _letter_set(language: str) -> frozenset[str]:
    return frozenset(language)


def _explained(letters: list[str], language: str) -> float:
    alphabet = _letter_set(language)
    return float(sum(1 for ch in letters if ch.lower() in alphabet))


def _foreign_in_latin(word: str) -> int:
    """Letters of another alphabet inside a word of ASCII letters ("Mьller": a wrong page)."""
    if not any(ch.isascii() and ch.isalpha() for ch in word):
        return 0
    return sum(1 for ch in word if ord(ch) >= 0x80 and ch.isalpha() and not _latin(ch))


@lru_cache(maxsize=1024)
def _latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def _mixed_case(word: str) -> bool:
    """An upper-case letter after a lower-case one in a word (the "ÐŸÐµ" of a wrong page)."""
    seen_lower = False
    for ch in word:
        if ch.islower():
            seen_lower = True
        elif ch.isupper() and seen_lower and ord(ch) >= 0x80:
            return True
    return False
