"""Turn a form-notification email (CF7, WPForms, Gravity, Google Forms, Typeform, Squarespace, Wix)
into a lead."""

from __future__ import annotations

import email
import email.errors
import email.header
import email.parser
import email.policy
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from repdesk.core.contact import normalize_email, split_name
from repdesk.core.quoting import clip, quoted
from repdesk.formats.form_fields import ENVELOPE_LABELS, form_pairs, guess_field
from repdesk.formats.header_map import build_plan, squash
from repdesk.formats.html_text import html_to_text
from repdesk.formats.lead_csv import _rows as plan_rows
from repdesk.formats.lead_file import ParsedLead

MAX_TEXT = 200_000  # characters of body text considered; the rest is not an inquiry
#: Bounds on what is read of one mail, so that its size never turns into minutes: the bytes parsed
#: (a mailbox fetches at most 5 MB of a message too), the characters of HTML converted to text,
#: the characters of a header decoded, the form fields considered, and how many multipart
#: boundaries (nesting) are followed (the lines looked at as field labels: formats.form_fields).
MAX_MAIL_BYTES = 5 * 1024 * 1024
MAX_HTML = 2 * MAX_TEXT
MAX_HEADER = 2_000
MAX_FIELDS = 200
MAX_BOUNDARIES = 64
_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)
_TOOLS = (
    ("contact form 7", "WordPress Contact Form 7"),
    ("wpforms", "WPForms"),
    ("gravity forms", "Gravity Forms"),
    ("google forms", "Google Forms"),
    ("docs.google.com/forms", "Google Forms"),
    ("typeform", "Typeform"),
    ("squarespace", "Squarespace"),
    ("wix", "Wix"),
    ("contact form on", "WordPress Contact Form 7"),
)


@dataclass
class FormEmail:
    """What one email says: the lead row (problem set when no person is in it) and notes for the
    log."""

    lead: ParsedLead
    tool: str
    subject: str
    notes: list[str] = field(default_factory=list)


def parse_form_email(raw: bytes, *, region: str = "US") -> FormEmail:
    """Parse raw RFC 5322 bytes; never raises on malformed mail (problems go to notes /
    lead.problem: a mail that cannot be read at all has the reason as its problem)."""
    try:
        return _parse(raw, region)
    except Exception as exc:  # noqa: BLE001  (the parsers below are not ours; no mail may raise)
        reason = "its parts are nested too deep" if isinstance(exc, RecursionError) else str(exc)
        return _unreadable(raw, f"it cannot be read as an email ({reason or type(exc).__name__})")


def _unreadable(raw: bytes, problem: str) -> FormEmail:
    """A mail that is not read, with its subject when its headers can be read at least."""
    notes: list[str] = []
    try:
        headers = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
            raw[: MAX_HEADER * 20], headersonly=True
        )
        subject = _header(headers, "Subject", notes)
    except Exception:  # noqa: BLE001  (the subject is only a courtesy)
        subject = ""
    return FormEmail(ParsedLead(0, {}, None, {}, problem), "", subject, [])


def _parse(raw: bytes, region: str) -> FormEmail:
    notes: list[str] = []
    if len(raw) > MAX_MAIL_BYTES:
        raw = raw[:MAX_MAIL_BYTES]
        notes.append(f"it is larger than {MAX_MAIL_BYTES // 2**20} MB; only its start was read")
    if len(_BOUNDARY.findall(raw, 0, MAX_MAIL_BYTES)) > MAX_BOUNDARIES:
        return _unreadable(raw, f"its parts are nested more than {MAX_BOUNDARIES} deep")
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    subject = _header(msg, "Subject", notes)
    sender = _header(msg, "From", notes)
    reply_to = _header(msg, "Reply-To", notes)
    text, html_only = body_text(msg, notes)
    if html_only:
        notes.append("the message has only an HTML part; its text was used")
    if not subject:
        notes.append("the message has no Subject header")
    tool = _tool(" ".join((subject, sender, text[:4000], text[-2000:])).lower())
    pairs = form_pairs(text)
    if len(pairs) > MAX_FIELDS:
        notes.append(f"it has {len(pairs):,} form fields; the first {MAX_FIELDS} were read")
        pairs = pairs[:MAX_FIELDS]
    lead = _lead_from_pairs(pairs, region) if pairs else None
    if lead is None or not _has_person(lead):
        lead = _fallback(reply_to or sender, text, subject, region, lead)
    received = _date(msg)
    extra = dict(lead.extra)
    if subject:
        extra.setdefault("Email subject", subject)
    message_id = (msg.get("Message-ID") or "").strip()
    if message_id:
        extra.setdefault("Message-ID", message_id)
    fields = dict(lead.fields)
    fields["source"] = tool or "Email"
    problem = lead.problem
    if problem and not sender:
        problem = "no From header and no form fields naming a person"
    return FormEmail(
        replace(
            lead,
            row=0,
            fields=fields,
            received_at=lead.received_at or received,
            extra=extra,
            problem=problem,
        ),
        tool,
        subject,
        notes,
    )


def body_text(msg: Message, notes: list[str]) -> tuple[str, bool]:
    """The readable text of the message: the first text/plain part, else HTML converted to text."""
    plain = html = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _decode(part, notes)
        elif kind == "text/html" and html is None:
            html = _decode(part, notes)
    if plain and plain.strip():
        return plain.replace("\r\n", "\n").replace("\r", "\n")[:MAX_TEXT], False
    if html and html.strip():
        return html_to_text(html[:MAX_HTML])[:MAX_TEXT], True
    notes.append("the message has no text body")
    return "", False


def _decode(part: Message, notes: list[str]) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding is still text
        payload = None
    if payload is None:
        value = part.get_payload()
        return value if isinstance(value, str) else ""
    if not isinstance(payload, bytes):
        return str(payload)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, ValueError) as exc:  # ValueError: a name with a NUL in it
        if isinstance(exc, UnicodeDecodeError):
            notes.append(f"the text is not valid {clip(charset)}; undecodable bytes were replaced")
            return payload.decode("utf-8", errors="replace")
        notes.append(
            f"unknown charset {quoted(charset)}; read as UTF-8 with replacement characters"
        )
    return payload.decode("utf-8", errors="replace")


def _lead_from_pairs(pairs: list[tuple[str, str]], region: str) -> ParsedLead | None:
    pairs = [
        (label, value) for label, value in pairs if squash(label) not in ENVELOPE_LABELS and value
    ]
    if not pairs:
        return None
    labels, values = zip(*pairs, strict=True)
    plan = build_plan(list(labels))
    overrides: dict[str, str] = {}
    for label in labels:  # questions ("What's your email?") and unusual labels, by their key word
        target = plan.mapping.get(label)
        guess = guess_field(label)
        if (target is None or target == "message") and guess and guess not in plan.mapping.values():
            overrides.setdefault(label, guess)
    if overrides:
        plan = build_plan(list(labels), overrides)
    rows = list(plan_rows(iter([list(values)]), plan, region, ParsedLead))
    return rows[0] if rows else None


_AUTOMATIC = re.compile(
    r"^(.*[-_.+])?(no-?reply|do-?not-?reply|notifications?|mailer-daemon|bounces?)([-_.+].*)?$"
)


def automatic_sender(address: str) -> bool:
    """True for an address no person reads (noreply@, do-not-reply@, notifications@, bounces@ …)."""
    return bool(_AUTOMATIC.match(address.partition("@")[0].lower()))


def _has_person(lead: ParsedLead) -> bool:
    return lead.problem is None and bool({"email", "phone"} & lead.fields.keys())


def _fallback(
    address: str, text: str, subject: str, region: str, partial: ParsedLead | None
) -> ParsedLead:
    """The sender's name and address, and the text as the inquiry (keeping any fields the form
    gave)."""
    fields = dict(partial.fields) if partial else {}
    extra = dict(partial.extra) if partial else {}
    name, mail = parseaddr(address)
    if not mail:
        addresses = getaddresses([address])
        name, mail = addresses[0] if addresses else ("", "")
    normalized = normalize_email(mail) if mail else None
    automatic = bool(normalized and automatic_sender(normalized))
    if automatic:
        # The form tool's own address (noreply@…) is not the person who asked: keep what the form
        # gave.
        name, normalized = "", None
    if normalized and "email" not in fields:
        fields["email"] = normalized
        extra.pop("email_raw", None)
    if name and "first_name" not in fields and "last_name" not in fields:
        first, last = split_name(name)
        if first:
            fields["first_name"] = first
        if last:
            fields["last_name"] = last
    if "message" not in fields:
        message = text.strip() or subject.strip()
        if message:
            fields["message"] = message
    problem = None
    if not ({"email", "phone"} & fields.keys() or {"first_name", "last_name"} & fields.keys()):
        problem = (
            "the form gave no name, email or phone, and the sender is an automatic address"
            if automatic
            else "no sender address and no form fields naming a person"
        )
    if partial is None:
        return ParsedLead(0, fields, None, extra, problem)
    return replace(partial, row=0, fields=fields, extra=extra, problem=problem, emails=())


def _header(msg: Message, name: str, notes: list[str]) -> str:
    try:
        value = msg.get(name)
        if value is None:
            return ""
        raw = str(value)
        if len(raw) > MAX_HEADER:
            notes.append(f"the {name} header is {len(raw):,} characters long; its start was read")
            raw = raw[:MAX_HEADER]
        text = str(email.header.make_header(email.header.decode_header(raw)))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        notes.append(f"the {name} header has a broken encoding; read it as it is")
        text = str(msg.get(name, ""))
    return " ".join(text.split())


def _date(msg: Message) -> datetime | None:
    value = msg.get("Date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None


def _tool(haystack: str) -> str:
    for needle, name in _TOOLS:
        if needle in haystack:
            return name
    return ""


__all__ = ["FormEmail", "body_text", "form_pairs", "html_to_text", "parse_form_email"]
