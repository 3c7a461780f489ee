"""The command line: `repdesk [--db PATH_OR_URL] [--demo] [--version] [COMMAND ...]`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from repdesk import __version__
from repdesk.commands import (
    backup_cmd,
    calendar_cmd,
    followup_cmd,
    import_cmd,
    lead_cmd,
    leads_cmd,
    mail_cmd,
    report_cmd,
    script_cmd,
    source_cmd,
    team_cmd,
    workspace_cmd,
)

COMMANDS = [
    import_cmd,
    leads_cmd,
    lead_cmd,
    followup_cmd,
    calendar_cmd,
    source_cmd,
    mail_cmd,
    report_cmd,
    script_cmd,
    backup_cmd,
    team_cmd,
    workspace_cmd,
]


class OneLineParser(argparse.ArgumentParser):
    """Usage mistakes are one sentence on stderr too (exit 2), like every other error."""

    def error(self, message: str) -> NoReturn:
        text = message[0].upper() + message[1:] if message else "Invalid arguments"
        self.exit(2, f"{self.prog}: {text.rstrip('.')}. See '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="repdesk",
        description="Answer every inquiry fast, qualify it the same way, follow up until yes or "
        "no.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="SQLite file or database URL (default: your data folder)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the demo workspace (created on first use)"
    )
    parser.add_argument("--version", action="version", version=f"repdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def desktop_targets(
    parser: argparse.ArgumentParser, argv: Sequence[str]
) -> tuple[list[str], list[str]] | None:
    """Split `repdesk [OPTIONS] FILE_OR_LINK...` (what the desktop entry runs) into options and
    targets.

    None when there are no targets or the first word is a command (`repdesk import FILE`).
    """
    commands = next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options: list[str] = []
    targets: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--db":
            options += [word, next(words, "")]
        elif word.startswith("-") and word != "-":
            options.append(word)
        elif (not targets and word in commands) or not _looks_like_target(word):
            return None  # a command, or a typo argparse should report
        else:
            targets.append(word)
    return (options, targets) if targets else None


def _looks_like_target(word: str) -> bool:
    lowered = word.lower()
    if lowered.startswith(("tel:", "mailto:", "callto:", "file://")):
        return True
    return os.path.splitext(lowered)[1] in {".csv", ".tsv", ".vcf", ".vcard"} or os.path.isfile(
        word
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    desktop = desktop_targets(parser, argv)
    if desktop is not None:
        from repdesk.launch import launch_gui

        args = parser.parse_args(desktop[0])
        return launch_gui(args.db, demo=args.demo, files=desktop[1])
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        from repdesk.launch import launch_gui

        return launch_gui(args.db, demo=args.demo, files=extra)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from repdesk.launch import open_for_cli
    from repdesk.services.common.errors import user_sentence
    from repdesk.store.errors import StoreError

    if hasattr(args, "run_without_workspace"):  # e.g. `backup restore`, for a damaged file
        from repdesk.store.locations import resolve_url

        try:
            return int(args.run_without_workspace(args, resolve_url(args.db, demo=args.demo)))
        except Exception as exc:
            sentence = user_sentence(exc)
            if sentence is None:
                raise
            return fail(sentence)
    if getattr(args, "standalone", False):  # names its own database (`repdesk team init URL`)
        try:
            return int(args.run(args))
        except KeyboardInterrupt:
            return fail("Interrupted; nothing was changed by the unfinished command.", code=130)
        except Exception as exc:
            sentence = user_sentence(exc)
            if sentence is None:
                raise
            return fail(sentence)
    try:
        workspace = open_for_cli(args.db, demo=args.demo)
    except StoreError as exc:
        return fail(str(exc))
    try:
        return int(args.run(args, workspace.services))
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error; silence the flush at exit too.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except KeyboardInterrupt:
        return fail("Interrupted; nothing was changed by the unfinished command.", code=130)
    except Exception as exc:
        sentence = user_sentence(exc)  # a refused action or a database problem; else a bug
        if sentence is None:
            raise
        return fail(sentence)
    finally:
        workspace.close()


def fail(message: str, code: int = 1) -> int:
    print(f"repdesk: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
