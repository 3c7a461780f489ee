"""`repdesk backup list|restore`: the backups kept beside the workspace file, and bringing one
back. These run without opening the workspace: they must work on a damaged file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from repdesk.commands.common import print_json


def add_parser(sub: Any) -> None:
    p = sub.add_parser("backup", help="the workspace's backups: list them, bring one back")
    actions = p.add_subparsers(dest="backup_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the backups beside the workspace file, newest first")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(run_without_workspace=run_list)
    restore = actions.add_parser(
        "restore", help="put a backup in place of the workspace file (close repdesk first)"
    )
    restore.add_argument(
        "backup", nargs="?", metavar="BACKUP", help="a backup file (default: the newest sound one)"
    )
    restore.add_argument("--json", action="store_true", help="print one JSON object")
    restore.set_defaults(run_without_workspace=run_restore)


def run_list(args: argparse.Namespace, url: str) -> int:
    from repdesk.services.workspace.backup_service import list_backups

    found = list_backups(url)
    if args.json:
        print_json([b.to_json() for b in found])
    elif not found:
        print("No backups yet: repdesk makes one each day it is used, and before an upgrade.")
    for b in [] if args.json else found:
        print(f"{b.made_at:%Y-%m-%d %H:%M}  {b.size / 1e6:>8.1f} MB  {b.path}")
    return 0


def run_restore(args: argparse.Namespace, url: str) -> int:
    from repdesk.services.workspace.backup_service import restore_backup

    restored, kept = restore_backup(url, Path(args.backup) if args.backup else None)
    if args.json:
        print_json({"restored": str(restored), "replaced_file_kept_as": str(kept)})
    else:
        print(f"Restored the workspace from {restored}; the file it replaced is kept as {kept}.")
    return 0
