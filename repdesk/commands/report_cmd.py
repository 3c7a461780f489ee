"""`repdesk report [--from DATE] [--to DATE] [--owner REP] [--json]`: speed to lead, coverage,
funnel, reps."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import print_json
from repdesk.core.counting import counted
from repdesk.services.common.errors import UserError

if TYPE_CHECKING:
    from repdesk.services.reports.report_service import Report
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="speed to lead, follow-up coverage, funnel and rep load")
    p.add_argument(
        "--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD (default: 30 days ago)"
    )
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--owner", metavar="REP", help="only this rep's leads")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def parse_day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UserError(f"{flag} {text!r} is not a date (use YYYY-MM-DD).") from exc


def run(args: argparse.Namespace, services: Services) -> int:
    report = services.reports.report(
        parse_day(args.start, "--from"), parse_day(args.end, "--to"), args.owner
    )
    if args.json:
        print_json(report.to_json())
    else:
        print(summary_text(report))
    return 0


def summary_text(r: Report) -> str:
    s, c, f = r.speed, r.coverage, r.funnel
    who = f" for {r.owner}" if r.owner else ""
    median = "—" if s.median_minutes is None else _minutes(s.median_minutes)
    lines = [
        f"Report{who}: leads received {r.period_from:%d %b %Y} – {r.period_to:%d %b %Y} "
        f"({counted(s.received, 'lead')})",
        "",
        "Speed to lead",
        f"  median first response   {median}",
        f"  {f'within {r.target_minutes} min':<24}{_pct(s.within_target_share)}",
        f"  within 1 hour           {_pct(s.within_hour_share)}",
        f"  within 24 hours         {_pct(s.within_day_share)}",
        f"  never contacted         {s.never_contacted}",
        "",
        "Follow-up coverage (open leads now)",
        f"  open leads              {c.open_leads}",
        f"  with a next step        {_pct(c.with_next_step_share)}",
        f"  overdue                 {c.overdue}",
        "",
        "Funnel",
        "  " + "  ".join(f"{status.replace('_', ' ')} {n}" for status, n in f.by_status.items()),
        f"  qualified → won         {_pct(f.qualified_to_won_rate)} ({f.won} of {f.qualified})",
    ]
    if r.attempts.connected_leads:
        lines.append(
            f"  calls before connecting median {r.attempts.median_attempts:g}, "
            f"max {r.attempts.max_attempts} ({r.attempts.unreached_leads} not reached yet)"
        )
    if r.reps:
        lines += ["", "Reps: qualified hand-overs this month / capacity"]
        lines += [
            f"  {rep.name:<22.22} {rep.qualified_this_month:>3} / {rep.capacity:<3}"
            f"{'' if rep.active else ' (inactive)'}".rstrip()
            for rep in r.reps
        ]
    lines += ["", "Journey (open leads)  " + "  ".join(f"{k} {v}" for k, v in r.journey.items())]
    forms = r.forms
    if forms.called or forms.waiting:
        lines += [
            "",
            f"Form answers: {forms.called} lead{'' if forms.called == 1 else 's'} called after "
            "their form "
            f"({forms.waiting} not called yet); verdicts agreed {_pct(forms.agreement_share)}",
        ]
        lines += [
            f"  {r.prompts.get(q.key, q.key):<44.44} changed {q.changed} of {q.compared}"
            for q in forms.questions
        ]
    return "\n".join(lines)


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def _minutes(minutes: float) -> str:
    if minutes < 60:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"
