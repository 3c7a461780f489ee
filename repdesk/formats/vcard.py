"""Stream vCard 2.1 / 3.0 / 4.0 files into parsed leads, one card at a time."""

from __future__ import annotations

import quopri
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from repdesk.core.contact import normalize_email, normalize_phone, split_name
from repdesk.core.quoting import clip
from repdesk.formats.header_map import (
    CANONICAL_FIELDS,
    EXTRA,
    HUMAN_NAMES,
    MAPPABLE,
    NAME,
    RECEIVED_AT,
    map_status,
)
from repdesk.formats.lead_csv import (
    RowFactory,
    finish_row,
    normalize_count,
    normalize_tags,
    parse_datetime,
)
from repdesk.formats.text_decoding import CountingReader, LeadFileError, open_text
from repdesk.formats.unique_names import UniqueNames

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


def looks_like_vcard(text: str) -> bool:
    """True when the text starts (after blank lines) with BEGIN:VCARD."""
    return text.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCARD")


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
    head = line.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head


def _parse_property(line: str) -> _Property | None:
    colon = _find_colon(line)
    if colon < 0:
        return None
    head, value = line[:colon], line[colon + 1 :]
    parts = head.split(";")
    name = parts[0].strip()
    if "." in name:
        name = name.rsplit(".", 1)[1]
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
    return _Property(name.upper(), params, _decode_value(value, params))


def _find_colon(line: str) -> int:
    quoted = False
    for index, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return index
    return -1


def _decode_value(value: str, params: dict[str, list[str]]) -> str:
    encodings = {e.upper() for e in params.get("ENCODING", [])}
    if "QUOTED-PRINTABLE" not in encodings:
        return value
    data = quopri.decodestring(value.replace("=\r\n", "").encode("utf-8", errors="replace"))
    charset = (params.get("CHARSET") or ["utf-8"])[0]
    try:
        return data.decode(charset)
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


def _cards(lines: Iterable[str]) -> Iterator[_Card]:
    card: _Card | None = None
    depth = 0
    for line in _logical_lines(lines):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            depth += 1
            if depth == 1:
                card = _Card()
            continue
        if upper == "END:VCARD":
            depth = max(0, depth - 1)
            if depth == 0 and card is not None:
                yield card
                card = None
            continue
        if card is not None and depth == 1 and line.strip():
            prop = _parse_property(line)
            if prop is not None and prop.name not in _SKIPPED:
                card.properties.append(prop)
    if card is not None and card.properties:
        yield card


def _is_preferred(prop: _Property) -> bool:
    types = {t.upper() for t in prop.params.get("TYPE", [])}
    return "PREF" in types or "PREF" in prop.params


def _tel_text(value: str) -> str:
    text = value.strip()
    if text.lower().startswith("tel:"):
        text = text[4:].split(";", 1)[0]
    return text


def card_to_row(
    number: int, card: _Card, plan: dict[str, str | None], region: str, make: RowFactory
) -> Any:
    """Turn one card into make(row, fields, received_at, extra, problem)."""
    fields: dict[str, str] = {}
    extra: dict[str, str] = {}
    received_at: datetime | None = None
    bad_email = bad_phone = None
    full_name = ""

    names = UniqueNames()

    def keep(key: str, value: str) -> None:
        if value:
            extra[names.take(key)] = value

    ordered = sorted(card.properties, key=lambda p: not _is_preferred(p))
    for prop in ordered:
        target = plan.get(prop.name)
        if prop.name == "X-ABLABEL":
            keep(prop.name, _unescape(prop.value).strip().removeprefix("_$!<").removesuffix(">!$_"))
            continue
        if target is None:
            keep(prop.name, _unescape(prop.value).strip())
            continue
        if prop.name == "N" and target == "last_name":
            parts = [p.strip() for p in _split_escaped(prop.value, ";")] + ["", ""]
            if parts[0]:
                fields.setdefault("last_name", parts[0])
            if parts[1]:
                fields.setdefault("first_name", parts[1])
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
            email = normalize_email(value)
            if email is None:
                bad_email = bad_email or value
            elif "email" in fields:
                keep(prop.name, value)
            else:
                fields["email"] = email
        elif target == "phone":
            phone = normalize_phone(value, region)
            if phone is None:
                bad_phone = bad_phone or value
            elif "phone" in fields:
                keep(prop.name, value)
            else:
                fields["phone"] = phone
        elif target == NAME:
            full_name = full_name or value
        elif target == RECEIVED_AT:
            received_at = received_at or parse_datetime(value)
            if received_at is None:
                keep(prop.name, value)
        elif target == "status":
            status = map_status(value)
            if status is None:
                keep(prop.name, value)
            else:
                fields["status"] = status
        elif target == "tags":
            fields["tags"] = ", ".join(filter(None, (fields.get("tags"), normalize_tags(value))))
        elif target in ("email_opens", "email_clicks", "site_visits"):
            count = normalize_count(value)
            if count is None:
                keep(prop.name, value)
            else:
                fields[target] = count
        elif target in fields:
            keep(prop.name, value)
        else:
            fields[target] = value
    if full_name and "first_name" not in fields and "last_name" not in fields:
        first, last = split_name(full_name)
        if first:
            fields["first_name"] = first
        if last:
            fields["last_name"] = last
    if bad_email is not None and "email" in fields:
        keep("EMAIL", bad_email)
        bad_email = None
    if bad_phone is not None and "phone" in fields:
        keep("TEL", bad_phone)
        bad_phone = None
    fields.setdefault("source", HUMAN_NAMES["vcard"])
    problem = finish_row(fields, extra, bad_email, bad_phone)
    return make(number, fields, received_at, extra, problem)


def iter_vcards(
    path: Path,
    encoding: str,
    plan: dict[str, str | None],
    region: str,
    make: RowFactory,
    on_open: Callable[[CountingReader | None], None],
) -> Iterator[Any]:
    """Yield one parsed lead per card of the file, numbered from 1."""
    raw, text = open_text(path, encoding)
    on_open(raw)
    try:
        for number, card in enumerate(_cards(text), start=1):
            yield card_to_row(number, card, plan, region, make)
    finally:
        text.close()
        on_open(None)
