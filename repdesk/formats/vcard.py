"""Stream vCard 2.1 / 3.0 / 4.0 files into parsed leads, one card at a time."""

from __future__ import annotations

import quopri
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from repdesk.core.contact import split_name
from repdesk.core.phones import kind_of_label
from repdesk.core.quoting import clip
from repdesk.formats.crm_values import map_status
from repdesk.formats.dates import parse_datetime
from repdesk.formats.header_map import (
    CANONICAL_FIELDS,
    EXTRA,
    HUMAN_NAMES,
    MAPPABLE,
    NAME,
    RECEIVED_AT,
)
from repdesk.formats.lead_csv import normalize_count, normalize_tags
from repdesk.formats.person_row import PersonRow, RowFactory
from repdesk.formats.text_decoding import CountingReader, LeadFileError, open_text

#: vCard property -> field; "N" is split into last/first name by its structure.
DEFAULT_PROPERTIES: dict[str, str | None] = {
    "FN": NAME,
    "N": "last_name",
    "ORG": "company",
    "TITLE": "title",
    "EMAIL": "email",
    "TEL": "phone",
    "NOTE": "notes",
    "CATEGORIES": "tags",
}
_SKIPPED = frozenset({"BEGIN", "END", "VERSION", "PRODID", "PHOTO", "LOGO", "SOUND", "KEY"})
_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
_BEGIN = re.compile(r"^(?:[A-Za-z0-9-]+\.)?BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^(?:[A-Za-z0-9-]+\.)?END:VCARD\s*$", re.IGNORECASE)
_CHARSET = re.compile(rb";CHARSET=([A-Za-z0-9_-]+)", re.IGNORECASE)


def looks_like_vcard(text: str) -> bool:
    """True when the text starts (after blank lines) with BEGIN:VCARD, with or without a group."""
    first = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].strip()
    return bool(_BEGIN.match(first))


def declared_code_page(head: bytes) -> str | None:
    """The single-byte charset a vCard 2.1 file names on its lines (CHARSET=Windows-1251), if any:
    the page of its other lines too."""
    for match in _CHARSET.finditer(head):
        name = match.group(1).decode("ascii").lower().replace("windows-", "cp")
        if not name.startswith("utf"):
            try:
                "".encode(name)
            except LookupError:
                continue
            return name
    return None


def property_plan(overrides: Mapping[str, str] | None) -> dict[str, str | None]:
    """The property -> field plan with the user's overrides (LeadFileError for an unknown field)."""
    plan = dict(DEFAULT_PROPERTIES)
    for prop, target in (overrides or {}).items():
        choice = target.strip().lower()
        if choice != EXTRA and choice not in MAPPABLE:
            choices = ", ".join((*CANONICAL_FIELDS, NAME, RECEIVED_AT, EXTRA))
            raise LeadFileError(
                f"The column mapping names an unknown field '{clip(choice)}' "
                f"(use one of: {choices})."
            )
        plan[prop.strip().upper()] = None if choice == EXTRA else choice
    return plan


@dataclass
class _Property:
    name: str
    group: str
    params: dict[str, list[str]]
    value: str


@dataclass
class _Card:
    properties: list[_Property] = field(default_factory=list)


def _logical_lines(lines: Iterable[str]) -> Iterator[str]:
    """Unfold RFC 6350 continuation lines and vCard 2.1 quoted-printable soft line breaks."""
    # A logical line is gathered as a list of pieces (joined once), and whether it is
    # quoted-printable is decided once, when its name and parameters are complete (the first
    # colon): both stay linear in the line's length however many lines it spans.
    pieces: list[str] = []
    quoted_printable: bool | None = None  # None: the colon has not come yet
    for physical in lines:
        line = physical.rstrip("\r\n")
        if pieces and line[:1] in (" ", "\t"):
            pieces.append(line[1:])
            if quoted_printable is None and ":" in line:
                quoted_printable = _is_quoted_printable("".join(pieces))
            continue
        if pieces and quoted_printable and pieces[-1].endswith("="):
            pieces += ("\r\n", line)
            continue
        if pieces:
            yield "".join(pieces)
        pieces = [line]
        quoted_printable = _is_quoted_printable(line) if ":" in line else None
    if pieces:
        yield "".join(pieces)


def _is_quoted_printable(line: str) -> bool:
    colon = line.find(":")
    head = line if colon < 0 else line[:colon]
    return ";" in head and "QUOTED-PRINTABLE" in head.upper()  # a parameter says so


def _parse_property(line: str, code_page: str | None) -> _Property | None:
    colon = _find_colon(line)
    if colon < 0:
        return None
    head, value = line[:colon], line[colon + 1 :]
    if ";" not in head:  # no parameters (most lines): nothing to decode
        name, group = head.strip(), ""
        if "." in name:
            group, name = name.rsplit(".", 1)
        if code_page is None:
            return _Property(name.upper(), group.lower(), {}, value)
        return _Property(name.upper(), group.lower(), {}, _decode_value(value, {}, code_page))
    parts = head.split(";")
    name = parts[0].strip()
    group = ""
    if "." in name:
        group, name = name.rsplit(".", 1)
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, eq, raw = part.partition("=")
        if eq:
            values = [v.strip().strip('"') for v in raw.split(",")]
            params.setdefault(key.strip().upper(), []).extend(values)
        elif part.strip().upper() in _BARE_ENCODINGS:
            params.setdefault("ENCODING", []).append(part.strip())
        elif part.strip():
            params.setdefault("TYPE", []).append(part.strip())
    return _Property(name.upper(), group.lower(), params, _decode_value(value, params, code_page))


def _find_colon(line: str) -> int:
    colon = line.find(":")
    if colon < 0 or '"' not in line[:colon]:
        return colon  # no quoted parameter before the first colon (most lines)
    quoted = False
    for index, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return index
    return -1


def _decode_value(value: str, params: dict[str, list[str]], code_page: str | None) -> str:
    """The value as text. With `code_page` the file was read as Latin-1 (its bytes as they are):
    each value is decoded in its CHARSET, else in the file's code page."""
    encodings = {e.upper() for e in params.get("ENCODING", [])}
    declared = (params.get("CHARSET") or [""])[0]
    if "QUOTED-PRINTABLE" in encodings:
        carrier = "latin-1" if code_page else "utf-8"
        data = quopri.decodestring(value.replace("=\r\n", "").encode(carrier, errors="replace"))
        return _decode_bytes(data, declared or code_page or "utf-8")
    if code_page is None:
        return value
    return _decode_bytes(value.encode("latin-1", errors="replace"), declared or code_page)


def _decode_bytes(data: bytes, charset: str) -> str:
    name = charset.lower().replace("windows-", "cp")
    try:
        return data.decode(name)
    except (LookupError, UnicodeDecodeError):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")


def _split_escaped(value: str, separator: str) -> list[str]:
    """Split on separators not escaped with a backslash, then unescape each part."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            current.append("\n" if nxt in ("n", "N") else nxt)
        elif ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    return _split_escaped(value, "\x00")[0] if "\\" in value else value


def _cards(lines: Iterable[str], code_page: str | None) -> Iterator[_Card]:
    card: _Card | None = None
    depth = 0
    for line in _logical_lines(lines):
        stripped = line.strip()
        marker = stripped[-5:].upper() == "VCARD"  # only such a line can BEGIN or END a card
        if marker and _BEGIN.match(stripped):
            depth += 1
            if depth == 1:
                card = _Card()
            continue
        if marker and _END.match(stripped):
            depth = max(0, depth - 1)
            if depth == 0 and card is not None:
                yield card
                card = None
            continue
        if card is not None and depth == 1 and stripped:
            prop = _parse_property(line, code_page)
            if prop is not None and prop.name not in _SKIPPED:
                card.properties.append(prop)
    if card is not None and card.properties:
        yield card


def _is_preferred(prop: _Property) -> bool:
    if not prop.params:
        return False
    types = {t.upper() for t in prop.params.get("TYPE", [])}
    return "PREF" in types or "PREF" in prop.params


def _tel_text(value: str) -> str:
    """A TEL value as a number to read ("tel:+1-555-0100;ext=12" keeps its extension)."""
    return value.strip().removeprefix("tel:").removeprefix("TEL:")


def _phone_kind(prop: _Property, labels: dict[str, str]) -> str:
    words = " ".join(prop.params.get("TYPE", []))
    kind = kind_of_label(words) if words else "main"
    label = labels.get(prop.group) if prop.group else None
    if label and kind == "main":
        kind = kind_of_label(label)
    return kind


def _name_parts(person: PersonRow, value: str) -> None:
    """N: family; given; additional (middle); prefixes; suffixes — each may list several."""
    parts = [" ".join(p.split(",")).strip() for p in _split_escaped(value, ";")] + [""] * 5
    family, given, middle, prefix, suffix = (" ".join(p.split()) for p in parts[:5])
    fields = person.fields
    if family and "last_name" not in fields:
        fields["last_name"] = family
    if given and "first_name" not in fields:
        fields["first_name"] = given
    person.middle = person.middle or middle
    person.suffix = person.suffix or suffix
    if prefix:
        person.keep("Name prefix", prefix)


def card_to_row(
    number: int, card: _Card, plan: dict[str, str | None], region: str, make: RowFactory
) -> Any:
    """Turn one card into make(row, fields, received_at, extra, problem, phones, emails, keys)."""
    person = PersonRow(region)
    fields = person.fields
    received_at: datetime | None = None
    full_name = ""
    labels = {
        p.group: _unescape(p.value).strip().removeprefix("_$!<").removesuffix(">!$_")
        for p in card.properties
        if p.name == "X-ABLABEL" and p.group
    }
    for prop in card.properties:
        if prop.name == "ADR":
            country = _split_escaped(prop.value, ";") + [""] * 7
            if country[6].strip():
                person.set_country(country[6])
                break
    ordered = sorted(card.properties, key=lambda p: not _is_preferred(p))
    for prop in ordered:
        target = plan.get(prop.name)
        if prop.name == "UID" and prop.value.strip():
            person.add_key("uid", _unescape(prop.value))
        elif prop.name in ("URL", "X-SOCIALPROFILE"):
            person.add_profile(_unescape(prop.value))
        if prop.name == "X-ABLABEL":
            person.keep(prop.name, labels.get(prop.group, _unescape(prop.value).strip()))
            continue
        if target is None:
            person.keep(prop.name, _unescape(prop.value).strip())
            continue
        if prop.name == "N" and target == "last_name":
            _name_parts(person, prop.value)
            continue
        if prop.name == "ORG":
            value = _split_escaped(prop.value, ";")[0].strip()
        elif prop.name == "CATEGORIES" or target == "tags":
            value = ", ".join(p.strip() for p in _split_escaped(prop.value, ",") if p.strip())
        elif prop.name == "TEL":
            value = _tel_text(_unescape(prop.value))
        else:
            value = _unescape(prop.value).strip()
        if not value:
            continue
        if target == "email":
            person.add_email(value, prop.name)
        elif target == "phone":
            person.add_phone(value, _phone_kind(prop, labels), prop.name)
        elif target == NAME:
            full_name = full_name or value
        elif target == RECEIVED_AT:
            received_at = received_at or parse_datetime(value)
            if received_at is None:
                person.keep(prop.name, value)
        elif target == "status":
            status = map_status(value)
            if status is None:
                person.keep(prop.name, value)
            else:
                fields["status"] = status
        elif target == "tags":
            fields["tags"] = ", ".join(filter(None, (fields.get("tags"), normalize_tags(value))))
        elif target in ("email_opens", "email_clicks", "site_visits"):
            count = normalize_count(value)
            if count is None:
                person.keep(prop.name, value)
            else:
                fields[target] = count
        elif target in fields:
            person.keep(prop.name, value)
        else:
            fields[target] = value
    if full_name and "first_name" not in fields and "last_name" not in fields:
        first, last = split_name(full_name)
        if first:
            fields["first_name"] = first
        if last:
            fields["last_name"] = last
    fields.setdefault("source", HUMAN_NAMES["vcard"])
    return person.finish(number, received_at, make)


def iter_vcards(
    path: Path,
    encoding: str,
    plan: dict[str, str | None],
    region: str,
    make: RowFactory,
    on_open: Callable[[CountingReader | None], None],
    code_page: str | None = None,
) -> Iterator[Any]:
    """Yield one parsed lead per card of the file, numbered from 1. With `code_page` the file is
    read byte for byte and each value decoded in its CHARSET or that page."""
    raw, text = open_text(path, "latin-1" if code_page else encoding)
    on_open(raw)
    try:
        for number, card in enumerate(_cards(text, code_page), start=1):
            yield card_to_row(number, card, plan, region, make)
    finally:
        text.close()
        on_open(None)
