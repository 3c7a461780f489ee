"""What the import service gives back: a preview of a file, an estimate of a run, an import as
Undo describes it, an undo's result, and the file that needs its columns mapped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from repdesk.core.counting import counted
from repdesk.formats.header_map import CANONICAL_FIELDS, HUMAN_NAMES, NAME, RECEIVED_AT
from repdesk.formats.lead_file import LeadFile, ParsedLead
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import UserError
from repdesk.services.imports.import_run import Refusal
from repdesk.services.imports.import_undo import UndoResult
from repdesk.store.models import ImportRecord


class NeedsMapping(UserError):
    """The file is a table but no column was recognised; `headers` lets the user map them."""

    def __init__(self, message: str, headers: tuple[str, ...]) -> None:
        super().__init__(message)
        self.headers = headers


@dataclass(frozen=True)
class Preview:
    file: LeadFile
    rows: list[ParsedLead]

    @property
    def source_name(self) -> str:
        """The kind of export the file is, as people call it ("HubSpot", "Google Contacts")."""
        return HUMAN_NAMES.get(self.file.detected, self.file.detected)

    @property
    def kind(self) -> str:
        """How its rows import unless the user says otherwise: "inquiries" or "contacts"."""
        return self.file.default_kind


#: What a column can be mapped to, in the order the Import dialog offers them (or "extra").
MAPPABLE_FIELDS: tuple[str, ...] = (NAME, RECEIVED_AT, *CANONICAL_FIELDS)


@dataclass(frozen=True)
class Estimate:
    """What an import of some files would do (nothing written)."""

    rows: int
    new: int
    merges: int
    possible_duplicates: int
    skipped: int
    refused: list[Refusal]
    kinds: dict[str, str]

    @property
    def sentence(self) -> str:
        parts = [f"{self.new:,} new", f"{self.merges:,} already known (merged)"]
        if self.possible_duplicates:
            parts.append(f"{counted(self.possible_duplicates, 'possible duplicate')} to review")
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped (nobody named)")
        return f"{counted(self.rows, 'row')}: " + ", ".join(parts) + "."


@dataclass(frozen=True)
class ImportInfo:
    """One import as File → Undo last import describes it."""

    id: int
    started_at: datetime
    files: tuple[str, ...]
    added: int
    merged: int


@dataclass(frozen=True)
class UndoImport:
    result: UndoResult
    changes: Changes

    @property
    def message(self) -> str:
        return self.result.message


def undoable_record(session: Session, import_id: int | None) -> ImportRecord | None:
    query = select(ImportRecord).where(ImportRecord.undone_at.is_(None))
    if import_id:
        query = query.where(ImportRecord.id == import_id)
    else:
        query = query.where(ImportRecord.origin == "user")
    return session.scalars(query.order_by(ImportRecord.id.desc()).limit(1)).first()
