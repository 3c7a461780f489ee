"""Phone numbers as a rep reads them: national form for numbers of the workspace's region,
international otherwise, the extension kept ("(614) 555-0120 x12", "+44 20 7946 0958")."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


def tel_uri(number: str, extension: str = "") -> str:
    """The tel: URI of a number and its extension: "tel:+16145550120;ext=12" (RFC 3966)."""
    return f"tel:{number};ext={extension}" if extension else f"tel:{number}"


@lru_cache(maxsize=16384)
def display_phone(number: str, region: str, extension: str = "") -> str:
    """`number` as the lead keeps it (E.164) with its extension; anything it cannot read is
    shown as it is."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, region or None)
    except phonenumbers.NumberParseException:
        return number + (f" x{extension}" if extension else "")
    extension = extension or parsed.extension or ""
    parsed.extension = None
    local = parsed.country_code == phonenumbers.country_code_for_region(region.upper())
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if local
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    text: str = phonenumbers.format_number(parsed, style)
    return f"{text} x{extension}" if extension else text
