"""`repdesk lead show|edit|status|dnc ID ...`: one lead, for scripts and checks."""

from __future__ import annotations

import argparse
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import print_json
from repdesk.services.common.errors import UserError
from repdesk.services.leads.lead_rows import LeadDetail, StepRow

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    lead = sub.add_parser("lead", help="show or change one lead")
    actions = lead.add_subparsers(dest="lead_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the lead with its timeline and follow-ups")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(run=run_show)
    edit = actions.add_parser("edit", help="change contact fields (protected from later imports)")
    edit.add_argument("id", type=int)
    edit.add_argument(
        "--set",
        action="append",
        required=True,
        metavar="FIELD=VALUE",
        dest="values",
        help="set this field (repeatable)",
    )
    edit.set_defaults(run=run_edit)
    status = actions.add_parser("status", help="change the lead's status")
    status.add_argument("id", type=int)
    status.add_argument("status", metavar="STATUS")
    status.add_argument("--reason", default="", metavar="TEXT", help="why, for the timeline")
    status.set_defaults(run=run_status)
    dnc = actions.add_parser("dnc", help="mark the lead do not contact (no calls, emails, steps)")
    dnc.add_argument("id", type=int)
    dnc.add_argument("--off", action="store_true", help="clear the mark")
    dnc.set_defaults(run=run_dnc)


def run_show(args: argparse.Namespace, services: Services) -> int:
    detail = services.leads.detail(args.id)
    steps = services.leads.steps(args.id)
    if args.json:
        data = detail.to_json()
        data["steps"] = [step.to_json() for step in steps]
        print_json(data)
        return 0
    print_lead(detail, steps, services.time.zone())
    return 0


def run_edit(args: argparse.Namespace, services: Services) -> int:
    values = parse_settings(args.values)
    before = _fields(services.leads.detail(args.id))
    services.leads.update_lead(args.id, values)
    after = _fields(services.leads.detail(args.id))
    changed = [key for key in values if before.get(key) != after.get(key)]
    if not changed:
        print(f"Lead {args.id}: nothing changed.")
        return 0
    print(f"Lead {args.id}: " + "; ".join(f"{k} = {after[k]!r}" for k in changed) + ".")
    return 0


def run_status(args: argparse.Namespace, services: Services) -> int:
    # Imported here: the GUI starts through this module, and the service imports SQLAlchemy.
    from repdesk.services.leads.lead_queries import parse_status

    status = parse_status(args.status)
    before = services.leads.detail(args.id).lead.status
    if before == status.value:
        print(f"Lead {args.id} is already {status.label.lower()}.")
        return 0
    services.leads.set_status(args.id, status, note=args.reason.strip())
    after = services.leads.detail(args.id).lead
    step = _next(after.next_follow_up_at, services.time.zone())
    print(f"Lead {args.id}: {before} → {status.value}.{step}")
    return 0


def run_dnc(args: argparse.Namespace, services: Services) -> int:
    on = not args.off
    changes = services.leads.set_do_not_contact(args.id, on)
    if not changes.any:
        state = "already marked do not contact" if on else "not marked do not contact"
        print(f"Lead {args.id} is {state}.")
        return 0
    if on:
        print(f"Lead {args.id} is marked do not contact: no calls, emails or follow-ups.")
        return 0
    after = services.leads.detail(args.id).lead
    step = _next(after.next_follow_up_at, services.time.zone())
    print(f"Lead {args.id} may be contacted again.{step}")
    return 0


def parse_settings(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--set {item!r} must look like FIELD=VALUE.")
        values[name.strip()] = value
    return values


def print_lead(detail: LeadDetail, steps: list[StepRow], zone: tzinfo) -> None:
    lead = detail.lead
    print(f"{lead.display_name} · {lead.company or 'no company'}  (lead {lead.id}, {lead.status})")
    rows = [
        ("Title", lead.title),
        ("Email", lead.email),
        ("Phone", lead.phone),
        ("Source", lead.source),
        ("Product", lead.product),
        ("Owner", lead.owner or "unassigned"),
        ("Received", _when(lead.received_at, zone)),
        ("First answer", _when(lead.first_response_at, zone) or "not answered yet"),
        ("Next step", _when(lead.next_follow_up_at, zone) or "none"),
    ]
    if lead.do_not_contact:
        rows.append(("Contact", "DO NOT CONTACT"))
    for label, value in rows:
        print(f"  {label:<13}{value or '—'}")
    if detail.message:
        print(f"\nInquiry\n  {detail.message}")
    print("\nTimeline")
    for act in detail.activities:
        outcome = f" ({act.outcome})" if act.outcome else ""
        print(f"  {_when(act.occurred_at, zone)}  {act.kind}{outcome}  {act.body}".rstrip())
    print("\nFollow-ups")
    for step in steps:
        print(f"  {_when(step.due_at, zone)}  {step.kind:<5} {step.status:<9} {step.note}")


def _fields(detail: LeadDetail) -> dict[str, Any]:
    return {**detail.lead.to_json(), "tags": detail.tags}


def _when(moment: datetime | None, zone: tzinfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b %Y %H:%M}" if moment else ""


def _next(moment: datetime | None, zone: tzinfo) -> str:
    return f" Next step: {_when(moment, zone)}." if moment else ""
