"""`repdesk source add imap|folder`, `repdesk source list|remove` and `repdesk fetch`: inquiry
sources."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import print_json
from repdesk.commands.mail_cmd import add_smtp_parser
from repdesk.core.counting import counted
from repdesk.services.common.errors import UserError

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("source", help="mailboxes and watched folders that bring in inquiries")
    actions = p.add_subparsers(dest="source_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a source")
    kinds = add.add_subparsers(dest="source_kind", metavar="KIND", required=True)
    imap = kinds.add_parser(
        "imap", help="an IMAP mailbox; the password is read from standard input"
    )
    imap.add_argument("--host", required=True)
    imap.add_argument("--port", type=int, help="default: 993 for tls, 143 otherwise")
    imap.add_argument("--user", required=True)
    imap.add_argument("--folder", default="INBOX")
    imap.add_argument(
        "--security",
        choices=("tls", "starttls", "none"),
        default="tls",
        help="tls (default), starttls, or none (only for a server on this computer)",
    )
    imap.add_argument(
        "--ca-file", default="", help="also trust certificates signed by this CA (PEM)"
    )
    imap.add_argument("--name", default="", help="how the source is shown")
    imap.set_defaults(run=run_add_imap)
    add_smtp_parser(kinds)  # the outgoing account (commands/mail_cmd)
    folder = kinds.add_parser("folder", help="a folder whose CSV and vCard files are imported")
    folder.add_argument("path", metavar="PATH")
    folder.add_argument("--name", default="")
    folder.set_defaults(run=run_add_folder)
    listing = actions.add_parser("list", help="list sources with their status")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(run=run_list)
    remove = actions.add_parser("remove", help="remove a source (and its keyring password)")
    remove.add_argument("source_id", type=int, metavar="ID")
    remove.set_defaults(run=run_remove)

    f = sub.add_parser("fetch", help="check every source once for new inquiries")
    f.add_argument("--json", action="store_true", help="print one JSON object")
    f.set_defaults(run=run_fetch)


def read_password() -> str:
    """The password from standard input: one line (piped), or typed without echo at a terminal."""
    if sys.stdin is None:
        raise UserError("The mailbox password must be given on standard input.")
    if sys.stdin.isatty():
        return getpass.getpass("Mailbox password: ")
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


def run_add_imap(args: argparse.Namespace, services: Services) -> int:
    port = args.port or (993 if args.security == "tls" else 143)
    password = read_password()
    source = services.sources.add_imap(
        host=args.host,
        port=port,
        user=args.user,
        password=password,
        folder=args.folder,
        security=args.security,
        ca_file=args.ca_file,
        name=args.name,
    )
    print(f"Added source {source.id}: {source.name} (password stored in the system keyring).")
    return 0


def run_add_folder(args: argparse.Namespace, services: Services) -> int:
    source = services.sources.add_folder(args.path, name=args.name)
    print(f"Added source {source.id}: watching {source.config['path']}.")
    return 0


def run_list(args: argparse.Namespace, services: Services) -> int:
    sources = services.sources.list_sources()
    if args.json:
        print_json([s.to_json() for s in sources])
        return 0
    if not sources:
        print(
            "No sources. Add one with `repdesk source add imap …` or `repdesk source add folder "
            "PATH`."
        )
        return 0
    for s in sources:
        checked = (
            s.last_checked_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if s.last_checked_at
            else "never"
        )
        print(f"{s.id:>4}  {s.kind:<7} {s.status:<8} {checked:<16}  {s.name}")
        if s.last_error:
            print(f"      {s.last_error}")
        for mail in s.could_not_read:
            print(f"      could not read message {mail['uid']}: {mail['reason']}")
    return 0


def run_remove(args: argparse.Namespace, services: Services) -> int:
    services.sources.remove(args.source_id)
    print(f"Removed source {args.source_id}.")
    return 0


def run_fetch(args: argparse.Namespace, services: Services) -> int:
    result = services.sources.fetch_all()
    if args.json:
        print_json(result.to_json())
    else:
        print(
            f"Added {counted(result.added, 'lead')}, merged {result.merged:,} into existing leads."
        )
        if result.replies:  # mail back from leads, filed on them (services/email)
            print(
                f"Filed {counted(result.replies, 'message')} from leads (replies, automatic "
                "answers, bounces)."
            )
        for mail in result.could_not_read:
            print(f"Could not read {mail['source']} message {mail['uid']}: {mail['reason']}")
    for error in result.errors:
        print(f"repdesk: {error}", file=sys.stderr)
    # The run itself worked: a source that is offline is reported (JSON "errors", stderr), and the
    # sources that answered were imported, so this is not a failed command.
    return 0
