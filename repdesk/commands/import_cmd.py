"""`repdesk import FILE... [--map "Column=field"]... [--dry-run] [--json]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import print_json
from repdesk.services.common.errors import UserError

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("import", help="import leads from CSV or vCard files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="Column=field",
        help="use this column for this field (repeatable); field 'extra' keeps it as an extra "
        "field",
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
    summary = services.imports.import_files(
        [Path(f) for f in args.files], mapping=parse_map(args.map) or None, dry_run=args.dry_run
    )
    if args.json:
        print_json(summary.to_json())
        return 0
    verb = "Would add" if args.dry_run else "Added"
    print(
        f"{verb} {summary.added} leads, merged {summary.merged} into existing leads, "
        f"rejected {len(summary.rejected)} rows."
    )
    for rejection in summary.rejected[:50]:
        print(f"  {rejection.file} row {rejection.row}: {rejection.reason}")
    if len(summary.rejected) > 50:
        print(f"  … and {len(summary.rejected) - 50} more")
    return 0
