"""`repdesk workspace copy SOURCE DEST [--json]`: a whole workspace into another database."""

from __future__ import annotations

import argparse
from typing import Any

from repdesk.commands.common import print_json
from repdesk.core.counting import counted


def add_parser(sub: Any) -> None:
    p = sub.add_parser("workspace", help="copy a whole workspace between SQLite and PostgreSQL")
    actions = p.add_subparsers(dest="workspace_action", metavar="ACTION", required=True)
    copy = actions.add_parser(
        "copy",
        help="copy every lead, activity, history entry, script, follow-up, rep and setting "
        "(ids and calendar UIDs kept) into an empty workspace",
    )
    copy.add_argument("source", metavar="SOURCE", help="SQLite file or database URL")
    copy.add_argument("dest", metavar="DEST", help="SQLite file or database URL (no leads yet)")
    copy.add_argument("--json", action="store_true", help="print one JSON object")
    copy.set_defaults(run=run_copy, standalone=True)


def run_copy(args: argparse.Namespace) -> int:
    from repdesk.services.workspace.workspace_copy import copy_workspace  # loads SQLAlchemy

    report = copy_workspace(args.source, args.dest)
    if args.json:
        print_json(report.to_json())
        return 0
    t = report.tables
    print(
        f"Copied {counted(t.get('leads', 0), 'lead')}, "
        f"{counted(t.get('activities', 0), 'activity', 'activities')}, "
        f"{counted(t.get('follow_ups', 0), 'follow-up')}, "
        f"{counted(t.get('lead_history', 0), 'history entry', 'history entries')} and "
        f"{counted(t.get('reps', 0), 'rep')} from {report.source} to {report.dest} "
        f"({counted(len(t), 'table')}, every count checked)."
    )
    return 0
