"""`repdesk leads`: list and search leads, streamed (a page of rows at a time)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import add_paging, print_json_array

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("leads", help="list leads, newest first")
    p.add_argument("--status", help="only leads with this status")
    p.add_argument("--search", help="search name, company, email, phone and notes")
    p.add_argument("--json", action="store_true", help="print one JSON array")
    add_paging(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace, services: Services) -> int:
    paging = {"status": args.status, "search": args.search}
    paging.update(offset=args.offset, limit=args.limit)
    if args.json:
        print_json_array(services.leads.stream_leads_json(**paging))
        return 0
    leads = services.leads.stream_leads(**paging)
    write = sys.stdout.write
    any_lead = False
    for lead in leads:
        any_lead = True
        when = lead.received_at.astimezone().strftime("%Y-%m-%d %H:%M")
        write(
            f"{lead.id:>6}  {lead.status:<10} {when}  {lead.display_name:<28.28} "
            f"{lead.company:<24.24} {lead.email}\n"
        )
    if not any_lead:
        print("No leads match.")
    return 0
