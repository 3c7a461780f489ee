"""Contact normalisation: e-mail validation, E.164 phones (fast path and phonenumbers), name
splitting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.contact import join_name, normalize_email, normalize_phone, split_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Dana@WhitfieldHVAC.example ", "dana@whitfieldhvac.example"),
        ("marcus.lee+leads@bright-path.co.uk", "marcus.lee+leads@bright-path.co.uk"),
        ("Dana Whitfield <Dana@Whitfield.example>", "dana@whitfield.example"),
        ("mailto:ava@bakery.example", "ava@bakery.example"),
        ("josé@café.example", "josé@café.example"),
    ],
)
def test_valid_emails_are_lower_cased_and_stripped(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "dana",
        "dana@",
        "@example.com",
        "dana@localhost",
        "da na@example.com",
        "a@b@example.com",
        "dana@example..com",
        "dana@.example.com",
        "dana@example.c",
        "a@b.com, c@d.com",
        "n/a",
    ],
)
def test_invalid_emails_are_rejected(raw: str) -> None:
    assert normalize_email(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(614) 555-0120", "+16145550120"),
        ("614.555.0123", "+16145550123"),
        ("+1 614 555 0122", "+16145550122"),
        ("1-614-555-0120", "+16145550120"),
        ("6145550120", "+16145550120"),
        ("+39 02 5550 4003", "+390255504003"),
        ("+44 (0)20 7946 0000", "+442079460000"),
        ("+4930123456", "+4930123456"),
        ("614-555-0120 ext. 12", "+16145550120"),
    ],
)
def test_phones_become_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw, "US") == expected


def test_region_decides_numbers_without_country_code() -> None:
    assert normalize_phone("030 1234567", "DE") == "+49301234567"
    assert normalize_phone("020 7946 0000", "GB") == "+442079460000"
    # Ten NANP digits are not a US number when the region is Germany.
    assert normalize_phone("6145550120", "DE") != "+16145550120"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "call me",
        "12",
        "+1 555",
        "n/a",
        "+0 123 456 789",
        "(555) 010-2001",  # the fictional 555 area: a possible number, not a valid one
        "034 12 345 67",  # "034" is no US area code: not +10341234567
        "01.16.35.17.02",  # a French number read in the US: not +6351702
    ],
)
def test_unusable_phones_give_none(raw: str) -> None:
    assert normalize_phone(raw, "US") is None


@given(st.text(max_size=40), st.sampled_from(["US", "CA", "DE", "GB", "ZZ"]))
def test_normalize_phone_never_raises_and_returns_e164(raw: str, region: str) -> None:
    result = normalize_phone(raw, region)
    assert result is None or (result.startswith("+") and result[1:].isdigit() and len(result) <= 16)


@given(st.text(max_size=60))
def test_normalize_email_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_email(raw)
    if result is not None:
        assert result.count("@") == 1 and " " not in result and result == result.lower()
        assert normalize_email(result) == result


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Ava Thompson", ("Ava", "Thompson")),
        ("  Noah   Kim ", ("Noah", "Kim")),
        ("Thompson, Ava", ("Ava", "Thompson")),
        ("Mary Ann Smith", ("Mary Ann", "Smith")),
        ("Anna van der Berg", ("Anna", "van der Berg")),
        ("Dr. Mary Smith Jr.", ("Mary", "Smith Jr.")),
        ("Cher", ("Cher", "")),
        ("", ("", "")),
    ],
)
def test_split_name(full: str, expected: tuple[str, str]) -> None:
    assert split_name(full) == expected


def test_join_name() -> None:
    assert join_name(" Ava ", "Thompson") == "Ava Thompson"
    assert join_name("", "Kim") == "Kim"


@pytest.mark.parametrize(
    "raw",
    [
        "a?cc=boss@corp.example",  # would add a Cc to the mail draft of a mailto: link
        "a@corp.example?bcc=boss@corp.example",
        "ana&bcc=x@corp.example",
        "ana%40evil@corp.example",
        "ana#x@corp.example",
        "ana/../x@corp.example",
        "ana\r\nbcc:x@corp.example",
    ],
)
def test_an_address_that_would_be_more_than_an_address_in_a_link_is_refused(raw: str) -> None:
    assert normalize_email(raw) is None
