"""Phone numbers as pure functions: valid numbers to E.164 with their extension, several numbers in
one cell, the kinds of a person's numbers (country names to regions: core.countries)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, cast

import phonenumbers

from repdesk.core.countries import region_for_country

#: A person's numbers by kind; the lead's main phone is the first valid one of a kind that can be
#: called, in this order (a company switchboard only when nothing else is there).
PHONE_KINDS = ("main", "mobile", "work", "home", "other", "company", "assistant", "fax", "pager")
CALLABLE_KINDS = frozenset(PHONE_KINDS) - {"fax", "pager"}
#: Kinds that identify the person (dedupe keys); a company's phone is shared by its people.
PERSON_KINDS = frozenset({"main", "mobile", "work", "home", "other"})

_SEPARATORS = str.maketrans("", "", " -.()/\u00a0\t")
_NANP_REGIONS = frozenset({"US", "CA"})
_NANP_FIRST = frozenset("23456789")  # a North American national number's first digit


class Phone(NamedTuple):
    """One number of a person: E.164 when valid (`valid`), otherwise exactly as written."""

    number: str
    kind: str = "main"
    ext: str = ""
    valid: bool = True

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"number": self.number, "kind": self.kind}
        if self.ext:
            data["ext"] = self.ext
        if not self.valid:
            data["valid"] = False
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Phone:
        return cls(
            str(data.get("number", "")),
            str(data.get("kind", "main")),
            str(data.get("ext", "") or ""),
            bool(data.get("valid", True)),
        )


def normalize_phone(raw: str, region: str = "US") -> str | None:
    """The number in E.164 ("+16145550120") when it is a valid number, else None.

    Valid means assigned to a real numbering plan (phonenumbers' is_valid_number), not just of a
    possible length: "034 12 345 67" read in the US is no number at all, not +10341234567.
    A number starting with + is read in its own country; other numbers in `region`.
    """
    found = parse_phone(raw, region)
    return None if found is None else found[0]


def parse_phone(raw: str, region: str = "US") -> tuple[str, str] | None:
    """(E.164, extension) of a valid number written as one number, else None."""
    text = raw.strip()
    if not text:
        return None
    if text[:4].lower() == "tel:":
        text = text[4:]
    digits = text.translate(_SEPARATORS)
    if digits.isascii():
        # Plain digits ("+4930123456", "(614) 555-0120"): phonenumbers' parser is the slow part of
        # reading a number. A number its validity rules accept as written is taken at once; any
        # other goes through the parser, which also knows the prefixes people add.
        if digits[:1] == "+" and digits[1:].isdigit() and "(0" not in text:
            quick = _valid_international(digits[1:])
            if quick is not None:
                return quick
            if digits[1] == "1" and digits[2:3] in _NANP_FIRST:
                return None  # +1 and no trunk 1: no prefix fits, valid_national had the say
        elif digits.isdigit() and region in _NANP_REGIONS:
            national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
            if national[:1] in _NANP_FIRST:
                # Digits that start 2-9 in North America (or a 1 and ten such) are a national
                # number and nothing else (no international or trunk prefix fits them):
                # phonenumbers' verdict is valid_national's, so an invalid one needs no parser.
                return ("+1" + national, "") if valid_national(1, national) else None
    return _parse(text, region.upper() or "US")


def _valid_international(digits: str) -> tuple[str, str] | None:
    for size in (1, 2, 3):
        code = int(digits[:size]) if digits[:size] else 0
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            if national.startswith("0") and code != 39:  # a trunk 0 after the code: let
                return None  # phonenumbers decide what it means
            return ("+" + digits, "") if valid_national(code, national) else None
    return None


@lru_cache(maxsize=65536)
def _parse(text: str, region: str) -> tuple[str, str] | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    national = phonenumbers.national_significant_number(number)
    if number.country_code is None or not valid_national(number.country_code, national):
        return None
    e164: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, number.extension or ""


# -- validity: phonenumbers' is_valid_number with its patterns compiled once ---------------------
_DESCS = (  # the common kinds first: for validity any kind will do
    "fixed_line",
    "mobile",
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
_Desc = tuple[frozenset[int], "re.Pattern[str]"]


def _desc(desc: object) -> _Desc | None:
    pattern = getattr(desc, "national_number_pattern", None)
    if desc is None or not pattern:
        return None
    return frozenset(getattr(desc, "possible_length", ()) or ()), re.compile(pattern)


@lru_cache(maxsize=512)
def _region_rules(region: str, code: int) -> tuple[re.Pattern[str] | None, _Desc, list[_Desc]]:
    from phonenumbers.phonemetadata import PhoneMetadata

    if region == "001":
        metadata = PhoneMetadata.metadata_for_nongeo_region(code)
    else:
        metadata = PhoneMetadata.metadata_for_region(region)
    general = _desc(metadata.general_desc) if metadata is not None else None
    if metadata is None or general is None:
        return None, (frozenset(), re.compile(r"(?!)")), []
    leading = re.compile(metadata.leading_digits) if metadata.leading_digits else None
    kinds = [d for name in _DESCS if (d := _desc(getattr(metadata, name, None))) is not None]
    return leading, general, kinds


@lru_cache(maxsize=512)
def _code_rules(code: int) -> tuple[tuple[re.Pattern[str] | None, _Desc, list[_Desc]], ...]:
    """The rules of every region of a country code, in phonenumbers' order."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code) or ()
    return tuple(_region_rules(region, code) for region in regions)


_Rules = tuple[re.Pattern[str] | None, _Desc, list[_Desc]]


def _fits(rules: _Rules, national: str) -> bool:
    """The number is valid by one region's rules: its general shape and some kind's."""
    _, (lengths, pattern), kinds = rules
    size = len(national)
    if (lengths and size not in lengths) or pattern.fullmatch(national) is None:
        return False
    return any(
        (not kind_lengths or size in kind_lengths) and kind_pattern.fullmatch(national)
        for kind_lengths, kind_pattern in kinds
    )


@lru_cache(maxsize=512)
def _code_steps(code: int) -> tuple[tuple[re.Pattern[str] | None, tuple[_Rules, ...]], ...]:
    """The regions of a shared country code as phonenumbers tries them: a region without leading
    digits alone (None), each run of regions with leading digits as one pattern whose first
    matching alternative names the region."""
    steps: list[tuple[re.Pattern[str] | None, tuple[_Rules, ...]]] = []
    run: list[_Rules] = []

    def close() -> None:
        if run:
            alternatives = "|".join(
                f"(?P<r{i}>{cast(re.Pattern[str], r[0]).pattern})" for i, r in enumerate(run)
            )
            steps.append((re.compile(alternatives), tuple(run)))
            run.clear()

    for rules in _code_rules(code):
        if rules[0] is None:
            close()
            steps.append((None, (rules,)))
        else:
            run.append(rules)
    close()
    return tuple(steps)


@lru_cache(maxsize=8192)  # a cell's number is asked again when the cell is searched for others
def valid_national(code: int, national: str) -> bool:
    """Whether the national significant number `national` of country code `code` is valid, as
    phonenumbers.is_valid_number decides it (the region is the first whose leading digits match,
    else the first where the number is valid)."""
    rules = _code_rules(code)
    if not rules or not national.isdigit():
        return False
    if len(rules) == 1:
        return _fits(rules[0], national)
    for leading, regions in _code_steps(code):
        if leading is None:
            if _fits(regions[0], national):
                return True
            continue
        found = leading.match(national)
        if found is not None:
            name = next(k for k, v in found.groupdict().items() if v is not None)
            return _fits(regions[int(name[1:])], national)
    return False


def phones_in(raw: str, region: str = "US") -> tuple[list[tuple[str, str]], bool]:
    """Every valid number written in one cell, and whether the cell holds more than those numbers.

    "415-555-0144 - ask for the office manager" gives the number and True (the words are worth
    keeping); "415-555-0144 / 415-555-0199" gives both numbers; two numbers run together
    ("415-555-0144415-555-0199") are split when both halves are valid numbers.
    """
    text = raw.strip()
    single = parse_phone(text, region)
    if single is not None:
        return [single], False
    if _no_number_in(text, region):
        return _run_together(text, region), False
    found: list[tuple[str, str]] = []
    covered = 0
    try:
        matches = list(
            phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
        )
    except Exception:  # the matcher is heuristic over arbitrary text: never let it raise out
        matches = []
    for match in matches:
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((e164, match.number.extension or ""))
        covered += len(match.raw_string)
    if found:
        rest = text
        for match in matches:
            rest = rest.replace(match.raw_string, " ")
        leftover = any(ch.isalnum() for ch in rest)
        return found, leftover
    return _run_together(text, region), False


_NANP_CELL = frozenset("0123456789 -.()")


@lru_cache(maxsize=1)
def _nanp_lengths() -> tuple[tuple[int, re.Pattern[str]], ...]:
    """Each length a North American national number can have, with what any number of that
    length must look like in some region (a quick no before valid_national's full rules)."""
    shapes: dict[int, list[str]] = {}
    for _, (lengths, pattern), _ in _code_rules(1):
        if not lengths:
            return ()  # a region of any length: no quick no (the matcher reads every cell)
        for size in lengths:
            shapes.setdefault(size, []).append(f"(?:{pattern.pattern})")
    return tuple((size, re.compile("|".join(shapes[size]))) for size in sorted(shapes))


def _no_number_in(text: str, region: str) -> bool:
    """True when phonenumbers' matcher (the slow part of reading a cell) can find no valid number
    in a North American cell of digits and punctuation: whatever part of the cell it tries, its
    national number is a run of the cell's digits (a trunk 1 dropped), so when no run of a valid
    length is a valid number, and no 011 could start an international one, there is none."""
    if text[:2] == "+1":
        text = text[2:]  # read as +1: its national numbers are runs of the digits after it too
    if region.upper() not in _NANP_REGIONS or not _NANP_CELL.issuperset(text):
        return False
    digits = "".join(ch for ch in text if ch.isdigit())
    if _may_dial_out(digits) or not _nanp_lengths():
        return False
    return not any(
        shape.fullmatch(run) and valid_national(1, run)
        for size, shape in _nanp_lengths()
        for start in range(len(digits) - size + 1)
        if (run := digits[start : start + size])
    )


#: The fewest digits a valid number has after an international prefix: its country code and the
#: shortest national number a region of that code allows (+43 and four digits; the metadata of
#: the phonenumbers release in use is held to it by tests/core/test_phones.py).
SHORTEST_INTERNATIONAL = 6


def _may_dial_out(digits: str) -> bool:
    """Whether an 011 (North America's international prefix) in these digits has enough digits
    after it for the shortest valid international number: an 011 near the end ("(212) 555-0110")
    starts none, so the matcher has nothing to find there."""
    at = digits.find("011")
    while at >= 0:
        if len(digits) - at - 3 >= SHORTEST_INTERNATIONAL:
            return True
        at = digits.find("011", at + 1)
    return False


def _run_together(text: str, region: str) -> list[tuple[str, str]]:
    """Two valid numbers whose digits were typed without a break between them, else []."""
    if any(ch.isalpha() for ch in text) or text.count("+") > 2:
        return []
    digits = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    if not 12 <= len(digits) <= 34:
        return []
    for cut in range(6, len(digits) - 5):
        first, second = digits[:cut], digits[cut:]
        one, two = parse_phone(first, region), parse_phone(second, region)
        if one is not None and two is not None:
            return [one, two]
    return []


def best_phone(phones: list[Phone] | tuple[Phone, ...]) -> Phone | None:
    """The number to call first: the first valid one of a callable kind, in the order given."""
    for phone in phones:
        if phone.valid and phone.kind in CALLABLE_KINDS:
            return phone
    return None


def kind_of_label(label: str) -> str:
    """A phone kind for a header word, a vCard TYPE or an address-book label ("Mobile", "CELL",
    "Business Fax", "_$!<HomeFAX>!$_", "Company Main Phone"); "main" when it names no kind."""
    text = label.lower().replace("_$!<", "").replace(">!$_", "")
    words = set(re.findall(r"[a-z]+", text))
    joined = "".join(re.findall(r"[a-z]+", text))  # "MobilePhone" and "Mobile Phone" alike

    def has(*parts: str) -> bool:
        return any(part in joined for part in parts)

    if has("fax", "facsimile"):
        return "fax"
    if has("pager", "beeper", "bleeper"):
        return "pager"
    if has("assistant"):
        return "assistant"
    if has("mobil", "cell", "handy", "iphone", "portable") or "gsm" in words:
        return "mobile"
    if has("company", "switchboard", "organization", "organisation"):
        return "company"
    if has("work", "business", "office", "direct"):
        return "work"
    if has("home", "private", "personal"):
        return "home"
    if has("other", "callback", "radio", "isdn", "telex") or words & {"car", "tty", "tdd"}:
        return "other"
    return "main"


__all__ = [
    "CALLABLE_KINDS",
    "PERSON_KINDS",
    "PHONE_KINDS",
    "Phone",
    "best_phone",
    "kind_of_label",
    "normalize_phone",
    "parse_phone",
    "phones_in",
    "region_for_country",
]
