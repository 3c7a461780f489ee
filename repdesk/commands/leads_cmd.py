"""`repdesk leads`: list and search leads."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import print_json

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("leads", help="list leads, newest first")
    p.add_argument("--status", help="only leads with this status")
    p.add_argument("--search", help="search name, company, email, phone and notes")
    p.add_argument("--json", action="store_true", help="print one JSON array")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, services: Services) -> int:
    leads = services.leads.list_leads(status=args.status, search=args.search)
    if args.json:
        print_json([lead.to_json() for lead in leads])
        return 0
    if not leads:
        print("No leads match.")
        return 0
    for lead in leads:
        when = lead.received_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(
            f"{lead.id:>6}  {lead.status:<10} {when}  {lead.display_name:<28.28} "
            f"{lead.company:<24.24} {lead.email}"
        )
    return 0
