"""Phones read the way the workspace's region writes them, extensions kept through normalising."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.contact import normalize_phone
from repdesk.core.phone_display import display_phone


def test_local_numbers_are_national_and_others_international() -> None:
    assert display_phone("+15550102001", "US") == "(555) 010-2001"
    assert display_phone("+442079460958", "US") == "+44 20 7946 0958"
    assert display_phone("+442079460958", "GB") == "020 7946 0958"
    assert display_phone("+4930123456", "DE") == "030 123456"


def test_an_extension_survives_normalising_and_shows_as_x() -> None:
    stored = normalize_phone("(555) 010-2001 x12", "US")
    assert stored == "+15550102001;ext=12"
    assert display_phone(stored, "US") == "(555) 010-2001 x12"
    # What the rep sees goes back through an edit unchanged.
    assert normalize_phone(display_phone(stored, "US"), "US") == stored
    assert normalize_phone("+44 20 7946 0958 ext. 7", "US") == "+442079460958;ext=7"


def test_what_cannot_be_read_is_shown_as_it_is() -> None:
    assert display_phone("call reception", "US") == "call reception"
    assert display_phone("", "US") == ""


@given(st.integers(min_value=2000000000, max_value=9999999999), st.integers(0, 9999))
def test_display_and_back_is_the_same_number(digits: int, ext: int) -> None:
    raw = f"+1{digits}" + (f" x{ext}" if ext else "")
    stored = normalize_phone(raw, "US")
    if stored is None:
        return
    for region in ("US", "GB"):
        assert normalize_phone(display_phone(stored, region), region) == stored
