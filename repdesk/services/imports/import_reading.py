"""Reading the files of an import before anything is written (its pass 1): every readable file
parsed whole (each all or nothing) into a spool, and how often each of its rows' match keys occurs
counted; every other file refused with its reason; each row made ready to match."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from repdesk.core.dedupe import Identity, name_key, phone_keys
from repdesk.core.phones import Phone
from repdesk.formats.lead_file import LeadFile, LeadFileError, ParsedLead
from repdesk.services.common.errors import Cancelled, UserError
from repdesk.services.imports.import_people import Arrival, index_keys
from repdesk.services.imports.import_rows import LeadValues
from repdesk.services.imports.import_spool import RowSpool, Scratch, key_hash

KINDS = ("inquiries", "contacts")
Progress = Callable[[float], None]


class ImportCancelled(Cancelled):
    """The user cancelled; nothing was written."""


@dataclass
class Reading:
    """One readable file: its rows and whether they are inquiries or contacts."""

    name: str
    kind: str
    rows: list[ParsedLead] | RowSpool = field(default_factory=list)
    detected: str = ""

    @property
    def size(self) -> int:
        return self.rows.count if isinstance(self.rows, RowSpool) else len(self.rows)


def count_keys(scratch: Scratch, row: ParsedLead) -> None:
    """Count a row's match keys (pass 1): rows whose keys no other record holds are matched and
    written a chunk at a time, and need not be remembered."""
    if row.problem:
        return
    scratch.count(key_counts(identity_of(row)))


def key_counts(identity: Identity) -> list[tuple[int, int, str | None]]:
    """What Scratch.count counts of one record."""
    email = int(bool(identity.emails))
    kinds = {key.partition(":")[0] for key in identity.keys}
    kind = "" if not kinds else kinds.pop() if len(kinds) == 1 else "*"
    return [
        (key_hash(k), email, kind if k.startswith("n:") else None) for k in index_keys(identity)
    ]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


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
    scratch: Scratch | None = None,
) -> tuple[list[Reading], list[tuple[str, str]]]:
    """(readable files with all their rows, refused files with their reason). A file whose rows
    cannot all be read (a quote that never closes) is refused whole; a file that changes while it
    is read stops the import (UserError). The rows are spooled (closed with `close_readings`);
    with `scratch`, their match keys are counted there."""
    readings: list[Reading] = []
    refused: list[tuple[str, str]] = []
    opened = [f for _, f in files if isinstance(f, LeadFile)]
    total = sum(f.total_bytes for f in opened) or 1
    done = 0
    for path, lead_file in files:
        if isinstance(lead_file, UserError):
            refused.append((path.name, str(lead_file)))
            continue
        spool = RowSpool()
        reading = Reading(
            path.name, kind or lead_file.default_kind, spool, detected=lead_file.detected
        )
        try:
            for count, row in enumerate(lead_file.rows(), start=1):
                spool.add(row)
                if scratch is not None:
                    count_keys(scratch, row)
                if count % 2000 == 0:
                    if cancelled():
                        raise ImportCancelled("Import cancelled; nothing was imported.")
                    if progress is not None:
                        progress((done + lead_file.progress() * lead_file.total_bytes) / total)
        except LeadFileError as exc:
            spool.close()
            refused.append((path.name, str(exc)))
            continue
        except OSError as exc:
            spool.close()
            refused.append((path.name, f"{path.name} cannot be read: {exc.strerror or exc}."))
            continue
        except BaseException:
            spool.close()
            close_readings(readings)
            raise
        finally:
            done += lead_file.total_bytes
        readings.append(reading)
        if _stamp(path) != lead_file.stamp:
            close_readings(readings)
            raise UserError(
                f"{path.name} changed while it was being read, so nothing was imported; import "
                "it again once whatever is writing it has finished."
            )
    if cancelled():
        close_readings(readings)
        raise ImportCancelled("Import cancelled; nothing was imported.")
    return readings, refused


def close_readings(readings: Iterable[Reading]) -> None:
    for reading in readings:
        if isinstance(reading.rows, RowSpool):
            reading.rows.close()


def identities(readings: Sequence[Reading]) -> Iterator[Identity]:
    """The identity of every row that will arrive, in order."""
    for reading in readings:
        for row in reading.rows:
            if not row.problem:
                yield identity_of(row)


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
    identity = identity_of(row)
    return Arrival(reading_name, values, identity, row, inquiry, row.received_at is not None)


def identity_of(row: ParsedLead) -> Identity:
    """What identifies a row's person (its lead values' e-mail, phone and names, as LeadValues
    takes them from the row)."""
    fields = row.fields
    email = fields.get("email", "").strip()
    phone = fields.get("phone", "").strip()
    main = [Phone(phone, "main", fields.get("phone_ext", ""))] if phone else []
    return Identity(
        emails=frozenset(row.emails or ((email,) if email else ())),
        phones=phone_keys(row.phones or main),
        keys=frozenset(row.keys),
        first=fields.get("first_name", "").strip(),
        last=fields.get("last_name", "").strip(),
        company=fields.get("company", "").strip(),
    )


def arrivals_of(
    readings: Sequence[Reading], zone: tzinfo, now: datetime, owner: Callable[[str], Any]
) -> tuple[list[Arrival], list[tuple[str, int, str]]]:
    """Every row of these files ready to match, and the rows that name nobody (file, row,
    reason)."""
    rejected: list[tuple[str, int, str]] = []
    return list(iter_arrivals(readings, zone, now, owner, rejected)), rejected


def iter_arrivals(
    readings: Sequence[Reading],
    zone: tzinfo,
    now: datetime,
    owner: Callable[[str], Any],
    rejected: list[tuple[str, int, str]],
) -> Iterator[Arrival]:
    """Every row of these files ready to match, in order; the rows that name nobody go to
    `rejected` (file, row, reason)."""
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
            yield arrival(reading.name, row, values, inquiry)
