"""Benchmark: the parsers on hostile inputs at the sizes issue 19 measured, against a floor.

Each input is parsed in a child process with a time limit (120 s; a parser that is still at it
is reported as "> 120 s"). The floor is what any reader of the input must at least do, with the
standard library, in the same run: parse the mail (email), read the CSV (csv), split the lines
of a vCard or condition at their first colon. Targets: within 50x the floor for a vCard (each
property is decoded and normalised), 8x for a mail, 5x for a CSV, 0.5 s for a condition; twice
the input costs at most 2.5x the time (5x: 6.25x).

    python tests/bench/bench_parsers.py            # every case
    python tests/bench/bench_parsers.py --case X   # one case (how the children run)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.formats import hostile_inputs as hostile  # noqa: E402

LIMIT_S = 120.0
TARGET_FLOOR = {"vcf": 50.0, "mail": 8.0, "csv": 5.0}
TARGET_CONDITION_S = 0.5
TARGET_DOUBLING = 2.5


def _form_mail_dashed(size: int) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "WPForms <noreply@shop.example>"
    msg["Subject"] = "New entry"
    block = "--- Name ---\nAna Ruiz\n--- Email ---\nana@x.example\n"
    msg.set_content(block * (size // len(block)))
    return msg.as_bytes()


def _form_mail_html(size: int) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Ana Ruiz <ana@x.example>"
    msg["Subject"] = "Quote"
    row = "<tr><td>Name:</td><td>Ana Ruiz</td></tr>"
    msg.set_content(f"<table>{row * (size // len(row))}</table>", subtype="html")
    return msg.as_bytes()


# name -> (make input, kind of parser)
CASES: dict[str, tuple[Callable[[], bytes | str], str]] = {
    "vCard, 20,000 X-ABLABEL lines": (lambda: hostile.vcard_repeated_labels(20_000), "vcf"),
    "vCard, 40,000 X-ABLABEL lines": (lambda: hostile.vcard_repeated_labels(40_000), "vcf"),
    "vCard, 2 MB of quoted-printable soft breaks": (
        lambda: hostile.vcard_soft_breaks(2_000_000),
        "vcf",
    ),
    "vCard, 10 MB of quoted-printable soft breaks": (
        lambda: hostile.vcard_soft_breaks(10_000_000),
        "vcf",
    ),
    "form mail, 10 MB message": (lambda: hostile.form_mail(10_000_000), "mail"),
    "form mail, 10 MB of WPForms fields": (lambda: _form_mail_dashed(10_000_000), "mail"),
    "form mail, 10 MB HTML table": (lambda: _form_mail_html(10_000_000), "mail"),
    "form mail, 5 MB of WPForms fields": (lambda: _form_mail_dashed(5_000_000), "mail"),
    "subject of 100,000 encoded words": (
        lambda: hostile.subject_of_encoded_words(100_000),
        "mail",
    ),
    "subject of 50,000 encoded words": (
        lambda: hostile.subject_of_encoded_words(50_000),
        "mail",
    ),
    "CSV, 10 MB column name": (lambda: hostile.long_column_name(10_000_000), "csv"),
    "condition, 5,000 nested parentheses": (lambda: hostile.nested_condition(5_000), "condition"),
}
DOUBLINGS = [
    ("vCard, 20,000 X-ABLABEL lines", "vCard, 40,000 X-ABLABEL lines"),
    (
        "vCard, 2 MB of quoted-printable soft breaks",
        "vCard, 10 MB of quoted-printable soft breaks",
    ),
    ("form mail, 5 MB of WPForms fields", "form mail, 10 MB of WPForms fields"),
    ("subject of 50,000 encoded words", "subject of 100,000 encoded words"),
]


def floor(data: bytes | str, kind: str) -> float:
    """The least a reader of this input must do, with the standard library: parse the mail
    (email.message_from_bytes), read the CSV (csv.reader), or split the lines at their first
    colon (vCard, condition)."""
    import csv
    import email
    import email.policy

    start = time.perf_counter()
    if kind == "mail":
        email.message_from_bytes(bytes(data), policy=email.policy.compat32)  # type: ignore[arg-type]
    else:
        text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
        if kind == "csv":
            csv.field_size_limit(sys.maxsize)
            for _ in csv.reader(text.splitlines()):
                pass
        else:
            for line in text.splitlines():
                line.partition(":")
    return time.perf_counter() - start


def parse(data: bytes | str, kind: str) -> str:
    """Parse one input; returns what came of it (rows, the problem, or the error sentence)."""
    if kind == "condition":
        from repdesk.core.conditions import parse_condition

        try:
            parse_condition(str(data))
            return "parsed"
        except Exception as exc:  # noqa: BLE001  (reported, whatever it is)
            return f"{type(exc).__name__}: {str(exc)[:60]}"
    if kind == "mail":
        from repdesk.formats.form_email import parse_form_email

        parsed = parse_form_email(bytes(data))  # type: ignore[arg-type]
        return f"lead {parsed.lead.fields.get('email')}, problem {parsed.lead.problem}"
    from repdesk.formats.lead_file import LeadFileError, open_lead_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input.{kind}"
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        try:
            return f"{len(list(open_lead_file(path).rows()))} rows"
        except LeadFileError as exc:
            return f"refused in {len(str(exc)):,} characters"


def run_case(name: str) -> None:
    import repdesk.core.conditions  # noqa: F401  (imports are not part of the parse)
    import repdesk.formats.form_email  # noqa: F401
    import repdesk.formats.lead_file  # noqa: F401

    make, kind = CASES[name]
    data = make()
    floor_s = floor(data, kind)
    start = time.perf_counter()
    outcome = parse(data, kind)
    seconds = time.perf_counter() - start
    print(f"{seconds:.6f}\t{floor_s:.6f}\t{len(data)}\t{outcome}")


def main() -> int:
    results: dict[str, float] = {}
    failed = False
    print(f"{'case':<48} {'size':>10} {'time':>9} {'floor':>8} {'ratio':>7}  outcome")
    for name in CASES:
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--case", name],
                capture_output=True,
                text=True,
                timeout=LIMIT_S,
                check=True,
            )
        except subprocess.TimeoutExpired:
            print(f"{name:<48} {'':>10} {'> 120 s':>9}")
            results[name] = LIMIT_S
            failed = True
            continue
        seconds, floor_s, size, outcome = done.stdout.strip().split("\t", 3)
        results[name] = float(seconds)
        ratio = float(seconds) / max(float(floor_s), 1e-6)
        kind = CASES[name][1]
        ok = (
            ratio <= TARGET_FLOOR[kind]
            if kind in TARGET_FLOOR
            else float(seconds) <= TARGET_CONDITION_S
        )
        failed |= not ok
        print(
            f"{name:<48} {int(size) / 1e6:>8.2f}MB {float(seconds):>8.3f}s "
            f"{float(floor_s):>7.3f}s {ratio:>6.1f}x  {outcome[:60]}{'' if ok else '  MISSED'}"
        )
    for small, large in DOUBLINGS:
        ratio = results[large] / max(results[small], 1e-6)
        size = 5 if "quoted" in small else 2
        ok = ratio <= TARGET_DOUBLING * size / 2 * (1 if size == 2 else 1.25)
        failed |= not ok
        print(f"{size}x input: {large}: {ratio:.2f}x the time{'' if ok else '  MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        run_case(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
