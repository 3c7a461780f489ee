"""Phone numbers: valid numbers only become E.164 (formatted any way, a number reads back as
itself), extensions and kinds are kept, several numbers in one cell, countries by name."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.core.phones import (
    Phone,
    best_phone,
    kind_of_label,
    normalize_phone,
    parse_phone,
    phones_in,
    region_for_country,
)

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
TYPES = [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]
FORMATS = [
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.RFC3966,
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(REGIONS),
    st.sampled_from(TYPES),
    st.sampled_from(FORMATS),
    st.integers(min_value=0, max_value=99),
)
def test_a_valid_number_formatted_any_way_reads_back_as_itself(
    region: str, kind: int, style: int, bump: int
) -> None:
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return
    # Neighbours of the example are numbers of the same plan, often valid too.
    number = phonenumbers.PhoneNumber(
        country_code=example.country_code,
        national_number=example.national_number + bump,
        italian_leading_zero=example.italian_leading_zero,
        number_of_leading_zeros=example.number_of_leading_zeros,
    )
    if not phonenumbers.is_valid_number(number):
        return
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    written = phonenumbers.format_number(number, style)
    assert normalize_phone(written, region) == e164


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="0123456789 -.()+/x", max_size=24),
    st.sampled_from(["US", "CA", "GB", "DE", "FR", "IT", "ZZ"]),
)
def test_a_number_not_valid_in_the_region_is_never_stored_as_e164(text: str, region: str) -> None:
    result = normalize_phone(text, region)
    if result is not None:
        assert result.startswith("+") and result[1:].isdigit()
        assert phonenumbers.is_valid_number(phonenumbers.parse(result, None))
    for number, _ext in phones_in(text, region)[0]:
        assert phonenumbers.is_valid_number(phonenumbers.parse(number, None))


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+49 (0611) 123456 - 11", "US", ("+4961112345611", "")),
        ("0611 123456-11", "DE", ("+4961112345611", "")),
        ("01.16.35.17.02", "FR", ("+33116351702", "")),
        ("614-555-0120 x752", "US", ("+16145550120", "752")),
        ("614-555-0120 Ext. 101", "US", ("+16145550120", "101")),
        ("tel:+1-614-555-0120;ext=102", "US", ("+16145550120", "102")),
        ("020 7946 0018", "GB", ("+442079460018", "")),
    ],
)
def test_numbers_and_their_extensions(raw: str, region: str, expected: tuple[str, str]) -> None:
    assert parse_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region"),
    [("034 12 345 67", "US"), ("01.16.35.17.02", "US"), ("(555) 010-2001", "US")],
)
def test_possible_but_invalid_numbers_are_no_numbers(raw: str, region: str) -> None:
    assert parse_phone(raw, region) is None
    assert phones_in(raw, region) == ([], False)


def test_two_numbers_in_one_cell_are_split_and_words_beside_them_noticed() -> None:
    assert phones_in("415-555-0144 / 415-555-0199") == (
        [("+14155550144", ""), ("+14155550199", "")],
        False,
    )
    assert phones_in("415-555-0144415-555-0199") == (
        [("+14155550144", ""), ("+14155550199", "")],
        False,
    )
    assert phones_in("415-555-0144 - ask for the office manager") == (
        [("+14155550144", "")],
        True,
    )
    # Two fictional numbers run together: neither half is valid, nothing is made up.
    assert phones_in("555-010-1107555-010-3001") == ([], False)


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Mobile Phone Number", "mobile"),
        ("Mobile Number", "mobile"),
        ("Home Mobile", "mobile"),
        ("MobilePhone", "mobile"),
        ("CELL VOICE PREF", "mobile"),
        ("_$!<Mobile>!$_", "mobile"),
        ("Business Fax", "fax"),
        ("WORK FAX", "fax"),
        ("Company Main Phone", "company"),
        ("Phone Number (Company)", "company"),
        ("Business Phone 2", "work"),
        ("Home Phone", "home"),
        ("Assistant's Phone", "assistant"),
        ("Pager Number", "pager"),
        ("Car Phone", "other"),
        ("Phone Number", "main"),
        ("VOICE", "main"),
    ],
)
def test_kinds_of_numbers(label: str, kind: str) -> None:
    assert kind_of_label(label) == kind


def test_the_best_number_is_the_first_that_can_be_called() -> None:
    fax = Phone("+16145550101", "fax")
    bad = Phone("call me", "mobile", valid=False)
    work = Phone("+16145550102", "work", "12")
    assert best_phone([fax, bad, work]) == work
    assert best_phone([fax, bad]) is None


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("fr", "FR"),
        ("United Kingdom", "GB"),
        ("Österreich", "AT"),
        ("Россия", "RU"),
        ("Ελλάδα", "GR"),
        ("Czech Republic", "CZ"),
    ],
)
def test_countries_as_files_write_them(text: str, region: str) -> None:
    assert region_for_country(text) == region


def test_no_country_is_none() -> None:
    assert region_for_country("") is None
    assert region_for_country("Atlantis") is None


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True),
        st.from_regex(r"\+(1|44|49|33|39|7|30|420|48|800|882)[0-9]{4,12}", fullmatch=True),
        st.from_regex(r"1?[2-9][0-9]{9}", fullmatch=True),
        st.from_regex(r"\+1 ?[2-9][0-9]{2}[ -]?[0-9]{3}[ -]?[0-9]{4}", fullmatch=True),
        st.from_regex(r"\+?1?[0-9]{1,18}", fullmatch=True),
        st.from_regex(r"\+?1?3[0-9]{6}", fullmatch=True),
    ),
    st.sampled_from(["US", "CA", "GB", "DE"]),
)
def test_the_quick_reading_of_plain_digits_agrees_with_phonenumbers(text: str, region: str) -> None:
    """parse_phone reads plain digits without phonenumbers' parser: same answer as
    phonenumbers.parse + is_valid_number."""
    try:
        number = phonenumbers.parse(text, region)
        expected = (
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if phonenumbers.is_valid_number(number)
            else None
        )
    except phonenumbers.NumberParseException:
        expected = None
    assert normalize_phone(text, region) == expected


def _phones_in_by_the_matcher(text: str, region: str) -> list[tuple[str, str]]:
    """What phonenumbers' matcher finds in a cell (phones_in's reading when the cell is not one
    number)."""
    matches = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    return [
        (
            phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164),
            m.number.extension or "",
        )
        for m in matches
    ]


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789 -.()", max_size=30),
        st.from_regex(
            r"[0-9]{0,4}[ -]?\(?[2-9][0-9]{2}\)?[ .-]?[0-9]{3}[ .-]?[0-9]{4}[0-9 -]{0,5}",
            fullmatch=True,
        ),
        st.from_regex(r"[0-9 -]{0,6}(310|011|1)[0-9 -]{4,14}", fullmatch=True),
        st.from_regex(r"\+1[0-9 ().-]{6,18}", fullmatch=True),
        # an 011 near the end, with fewer digits after it than any international number needs
        st.from_regex(
            r"\(?[2-9][0-9]{2}\)?[ .-]?[0-9]{0,3}[ .-]?[0-9]{0,4}011[0-9 -]{0,7}", fullmatch=True
        ),
    ),
    st.sampled_from(["US", "CA"]),
)
def test_a_cell_the_matcher_is_skipped_for_holds_no_number_it_would_find(
    text: str, region: str
) -> None:
    """phones_in skips the matcher on North American cells of digits and punctuation in which no
    run of digits is a valid number: the matcher finds nothing there either."""
    numbers, _ = phones_in(text, region)
    if parse_phone(text.strip(), region) is None and not _phones_in_by_the_matcher(
        text.strip(), region
    ):
        assert numbers == _run_together_reference(text.strip(), region)
    elif parse_phone(text.strip(), region) is None:
        assert numbers == _phones_in_by_the_matcher(text.strip(), region)


def test_shortest_international_number_is_the_metadatas() -> None:
    """SHORTEST_INTERNATIONAL (digits after an international prefix) is the fewest any valid
    number of this phonenumbers release has: its country code and its shortest national number."""
    from phonenumbers.phonemetadata import PhoneMetadata

    from repdesk.core.phones import SHORTEST_INTERNATIONAL

    shortest = min(
        len(str(code)) + min(lengths)
        for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
        for region in regions
        if (
            metadata := PhoneMetadata.metadata_for_nongeo_region(code)
            if region == "001"
            else PhoneMetadata.metadata_for_region(region)
        )
        is not None
        and (lengths := metadata.general_desc.possible_length)
    )
    assert shortest == SHORTEST_INTERNATIONAL


@pytest.mark.parametrize("cell", ["(211) 000-0011", "211-555-0110", "2010110000"])
def test_an_011_with_too_few_digits_after_it_needs_no_matcher(
    cell: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An invalid North American cell whose 011 is too near its end to start an international
    number is answered without phonenumbers' matcher (the slow part of reading a cell)."""

    asked: list[object] = []

    def matcher(*args: object, **kwargs: object) -> list[object]:
        asked.append(args)  # (phones_in keeps any exception of the matcher's to itself)
        return []

    monkeypatch.setattr(phonenumbers, "PhoneNumberMatcher", matcher)
    assert phones_in(cell, "US") == ([], False)
    assert asked == []


def _run_together_reference(text: str, region: str) -> list[tuple[str, str]]:
    from repdesk.core.phones import _run_together

    return _run_together(text, region)


_SHARED_CODES = sorted(c for c, r in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items() if len(r) > 1)


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(_SHARED_CODES),
    st.from_regex(r"[1-9][0-9]{3,11}", fullmatch=True),
)
def test_validity_under_a_shared_country_code_is_phonenumbers_verdict(
    code: int, national: str
) -> None:
    """valid_national picks the region of a shared code (+1, +7, +44, …) as phonenumbers does:
    the first whose leading digits match, else the first where the number is valid."""
    from repdesk.core.phones import valid_national

    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    assert valid_national(code, national) == phonenumbers.is_valid_number(number)
