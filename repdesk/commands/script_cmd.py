"""`repdesk script export|import|form|sheet FILE` and `repdesk qualify LEAD_ID --answer key=value
... [--json]`."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repdesk.commands.common import print_json
from repdesk.services.common.errors import UserError

if TYPE_CHECKING:
    from repdesk.services.workspace.services import Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("script", help="export or import the question sets and verdict rules")
    actions = p.add_subparsers(dest="script_action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="write every current set and the rules to one text file"
    )
    export.add_argument("file", metavar="FILE")
    export.set_defaults(run=run_export)
    imp = actions.add_parser(
        "import", help="check a script file and store new versions of what changed"
    )
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(run=run_import)
    form = actions.add_parser(
        "form",
        help="write a web form of the questions on forms (HTML, Contact Form 7 or a fields CSV)",
    )
    form.add_argument("file", metavar="FILE")
    form.add_argument("--product", metavar="KEY", default="", help="add this product's questions")
    form.add_argument(
        "--format",
        choices=("html", "cf7", "fields"),
        default=None,
        help="html (default; .cf7 and .csv files get cf7 and fields)",
    )
    form.add_argument("--action", metavar="URL", default="", help="where the HTML form is sent")
    form.set_defaults(run=run_form)
    sheet = actions.add_parser(
        "sheet", help="write a printable one-page call and trade-show sheet (PDF)"
    )
    sheet.add_argument("file", metavar="FILE.pdf")
    sheet.add_argument("--product", metavar="KEY", default="", help="add this product's questions")
    sheet.set_defaults(run=run_sheet)
    q = sub.add_parser("qualify", help="qualify a lead with answers, as the call-script panel does")
    q.add_argument("lead_id", metavar="LEAD_ID", type=int)
    q.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one answer (repeat for more), e.g. --answer need=yes --answer timeline=this_month",
    )
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(run=run_qualify)


def write_file(name: str, data: bytes) -> None:
    """Write next to the target and rename, so a failed write never leaves half a file."""
    target = Path(name)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(
            dir=target.parent if str(target.parent) else ".", prefix=".repdesk-"
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # like any file the user writes (mkstemp makes it private)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise UserError(f"Cannot write {name}: {exc.strerror or exc}.") from None


def run_export(args: argparse.Namespace, services: Services) -> int:
    write_file(args.file, services.scripts.export_text().encode("utf-8"))
    print(f"Wrote the question sets and rules to {args.file}.")
    return 0


def run_form(args: argparse.Namespace, services: Services) -> int:
    from repdesk.services.script.form_output import format_for

    output = services.forms
    kind = format_for(args.file, args.format)
    text = output.form(kind, args.product, args.action)
    plan = output.plan(args.product)
    write_file(args.file, text.encode("utf-8"))
    what = {"html": "an HTML form", "cf7": "a Contact Form 7 template", "fields": "a fields CSV"}
    print(
        f"Wrote {what[kind]} with {len(plan.questions)} questions "
        f"(question sets {plan.versions}) to {args.file}."
    )
    if kind == "html" and not args.action:
        print("Its answers go nowhere yet: give --action URL, where your site receives forms.")
    return 0


def run_sheet(args: argparse.Namespace, services: Services) -> int:
    write_file(args.file, services.forms.sheet(args.product))
    print(f"Wrote the call and trade-show sheet to {args.file}.")
    return 0


def run_import(args: argparse.Namespace, services: Services) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{args.file} is not a UTF-8 text file.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {args.file}: {exc.strerror or exc}.") from None
    try:
        result = services.scripts.import_text(text)
    except UserError as exc:
        raise UserError(f"{args.file}, {exc}") from None
    print(result.describe())
    return 0


def run_qualify(args: argparse.Namespace, services: Services) -> int:
    pairs: dict[str, str] = {}
    for item in args.answer:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"Write each answer as --answer key=value, not {item!r}.")
        pairs[key.strip()] = value
    answers = services.qualifications.parse_answers(args.lead_id, pairs)
    result = services.qualifications.finish(args.lead_id, answers)
    if args.json:
        print_json(result.to_json())
        return 0
    print(
        f"Lead {result.lead_id}: {result.verdict.value}, score {result.score}. "
        f"{result.next_steps(services.time.zone(), clipboard=False)}."
    )
    if result.reply is not None:
        print(f"\nSubject: {result.reply.subject}\n\n{result.reply.body}")
    return 0
