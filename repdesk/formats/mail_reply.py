"""Read a message that may answer one of ours: its thread headers, sender and own words, and
whether it is a person's reply, an automatic answer (RFC 3834, out of office) or a delivery
report that says an address bounces (RFC 3464). Never raises on malformed mail."""

from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from repdesk.core.contact import normalize_email
from repdesk.formats.form_email import body_text

REPLY, AUTO_REPLY, BOUNCE = "reply", "auto_reply", "bounce"
_MSGID = re.compile(r"<[^<>\s]+>")
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response|antwort)|autoreply|auto:|"
    r"out of (the )?office|abwesenheitsnotiz|abwesend|r[ée]ponse automatique|"
    r"respuesta autom[áa]tica|risposta automatica|afwezig|vacation reply)",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)


@dataclass(frozen=True)
class Bounce:
    recipients: tuple[str, ...]
    """Final-Recipient (or Original-Recipient) addresses that failed."""
    original_message_id: str
    status: str
    diagnostic: str


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    refers_to: tuple[str, ...]
    """Message-IDs this one answers: In-Reply-To, References, and a report's original message."""
    sender: str
    subject: str
    sent_at: datetime | None
    text: str
    kind: str
    """REPLY, AUTO_REPLY or BOUNCE."""
    why_automatic: str = ""
    bounce: Bounce | None = None


def read_inbound(raw: bytes) -> InboundMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    subject = _header(msg, "Subject")
    sender = _address(_header(msg, "From"))
    refs = _ids(_header(msg, "In-Reply-To")) + _ids(_header(msg, "References"))
    notes: list[str] = []
    text, _html = body_text(msg, notes)
    bounce = _delivery_report(msg)
    kind, why = REPLY, ""
    if bounce is not None:
        kind, why = BOUNCE, "delivery report"
        if bounce.original_message_id:
            refs = [*refs, bounce.original_message_id]
    else:
        why = automatic(msg, subject, sender)
        if why:
            kind = AUTO_REPLY
    return InboundMessage(
        message_id=_first_id(_header(msg, "Message-ID")),
        refers_to=tuple(dict.fromkeys(refs)),
        sender=sender,
        subject=subject,
        sent_at=_date(msg),
        text=text,
        kind=kind,
        why_automatic=why,
        bounce=bounce,
    )


def automatic(msg: Message, subject: str, sender: str) -> str:
    """Why a message was written by a machine ("" for a person): RFC 3834 and what Gmail,
    Outlook/Exchange and vacation programs put on their answers."""
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponse"):
        if _header(msg, name):
            return f"{name} header"
    precedence = _header(msg, "Precedence").lower()
    if precedence in ("auto_reply", "bulk", "junk"):
        return f"Precedence: {precedence}"
    if _header(msg, "X-Auto-Response-Suppress") and _AUTO_SUBJECT.match(subject):
        return "Outlook automatic reply"
    if _AUTO_SUBJECT.match(subject):
        return "out-of-office subject"
    if _DAEMON.match(sender):
        return "sent by a mail server"
    return ""


def _delivery_report(msg: Message) -> Bounce | None:
    """The failed recipients of a multipart/report; report-type=delivery-status (RFC 3464)."""
    if msg.get_content_type() != "multipart/report":
        return None
    if str(msg.get_param("report-type") or "").lower() != "delivery-status":
        return None
    recipients: list[str] = []
    status = diagnostic = original = ""
    failed = False
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in _status_blocks(part):
                action = (block.get("Action") or "").strip().lower()
                if action and action != "failed":
                    continue
                address = _address(
                    (
                        block.get("Final-Recipient") or block.get("Original-Recipient") or ""
                    ).partition(";")[2]
                )
                if address:
                    failed = True
                    recipients.append(address)
                    status = status or (block.get("Status") or "").strip()
                    diagnostic = diagnostic or " ".join(
                        (block.get("Diagnostic-Code") or "").partition(";")[2].split()
                    )
        elif kind in ("text/rfc822-headers", "message/rfc822") and not original:
            original = _original_id(part)
    if not failed:
        return None
    return Bounce(tuple(dict.fromkeys(recipients)), original, status, diagnostic[:300])


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = payload if isinstance(payload, str) else ""
    blocks = re.split(r"\r?\n\s*\r?\n", text.strip())
    return [email.message_from_string(b + "\n") for b in blocks if b.strip()]


def _original_id(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return _first_id(str(payload[0].get("Message-ID", "")))
    raw = part.get_payload(decode=True)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload or "")
    headers = email.message_from_string(text)
    return _first_id(str(headers.get("Message-ID", "")))


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    try:
        parts = email.header.decode_header(str(value))
        text = "".join(
            p.decode(c or "utf-8", "replace") if isinstance(p, bytes) else p for p, c in parts
        )
    except (LookupError, ValueError, email.errors.HeaderParseError):
        text = str(value)
    return " ".join(text.split())


def _address(value: str) -> str:
    for _name, address in getaddresses([value]):
        normal = normalize_email(address) if address else None
        if normal:
            return normal
    return ""


def _ids(value: str) -> list[str]:
    return _MSGID.findall(value)


def _first_id(value: str) -> str:
    found = _MSGID.findall(value)
    return found[0] if found else ""


def _date(msg: Message) -> datetime | None:
    value = msg.get("Date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
