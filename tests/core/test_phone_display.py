"""Phones read the way the workspace's region writes them, extensions kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.phone_display import display_phone, tel_uri
from repdesk.core.phones import parse_phone


def test_local_numbers_are_national_and_others_international() -> None:
    assert display_phone("+16145550120", "US") == "(614) 555-0120"
    assert display_phone("+442079460958", "US") == "+44 20 7946 0958"
    assert display_phone("+442079460958", "GB") == "020 7946 0958"
    assert display_phone("+4930123456", "DE") == "030 123456"


def test_an_extension_shows_as_x_and_goes_into_the_tel_uri() -> None:
    number, ext = parse_phone("(614) 555-0120 x12", "US")  # type: ignore[misc]
    assert (number, ext) == ("+16145550120", "12")
    assert display_phone(number, "US", ext) == "(614) 555-0120 x12"
    assert tel_uri(number, ext) == "tel:+16145550120;ext=12"
    # What the rep sees goes back through an edit unchanged.
    assert parse_phone(display_phone(number, "US", ext), "US") == (number, ext)


def test_what_cannot_be_read_is_shown_as_it_is() -> None:
    assert display_phone("call reception", "US") == "call reception"
    assert display_phone("", "US") == ""


@given(st.integers(min_value=2000000000, max_value=9999999999), st.integers(0, 9999))
def test_display_and_back_is_the_same_number(digits: int, ext: int) -> None:
    found = parse_phone(f"+1{digits}" + (f" x{ext}" if ext else ""), "US")
    if found is None:
        return  # not a valid number: nothing to show
    for region in ("US", "GB"):
        assert parse_phone(display_phone(found[0], region, found[1]), region) == found
