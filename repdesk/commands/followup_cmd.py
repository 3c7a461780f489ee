"""`repdesk followups` and `repdesk followup done|move`: the scheduled next steps (lists stream)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import add_paging, parse_when, print_json_array
from repdesk.core.domain import CallOutcome

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("followups", help="list pending follow-ups, earliest first")
    p.add_argument("--due", choices=["today", "overdue", "all"], default="all")
    p.add_argument("--json", action="store_true", help="print one JSON array")
    add_paging(p)
    p.set_defaults(run=run_list)
    one = sub.add_parser("followup", help="complete or move one follow-up")
    actions = one.add_subparsers(dest="followup_action", metavar="ACTION", required=True)
    done = actions.add_parser("done", help="mark a follow-up done and schedule the next step")
    done.add_argument("id", type=int)
    done.add_argument("--outcome", choices=[o.value for o in CallOutcome])
    done.add_argument("--note", default="")
    done.set_defaults(run=run_done)
    move = actions.add_parser("move", help="reschedule a follow-up")
    move.add_argument("id", type=int)
    move.add_argument(
        "when", metavar="DATETIME", help="YYYY-MM-DDTHH:MM (local time) or with an offset"
    )
    move.set_defaults(run=run_move)


def run_list(args: argparse.Namespace, services: Services) -> int:
    """Rows go out as they are read (a page at a time): memory stays flat however many."""
    followups = services.followups
    if args.json:
        print_json_array(followups.stream_json(args.due, offset=args.offset, limit=args.limit))
        return 0
    now, zone = services.time.now(), services.time.zone()
    any_row = False
    for r in followups.stream(args.due, offset=args.offset, limit=args.limit):
        any_row = True
        flag = "OVERDUE " if r.due_at < now else ""
        print(
            f"{r.id:>6}  {flag}{r.due_at.astimezone(zone):%a %d %b %H:%M}  {r.kind:<5} "
            f"{r.lead_name:<26.26} {r.phone:<16} {r.note}"
        )
    if not any_row:
        print("Nothing due." if args.due != "all" else "No pending follow-ups.")
    return 0


def run_done(args: argparse.Namespace, services: Services) -> int:
    """Complete one step and say what comes next: that lead's rows only, whatever the size of
    the workspace."""
    services.followups.complete(args.id, outcome=args.outcome, note=args.note)
    lead_id = services.followups.lead_of(args.id)
    nxt = services.followups.next_step(lead_id) if lead_id is not None else None
    when = f"{nxt.due_at.astimezone(services.time.zone()):%a %d %b %H:%M}" if nxt else ""
    suffix = f" Next: {nxt.kind} {when}." if nxt else ""
    print(f"Follow-up {args.id} done.{suffix}")
    return 0


def run_move(args: argparse.Namespace, services: Services) -> int:
    when = parse_when(args.when, tz=services.time.zone())
    services.followups.move(args.id, when)
    print(
        f"Follow-up {args.id} moved to {when.astimezone(services.time.zone()):%a %d %b %Y %H:%M}."
    )
    return 0
