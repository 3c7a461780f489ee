"""Reading the files of an import before anything is written: every readable file parsed whole
(each all or nothing), every other file refused with its reason, each row made ready to match."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from repdesk.core.dedupe import Identity, name_key, phone_keys
from repdesk.core.phones import Phone
from repdesk.formats.lead_file import LeadFile, LeadFileError, ParsedLead
from repdesk.services.common.errors import Cancelled, UserError
from repdesk.services.imports.import_people import Arrival
from repdesk.services.imports.import_rows import LeadValues

KINDS = ("inquiries", "contacts")
Progress = Callable[[float], None]


class ImportCancelled(Cancelled):
    """The user cancelled; nothing was written."""


@dataclass
class Reading:
    """One readable file: its rows and whether they are inquiries or contacts."""

    name: str
    kind: str
    rows: list[ParsedLead] = field(default_factory=list)
    detected: str = ""


def files_of(paths: Sequence[Path]) -> list[Path]:
    """The files of an import: a folder (a dropped downloads folder) stands for the files directly
    in it, by name, hidden ones left out; a folder without any stays, to be refused by name."""
    out: list[Path] = []
    for path in map(Path, paths):
        inside: list[Path] = []
        if path.is_dir():
            with contextlib.suppress(OSError):  # unreadable: refused as a folder below
                inside = sorted(
                    (p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")),
                    key=lambda p: p.name,
                )
        out.extend(inside or [path])
    return out


def read_files(
    files: Sequence[tuple[Path, LeadFile | UserError]],
    kind: str | None,
    progress: Progress | None,
    cancelled: Callable[[], bool],
) -> tuple[list[Reading], list[tuple[str, str]]]:
    """(readable files with all their rows, refused files with their reason). A file whose rows
    cannot all be read (a quote that never closes) is refused whole."""
    readings: list[Reading] = []
    refused: list[tuple[str, str]] = []
    opened = [f for _, f in files if isinstance(f, LeadFile)]
    total = sum(f.total_bytes for f in opened) or 1
    done = 0
    for path, lead_file in files:
        if isinstance(lead_file, UserError):
            refused.append((path.name, str(lead_file)))
            continue
        reading = Reading(path.name, kind or lead_file.default_kind, detected=lead_file.detected)
        try:
            for count, row in enumerate(lead_file.rows(), start=1):
                reading.rows.append(row)
                if count % 2000 == 0:
                    if cancelled():
                        raise ImportCancelled("Import cancelled; nothing was imported.")
                    if progress is not None:
                        progress((done + lead_file.progress() * lead_file.total_bytes) / total)
        except LeadFileError as exc:
            refused.append((path.name, str(exc)))
            continue
        except OSError as exc:
            refused.append((path.name, f"{path.name} cannot be read: {exc.strerror or exc}."))
            continue
        finally:
            done += lead_file.total_bytes
        readings.append(reading)
    if cancelled():
        raise ImportCancelled("Import cancelled; nothing was imported.")
    return readings, refused


def arrival(
    reading_name: str,
    row: ParsedLead,
    values: dict[str, Any],
    inquiry: bool,
) -> Arrival:
    """A parsed row with its lead values and what identifies its person."""
    phones = [p.to_json() for p in row.phones]
    values["phones"] = phones
    values["phone_ext"] = row.fields.get("phone_ext", "") if values["phone"] else ""
    values["is_contact"] = not inquiry
    values["name_key"] = name_key(values["first_name"], values["last_name"], values["company"])
    identity = Identity(
        emails=frozenset(row.emails or ((values["email"],) if values["email"] else ())),
        phones=phone_keys(row.phones or _main_phone(values)),
        keys=frozenset(row.keys),
        first=values["first_name"],
        last=values["last_name"],
        company=values["company"],
    )
    return Arrival(reading_name, values, identity, row, inquiry, row.received_at is not None)


def _main_phone(values: dict[str, Any]) -> list[Phone]:
    return [Phone(values["phone"], "main", values.get("phone_ext", ""))] if values["phone"] else []


def arrivals_of(
    readings: Sequence[Reading], zone: tzinfo, now: datetime, owner: Callable[[str], Any]
) -> tuple[list[Arrival], list[tuple[str, int, str]]]:
    """Every row of these files ready to match, and the rows that name nobody (file, row,
    reason)."""
    out: list[Arrival] = []
    rejected: list[tuple[str, int, str]] = []
    lead_values = LeadValues(zone, now, None)
    for reading in readings:
        inquiry = reading.kind == "inquiries"
        for row in reading.rows:
            if row.problem:
                rejected.append((reading.name, row.row, row.problem))
                continue
            values = lead_values(row)
            name = row.fields.get("owner")
            values["owner_id"] = owner(name) if name else None
            out.append(arrival(reading.name, row, values, inquiry))
    return out, rejected
