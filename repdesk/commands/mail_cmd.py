"""`repdesk mail send|outbox|flush|resolve`, `repdesk templates export|import FILE` and
`repdesk source add smtp …`: email that goes out."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import print_json
from repdesk.services.common.errors import UserError

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_smtp_parser(kinds: Any) -> None:
    """`repdesk source add smtp`: the outgoing account (called by commands/source_cmd)."""
    smtp = kinds.add_parser(
        "smtp", help="the outgoing mail server; the password is read from standard input"
    )
    smtp.add_argument("--host", required=True)
    smtp.add_argument("--port", type=int, help="default: 587 for starttls, 465 for tls, 25 none")
    smtp.add_argument("--user", required=True)
    smtp.add_argument(
        "--from", dest="sender", required=True, metavar='"NAME <ADDRESS>"', help="who mail is from"
    )
    smtp.add_argument(
        "--security",
        choices=("starttls", "tls", "none"),
        default="starttls",
        help="starttls (default), tls, or none (only for a server on this computer)",
    )
    smtp.add_argument("--ca-file", default="", help="also trust certificates signed by this CA")
    smtp.add_argument("--phone", default="", help="your phone number, for {rep_phone}")
    smtp.add_argument("--rep", default="", help="on a team database: the rep this identity is")
    smtp.set_defaults(run=run_add_smtp)


def add_parser(sub: Any) -> None:
    mail = sub.add_parser("mail", help="send email to leads and see the outbox")
    actions = mail.add_subparsers(dest="mail_action", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="send a lead an email made from a template")
    send.add_argument("lead_id", metavar="LEAD_ID", type=int)
    send.add_argument("--template", required=True, metavar="KEY", help="e.g. first_reply")
    send.add_argument("--json", action="store_true", help="print one JSON object")
    send.set_defaults(run=run_send)
    outbox = actions.add_parser("outbox", help="list what waits to be sent, and why")
    outbox.add_argument("--json", action="store_true", help="print one JSON array")
    outbox.set_defaults(run=run_outbox)
    flush = actions.add_parser("flush", help="try to send everything that waits, now")
    flush.add_argument("--json", action="store_true", help="print one JSON object")
    flush.set_defaults(run=run_flush)
    resolve = actions.add_parser(
        "resolve", help="settle an unsure message (Sent folder), or send a refused one again"
    )
    resolve.add_argument("outbox_id", metavar="ID", type=int)
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--sent", action="store_true", help="it is in the Sent folder")
    choice.add_argument("--resend", action="store_true", help="it is not: send it again")
    resolve.set_defaults(run=run_resolve)

    tpl = sub.add_parser("templates", help="export or import the email templates")
    tactions = tpl.add_subparsers(dest="templates_action", metavar="ACTION", required=True)
    export = tactions.add_parser("export", help="write every template to one text file")
    export.add_argument("file", metavar="FILE")
    export.set_defaults(run=run_templates_export)
    imp = tactions.add_parser("import", help="replace the templates with a file's")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(run=run_templates_import)


def read_secret(prompt: str) -> str:
    if sys.stdin is None:
        raise UserError("The password must be given on standard input.")
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def run_add_smtp(args: argparse.Namespace, ws: Services) -> int:
    port = args.port or {"starttls": 587, "tls": 465}.get(args.security, 25)
    password = read_secret("Mail password: ")
    account, replaced = ws.accounts.add_smtp(
        host=args.host,
        port=port,
        user=args.user,
        password=password,
        sender=args.sender,
        security=args.security,
        ca_file=args.ca_file,
        phone=args.phone,
        rep=args.rep,
    )
    verb = "Replaced the outgoing account with" if replaced else "Added outgoing account"
    print(
        f"{verb} {account.id}: {account.from_header} via {account.settings.where} "
        "(login tested; password stored in the system keyring)."
    )
    return 0


def run_send(args: argparse.Namespace, ws: Services) -> int:
    draft = ws.drafts.draft(args.lead_id, args.template)
    if draft.missing:
        names = ", ".join("{" + name + "}" for name in draft.missing)
        raise UserError(
            f"The template {draft.template!r} needs {names}, which lead {args.lead_id} does not "
            "have; fill in the lead (or the sender in Settings → Email) first."
        )
    queued = ws.outbox.queue(draft)
    report = ws.outbox.send_due(only=queued.outbox_id)
    if queued.outbox_id in report.unsure:
        raise UserError(
            f"The connection broke after the message was handed to the server, so it may have "
            f"gone: check your Sent folder, then `repdesk mail resolve {queued.outbox_id} --sent` "
            "or `--resend`."
        )
    if queued.outbox_id in report.failed:
        raise UserError(f"{report.errors[-1].rstrip('.')}; the email was not sent.")
    status = "sent" if queued.outbox_id in report.sent else "queued"
    if args.json:
        print_json({"lead_id": queued.lead_id, "message_id": queued.message_id, "status": status})
    elif status == "sent":
        print(f"Sent {draft.subject!r} to {draft.to} ({queued.message_id}).")
    else:
        why = report.errors[-1].rstrip(".") if report.errors else "not sent yet"
        print(f"Queued {draft.subject!r} to {draft.to}: {why}; it goes when the server answers.")
    return 0


def run_outbox(args: argparse.Namespace, ws: Services) -> int:
    rows = ws.outbox.rows()
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("The outbox is empty: everything has been sent.")
        return 0
    for r in rows:
        print(f"{r.id:>4}  {r.status:<12} {r.to:<30} {r.subject}")
        print(f"      {r.why}")
    return 0


def run_flush(args: argparse.Namespace, ws: Services) -> int:
    report = ws.outbox.send_due()
    waiting, look = ws.outbox.counts()
    if args.json:
        print_json(
            {
                "sent": len(report.sent),
                "waiting": waiting,
                "unsure": len(report.unsure),
                "failed": len(report.failed),
                "errors": report.errors,
            }
        )
        return 0
    print(
        f"Sent {len(report.sent)}; {waiting} waiting; {look} need a look (`repdesk mail outbox`)."
    )
    for error in report.errors:
        print(f"repdesk: {error}", file=sys.stderr)
    return 0


def run_resolve(args: argparse.Namespace, ws: Services) -> int:
    ws.outbox.resolve_unsure(args.outbox_id, was_sent=bool(args.sent))
    if args.sent:
        print(f"Message {args.outbox_id} recorded as sent.")
        return 0
    report = ws.outbox.send_due(only=args.outbox_id)
    state = "sent" if args.outbox_id in report.sent else "queued"
    print(f"Message {args.outbox_id} {state} again.")
    return 0


def run_templates_export(args: argparse.Namespace, ws: Services) -> int:
    text = ws.templates.export_text()
    target = Path(args.file)
    try:
        fd, tmp = tempfile.mkstemp(
            dir=target.parent if str(target.parent) else ".", prefix=".repdesk-templates-"
        )
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise UserError(f"Cannot write {args.file}: {exc.strerror or exc}.") from None
    print(f"Wrote {len(ws.templates.all())} templates to {args.file}.")
    return 0


def run_templates_import(args: argparse.Namespace, ws: Services) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read {args.file}: {exc.strerror or exc}.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{args.file} is not a UTF-8 text file.") from None
    try:
        result = ws.templates.import_text(text)
    except UserError as exc:
        raise UserError(f"{args.file}, {exc}") from None
    print(result.describe())
    return 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
