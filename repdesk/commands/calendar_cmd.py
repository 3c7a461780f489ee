"""`repdesk export-ics FILE`: pending follow-ups as an .ics calendar with alarms (re-export
updates)."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import parse_when

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("export-ics", help="export pending follow-ups as an .ics calendar file")
    p.add_argument("file", metavar="FILE", help="the .ics file to write (replaced atomically)")
    p.add_argument(
        "--from", dest="start", metavar="DATE", help="only steps due on or after this date"
    )
    p.add_argument("--to", dest="end", metavar="DATE", help="only steps due on or before this date")
    p.add_argument("--lead", type=int, metavar="ID", help="only this lead's steps")
    p.add_argument("--owner", metavar="REP", help="only leads owned by this rep")
    p.add_argument(
        "--alarm-minutes",
        type=int,
        metavar="N",
        help="reminder N minutes before (default: settings)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, services: Services) -> int:
    zone = services.time.zone()
    start = parse_when(args.start, tz=zone) if args.start else None
    end = None
    if args.end:
        end = parse_when(args.end, tz=zone)
        if len(args.end) == 10:  # a date: the whole day is included
            end = parse_when(
                (date.fromisoformat(args.end) + timedelta(days=1)).isoformat(), tz=zone
            )
    if args.alarm_minutes is not None and args.alarm_minutes < 0:
        from repdesk.services.common.errors import UserError

        raise UserError(f"--alarm-minutes must be 0 or more, not {args.alarm_minutes}.")
    from repdesk.services.calendar.calendar_export import ExportFilter

    if args.lead is not None:
        services.leads.detail(
            args.lead
        )  # a lead that does not exist is an error, not an empty calendar
    result = services.calendar.export(
        Path(args.file),
        ExportFilter(start, end, args.lead, args.owner),
        alarm_minutes=args.alarm_minutes,
    )
    print(result.message)
    return 0
