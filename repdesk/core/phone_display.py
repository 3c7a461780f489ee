"""Phone numbers as a rep reads them: national form for numbers of the workspace's region,
international otherwise, the extension kept ("(555) 010-2001 x12", "+44 20 7946 0958")."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


@lru_cache(maxsize=16384)
def display_phone(stored: str, region: str) -> str:
    """`stored` as normalize_phone writes it (E.164, maybe ";ext=12"); anything it cannot read is
    shown as it is."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, region or None)
    except phonenumbers.NumberParseException:
        return stored
    extension, number.extension = number.extension, None
    local = number.country_code == phonenumbers.country_code_for_region(region.upper())
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if local
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    text: str = phonenumbers.format_number(number, style)
    return f"{text} x{extension}" if extension else text
