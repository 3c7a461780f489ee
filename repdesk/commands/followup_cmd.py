"""`repdesk followups` and `repdesk followup done|move`: the scheduled next steps."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import parse_when, print_json
from repdesk.core.domain import CallOutcome

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("followups", help="list pending follow-ups, earliest first")
    p.add_argument("--due", choices=["today", "overdue", "all"], default="all")
    p.add_argument("--json", action="store_true", help="print one JSON array")
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
    rows = services.followups.list(args.due)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("Nothing due." if args.due != "all" else "No pending follow-ups.")
        return 0
    now, zone = services.time.now(), services.time.zone()
    for r in rows:
        flag = "OVERDUE " if r.due_at < now else ""
        print(
            f"{r.id:>6}  {flag}{r.due_at.astimezone(zone):%a %d %b %H:%M}  {r.kind:<5} "
            f"{r.lead_name:<26.26} {r.phone:<16} {r.note}"
        )
    return 0


def run_done(args: argparse.Namespace, services: Services) -> int:
    services.followups.complete(args.id, outcome=args.outcome, note=args.note)
    lead_id = services.followups.lead_of(args.id)
    nxt = [r for r in services.followups.list("all") if r.lead_id == lead_id]
    suffix = (
        f" Next: {nxt[0].kind} {nxt[0].due_at.astimezone(services.time.zone()):%a %d %b %H:%M}."
        if nxt
        else ""
    )
    print(f"Follow-up {args.id} done.{suffix}")
    return 0


def run_move(args: argparse.Namespace, services: Services) -> int:
    when = parse_when(args.when, tz=services.time.zone())
    services.followups.move(args.id, when)
    print(
        f"Follow-up {args.id} moved to {when.astimezone(services.time.zone()):%a %d %b %Y %H:%M}."
    )
    return 0
