"""`repdesk team init|add-rep|list URL`: set up a team database (run by its owner)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from repdesk.commands.common import print_json
from repdesk.services.common.errors import UserError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("team", help="set up a shared PostgreSQL database for a team of reps")
    actions = p.add_subparsers(dest="team_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init", help="migrate and create the manager and rep roles with their privileges"
    )
    init.add_argument("url", metavar="URL", help="postgresql://OWNER@HOST/DATABASE")
    init.set_defaults(run=run_init, standalone=True)
    add = actions.add_parser(
        "add-rep", help="create a rep's PostgreSQL login; the password is read from standard input"
    )
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", required=True)
    add.add_argument("--login", required=True, help="the PostgreSQL login (lower case)")
    add.add_argument("--manager", action="store_true", help="may change everything")
    add.add_argument("--capacity", type=int, help="monthly capacity in leads (default 40)")
    add.set_defaults(run=run_add_rep, standalone=True)
    listing = actions.add_parser("list", help="the reps, their roles and capacity")
    listing.add_argument("url", metavar="URL")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(run=run_list, standalone=True)


def read_password(login: str) -> str:
    """One line from standard input (piped), or typed twice without echo at a terminal."""
    if sys.stdin is None:
        raise UserError("The new login's password must be given on standard input.")
    if sys.stdin.isatty():
        first = getpass.getpass(f"Password for {login}: ")
        if getpass.getpass("Again: ") != first:
            raise UserError("The two passwords differ; nothing was created.")
        return first
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def run_init(args: argparse.Namespace) -> int:
    from repdesk.services.team import team_setup  # the database code only when it is needed

    team_setup.init_team(args.url)
    print(
        "The team database is ready: roles repdesk_manager and repdesk_rep have their "
        "privileges. Add people with `repdesk team add-rep`."
    )
    return 0


def run_add_rep(args: argparse.Namespace) -> int:
    from repdesk.services.team import team_setup

    team_setup.validate_login(args.login)  # before asking for a password
    member = team_setup.add_rep(
        args.url,
        name=args.name,
        login=args.login,
        password=read_password(args.login),
        manager=args.manager,
        capacity=args.capacity,
    )
    print(
        f"Added {member.name} as {member.role} with the login {member.login} "
        f"(capacity {member.monthly_capacity} a month)."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from repdesk.services.team import team_setup

    members = team_setup.list_team(args.url)
    if args.json:
        print_json([m.to_json() for m in members])
        return 0
    if not members:
        print("No reps yet. Add one with `repdesk team add-rep URL --name NAME --login LOGIN`.")
        return 0
    for m in members:
        flags = ", ".join(
            f for f in ("away" if m.away else "", "" if m.active else "inactive") if f
        )
        print(
            f"{m.id:>4}  {m.name:<24} {m.login or '-':<16} {m.role or '-':<8} "
            f"{m.monthly_capacity:>5}/month  {flags}".rstrip()
        )
    return 0
