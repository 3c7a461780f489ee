"""A watched folder: lead files dropped in it are imported, then moved to `done` or to `failed` with
the reason."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from repdesk.services.common.errors import UserError
from repdesk.services.imports.import_service import ImportService

log = logging.getLogger(__name__)

DONE = "done"
FAILED = "failed"
SETTLE_SECONDS = (
    5.0  # a file younger than this that fails to read may still be being written: retry later
)
_PARTIAL = (".part", ".partial", ".tmp", ".crdownload", ".download", "~", ".error.txt")


@dataclass
class FolderResult:
    added: int = 0
    merged: int = 0
    added_ids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)


def pending_files(folder: Path) -> list[Path]:
    """Files waiting in the folder (not hidden, not half-downloaded), oldest first."""
    files = []
    for path in folder.iterdir():
        if path.name.startswith(".") or path.name.lower().endswith(_PARTIAL):
            continue
        if path.is_file():
            files.append(path)
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def scan_folder(folder: Path, imports: ImportService) -> FolderResult:
    """Import every waiting file once; raises OSError when the folder itself cannot be read."""
    result = FolderResult()
    if not folder.is_dir():
        raise FileNotFoundError(f"The watched folder {folder} does not exist (or is not mounted).")
    for path in pending_files(folder):
        try:
            summary = imports.import_files([path], origin="folder")
        except UserError as exc:
            if _young(path):
                log.info(
                    "Watched file %s could not be read yet; trying again on the next check: %s",
                    path,
                    exc,
                )
                continue
            reason = str(exc)
            log.info("Watched file %s failed: %s", path, reason)
            result.errors.append(f"{path.name}: {reason}")
            _move_failed(folder, path, reason)
            continue
        result.added += summary.added
        result.merged += summary.merged
        result.added_ids.extend(summary.added_ids)
        result.imported.append(path.name)
        for rejection in summary.rejected:
            log.info(
                "Watched file %s row %d skipped: %s", path.name, rejection.row, rejection.reason
            )
        log.info(
            "Watched file %s imported: %d added, %d merged",
            path.name,
            summary.added,
            summary.merged,
        )
        _move(path, folder / DONE)
    return result


def _young(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime < SETTLE_SECONDS and path.stat().st_size == 0
    except OSError:
        return False


def _move_failed(folder: Path, path: Path, reason: str) -> None:
    target = _move(path, folder / FAILED)
    note = target.with_name(target.name + ".error.txt")
    note.write_text(f"{target.name} was not imported: {reason}\n", encoding="utf-8")


def _move(path: Path, into: Path) -> Path:
    """Move without overwriting: a second "leads.csv" becomes "leads (2).csv"."""
    into.mkdir(exist_ok=True)
    target = into / path.name
    copy = 2
    while target.exists():
        target = into / f"{path.stem} ({copy}){path.suffix}"
        copy += 1
    path.replace(target)
    return target
