"""`repdesk import FILE... [--as inquiries|contacts] [--map "Column=field"]... [--dry-run] [--json]`
and `repdesk import undo [IMPORT_ID] [--json]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import print_json
from repdesk.core.counting import counted
from repdesk.services.common.errors import UserError

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="import leads from CSV or vCard files; 'import undo [IMPORT_ID]' takes one back",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="files to import (a file named 'undo': ./undo), or: undo [IMPORT_ID]",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="Column=field",
        help="use this column for this field (repeatable); field 'extra' keeps it as an extra "
        "field",
    )
    p.add_argument(
        "--as",
        dest="as_kind",
        choices=("inquiries", "contacts"),
        help="new inquiries (a waiting clock from their received time) or known contacts (no "
        "clock); default: contacts for CRM and address-book exports, inquiries otherwise",
    )
    p.add_argument("--dry-run", action="store_true", help="read and dedupe, report, write nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def parse_map(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise UserError(f'--map {item!r} must look like "Column=field".')
        mapping[column.strip()] = target.strip()
    return mapping


def run(args: argparse.Namespace, services: Services) -> int:
    if args.files[0] == "undo":
        return run_undo(args, services)
    summary = services.imports.import_files(
        [Path(f) for f in args.files],
        mapping=parse_map(args.map) or None,
        as_kind=args.as_kind,
        dry_run=args.dry_run,
    )
    if args.json:
        print_json(summary.to_json())
        return 0
    verb = "Would add" if args.dry_run else "Added"
    print(
        f"{verb} {counted(summary.added, 'lead')}, merged {summary.merged:,} into existing "
        f"leads, rejected {counted(len(summary.rejected), 'row')}."
    )
    if summary.possible_duplicates:
        print(
            f"  {counted(summary.possible_duplicates, 'pair')} may be the same person (a shared "
            "phone, the same name and company): review them in the app (File → Possible "
            "duplicates)."
        )
    if summary.reopened:
        print(
            f"  {counted(summary.reopened, 'closed lead')} asked again and "
            f"{'is a new inquiry' if summary.reopened == 1 else 'are new inquiries'} now."
        )
    for refusal in summary.refused:
        print(f"  not imported: {refusal.reason}")
    for rejection in summary.rejected[:50]:
        print(f"  {rejection.file} row {rejection.row}: {rejection.reason}")
    if len(summary.rejected) > 50:
        print(f"  … and {len(summary.rejected) - 50} more")
    return 0


def run_undo(args: argparse.Namespace, services: Services) -> int:
    """Undo an import (the newest not yet undone by default) over the import service's undo."""
    if args.map or args.dry_run:
        flag = "--map" if args.map else "--dry-run"
        raise UserError(f"{flag} does not go with 'import undo'; it takes an import id and --json.")
    words = args.files[1:]
    if len(words) > 1:
        raise UserError(f"'import undo' takes one import id, got {' '.join(words)}.")
    import_id: int | None = None
    if words:
        if not words[0].isdigit():
            raise UserError(f"{words[0]!r} is not an import id (a number).")
        import_id = int(words[0])
    record = services.imports.undoable(import_id)
    if record is None:
        raise UserError(
            "There is no import to undo."
            if import_id is None
            else f"There is no import {import_id} to undo (it does not exist or is undone)."
        )
    undone = services.imports.undo(record.id)
    if args.json:
        print_json(undone.result.to_json())
        return 0
    print(f"Undid import {record.id}. {undone.message}")
    return 0
