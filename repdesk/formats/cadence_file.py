"""Cadence files (JSON): read and validate them into core Cadence values, with one-sentence
errors."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from repdesk.core.cadence import Cadence, CadenceStep
from repdesk.core.domain import FollowUpKind, LeadStatus
from repdesk.core.email_rules import KEY_RE

__all__ = ["CadenceFileError", "load_cadence_file", "load_default_cadences", "parse_cadences"]

_CADENCE_FIELDS = frozenset(
    {
        "key",
        "name",
        "trigger_status",
        "steps",
        "repeat_every_days",
        "repeat_kind",
        "repeat_note",
        "repeat_template",
    }
)
_REQUIRED_CADENCE_FIELDS = _CADENCE_FIELDS - {"repeat_note", "repeat_template"}
_STEP_FIELDS = frozenset({"day_offset", "kind", "note", "template"})
_OPTIONAL_STEP_FIELDS = frozenset({"note", "template"})
_SUPPORTED_VERSION = 1
_E = TypeVar("_E", LeadStatus, FollowUpKind)


class CadenceFileError(ValueError):
    """A cadence file that cannot be used; the message is one sentence naming the place and the
    fix."""


def load_default_cadences() -> tuple[Cadence, ...]:
    """The cadences shipped in resources/cadences.json (the package repdesk.resources)."""
    text = resources.files("repdesk.resources").joinpath("cadences.json").read_text("utf-8")
    return parse_cadences(text, source="cadences.json")


def load_cadence_file(path: Path) -> tuple[Cadence, ...]:
    """Read and validate the cadence file at path."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CadenceFileError(
            f"{path}: cannot read the cadence file ({error.strerror})."
        ) from error
    except UnicodeDecodeError as error:
        raise CadenceFileError(f"{path}: the cadence file is not UTF-8 text.") from error
    return parse_cadences(text, source=str(path))


def parse_cadences(text: str, *, source: str = "cadence file") -> tuple[Cadence, ...]:
    """Validate JSON text of the form {"version": 1, "cadences": [...]} into cadences."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CadenceFileError(
            f"{source}: invalid JSON at line {error.lineno}, column {error.colno} ({error.msg})."
        ) from error
    if not isinstance(document, dict):
        raise CadenceFileError(f'{source}: expected an object with "version" and "cadences".')
    version = document.get("version")
    if version != _SUPPORTED_VERSION:
        raise CadenceFileError(
            f"{source}: unsupported version {version!r}, expected {_SUPPORTED_VERSION}."
        )
    unknown = sorted(set(document) - {"version", "cadences"})
    if unknown:
        raise CadenceFileError(f"{source}: unknown top-level field {unknown[0]!r}.")
    items = document.get("cadences")
    if not isinstance(items, list) or not items:
        raise CadenceFileError(f'{source}: "cadences" must be a non-empty list.')
    cadences: list[Cadence] = []
    keys: set[str] = set()
    statuses: dict[LeadStatus, str] = {}
    for number, item in enumerate(items, start=1):
        cadence = _cadence(item, f"{source}: cadence {number}")
        where = f"{source}: cadence {cadence.key!r}"
        if cadence.key in keys:
            raise CadenceFileError(f"{where}: the key is used twice.")
        if cadence.trigger_status in statuses:
            raise CadenceFileError(
                f"{where}: status {cadence.trigger_status.value!r} already starts "
                f"cadence {statuses[cadence.trigger_status]!r}."
            )
        keys.add(cadence.key)
        statuses[cadence.trigger_status] = cadence.key
        cadences.append(cadence)
    return tuple(cadences)


def _cadence(item: Any, where: str) -> Cadence:
    if not isinstance(item, dict):
        raise CadenceFileError(f"{where}: expected an object.")
    key = item.get("key")
    if isinstance(key, str) and key:
        where = f"{where} ({key!r})"
    _check_fields(item, _CADENCE_FIELDS, _REQUIRED_CADENCE_FIELDS, where)
    key = _text(item, "key", where, allow_empty=False)
    name = _text(item, "name", where, allow_empty=False)
    status = _enum(LeadStatus, item["trigger_status"], "trigger_status", where)
    if status.is_closed:
        raise CadenceFileError(
            f"{where}: trigger_status {status.value!r} is closed and cannot start a cadence."
        )
    raw_steps = item["steps"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise CadenceFileError(f'{where}: "steps" must be a non-empty list.')
    steps = tuple(_step(raw, f"{where}, step {n}") for n, raw in enumerate(raw_steps, start=1))
    for n in range(1, len(steps)):
        if steps[n].day_offset < steps[n - 1].day_offset:
            raise CadenceFileError(
                f"{where}, step {n + 1}: day_offset {steps[n].day_offset} comes before the "
                f"previous step's {steps[n - 1].day_offset}; list steps in day order."
            )
    repeat = _whole(item["repeat_every_days"], "repeat_every_days", where, minimum=1)
    repeat_kind = _enum(FollowUpKind, item["repeat_kind"], "repeat_kind", where)
    repeat_note = (
        _text(item, "repeat_note", where, allow_empty=True) if "repeat_note" in item else None
    )
    repeat_template = _template(item, "repeat_template", repeat_kind, where)
    try:
        if repeat_note is None:
            return Cadence(
                key, name, status, steps, repeat, repeat_kind, repeat_template=repeat_template
            )
        return Cadence(key, name, status, steps, repeat, repeat_kind, repeat_note, repeat_template)
    except ValueError as error:  # belt and braces: core validation agrees with the checks above
        raise CadenceFileError(f"{where}: {error}") from error


def _step(raw: Any, where: str) -> CadenceStep:
    if not isinstance(raw, dict):
        raise CadenceFileError(f"{where}: expected an object with day_offset, kind and note.")
    _check_fields(raw, _STEP_FIELDS, _STEP_FIELDS - _OPTIONAL_STEP_FIELDS, where)
    kind = _enum(FollowUpKind, raw["kind"], "kind", where)
    return CadenceStep(
        day_offset=_whole(raw["day_offset"], "day_offset", where, minimum=0),
        kind=kind,
        note=_text(raw, "note", where, allow_empty=True) if "note" in raw else "",
        template=_template(raw, "template", kind, where),
    )


def _template(item: dict[str, Any], field: str, kind: FollowUpKind, where: str) -> str:
    """An email step's template key ("" when none is named)."""
    if field not in item:
        return ""
    value = _text(item, field, where, allow_empty=False).strip()
    if kind is not FollowUpKind.EMAIL:
        raise CadenceFileError(f"{where}: only an email step can name a {field}.")
    if KEY_RE.fullmatch(value) is None:
        raise CadenceFileError(f"{where}: {field} {value!r} is not a template key.")
    return value


def _check_fields(
    item: dict[str, Any], allowed: frozenset[str], required: frozenset[str], where: str
) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise CadenceFileError(
            f"{where}: unknown field {unknown[0]!r}; allowed are {', '.join(sorted(allowed))}."
        )
    missing = sorted(required - set(item))
    if missing:
        raise CadenceFileError(f"{where}: missing field {missing[0]!r}.")


def _text(item: dict[str, Any], field: str, where: str, *, allow_empty: bool) -> str:
    value = item[field]
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise CadenceFileError(
            f"{where}: {field} must be {'text' if allow_empty else 'non-empty text'}."
        )
    return value


def _whole(value: Any, field: str, where: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CadenceFileError(
            f"{where}: {field} must be a whole number of days ≥ {minimum}, got {value!r}."
        )
    return value


def _enum(kind: type[_E], value: Any, field: str, where: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise CadenceFileError(f"{where}: {field} {value!r} is not one of {choices}.") from None
