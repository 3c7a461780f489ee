"""Country names as files write them ("Deutschland", "USA", "fr") to phonenumbers' region codes,
a pure function (the region a lead's phone numbers are read in)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

_COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "u s": "US",
    "u s a": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "deu": "DE",
    "ger": "DE",
    "gbr": "GB",
    "fra": "FR",
    "ita": "IT",
    "esp": "ES",
    "nld": "NL",
    "can": "CA",
    "aus": "AU",
    "aut": "AT",
    "che": "CH",
    "bel": "BE",
    "pol": "PL",
    "cze": "CZ",
    "swe": "SE",
    "nor": "NO",
    "dnk": "DK",
    "fin": "FI",
    "irl": "IE",
    "prt": "PT",
    "grc": "GR",
    "rus": "RU",
    "mex": "MX",
    "bra": "BR",
    "ind": "IN",
    "jpn": "JP",
    "chn": "CN",
    "nzl": "NZ",
    "zaf": "ZA",
}


def _fold(text: str) -> str:
    """Lower-case, accents off, punctuation as spaces: "Österreich" -> "osterreich"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from phonenumbers.geodata.locale import LOCALE_DATA  # country names in many languages

    names: dict[str, str] = {}
    for region, by_language in LOCALE_DATA.items():
        if len(region) != 2:
            continue
        for name in by_language.values():
            if name and not name.startswith("*"):
                names.setdefault(_fold(name), region)
    names.update(_COUNTRY_ALIASES)
    return names


@lru_cache(maxsize=4096)
def region_for_country(text: str) -> str | None:
    """The region code for a country as a file writes it ("Deutschland", "USA", "fr", "Czech
    Republic"), or None when it names no country phonenumbers knows."""
    folded = _fold(text)
    if not folded:
        return None
    supported = phonenumbers.SUPPORTED_REGIONS
    if len(folded) == 2 and folded.upper() in supported:
        return folded.upper()
    region = _country_names().get(folded)
    return region if region in supported else None


__all__ = ["region_for_country"]
