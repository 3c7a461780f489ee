"""Email rules as pure functions: template placeholders, the template that fits a lead, retry
backoff, and replies that ask us to stop."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from repdesk.core.contact import join_name
from repdesk.core.domain import LeadStatus

FIRST_REPLY = "first_reply"
FOLLOW_UP = "follow_up"
NURTURE_CHECK_IN = "nurture_check_in"
HAND_OVER = "hand_over"
NOT_A_FIT = "not_a_fit"
#: The templates every workspace has (each may also have versions for single products).
TEMPLATE_KEYS = (FIRST_REPLY, FOLLOW_UP, NURTURE_CHECK_IN, HAND_OVER, NOT_A_FIT)

#: Every placeholder a template may use, with what it stands for (the Templates page lists them).
PLACEHOLDERS: dict[str, str] = {
    "first_name": "the lead's first name",
    "last_name": "the lead's last name",
    "name": "the lead's full name",
    "company": "the lead's company",
    "title": "the lead's job title",
    "product": "the product the lead asked about",
    "inquiry": "the inquiry's own words (the message they sent)",
    "challenge": "their challenge, as answered in the call script",
    "rep_name": "your name (Settings → Email)",
    "rep_email": "your email address (Settings → Email)",
    "rep_phone": "your phone number (Settings → Email)",
}


class PlaceholderLead(Protocol):
    """What the placeholders read of a lead (a LeadRecord has it all)."""

    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def product(self) -> str: ...
    @property
    def message(self) -> str: ...


def placeholder_values(
    lead: PlaceholderLead,
    *,
    challenge: str = "",
    rep_name: str = "",
    rep_email: str = "",
    rep_phone: str = "",
) -> dict[str, str]:
    """The value of every placeholder for one lead and sender ("" where there is none)."""
    values = {
        "first_name": lead.first_name or "",
        "last_name": lead.last_name or "",
        "name": join_name(lead.first_name or "", lead.last_name or ""),
        "company": lead.company or "",
        "title": lead.title or "",
        "product": lead.product or "",
        "inquiry": lead.message or "",
        "challenge": challenge,
        "rep_name": rep_name,
        "rep_email": rep_email,
        "rep_phone": rep_phone,
    }
    assert values.keys() == PLACEHOLDERS.keys()
    return values


KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,49}")
_FORMATTER = string.Formatter()


class PlaceholderError(ValueError):
    """A template text that cannot be used: malformed braces or an unknown placeholder."""


@dataclass(frozen=True, slots=True)
class Template:
    """One email text: `key` names its use, `product` ("" for every product) narrows it."""

    key: str
    product: str
    name: str
    subject: str
    body: str


def placeholders_in(text: str) -> list[str]:
    """The placeholders `text` uses, in order of first use; PlaceholderError for bad braces or
    names (write {{ and }} for a literal brace)."""
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise PlaceholderError(f"the braces do not match ({exc}); write {{{{ for a brace") from None
    found: list[str] = []
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            shown = (
                "{"
                + field
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise PlaceholderError(f"unknown placeholder {shown} (known: {known})")
        if field not in found:
            found.append(field)
    return found


def render(text: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """`text` with its placeholders filled; a placeholder without a value stays as written
    ("{company}") and is listed as missing."""
    out: list[str] = []
    missing: list[str] = []
    for literal, field, _spec, _conversion in _FORMATTER.parse(text):
        out.append(literal)
        if field is None:
            continue
        value = (values.get(field) or "").strip()
        if value:
            out.append(value)
        else:
            out.append("{" + field + "}")
            if field not in missing:
                missing.append(field)
    return "".join(out), missing


def unfilled(text: str) -> list[str]:
    """Known placeholders still written in a text about to be sent ("{company}")."""
    return [name for name in PLACEHOLDERS if "{" + name + "}" in text]


def pick_template(
    templates: Mapping[tuple[str, str], Template], key: str, product: str
) -> Template:
    """The product's own version of `key` when there is one, else the one for every product."""
    found = templates.get((key, product.strip())) if product.strip() else None
    if found is None:
        found = templates.get((key, ""))
    if found is None:
        raise KeyError(key)
    return found


def fitting_template(
    status: LeadStatus,
    *,
    answered: bool,
    replied: bool,
    step_template: str = "",
    not_a_fit_sent: bool = False,
) -> str:
    """The template a rep most likely wants for a lead now.

    An unanswered reply is answered (follow-up, in its thread); an email step that names a
    template uses it; otherwise the lead's state decides.
    """
    if replied:
        return FOLLOW_UP
    if step_template:
        return step_template
    if status is LeadStatus.NEW and not answered:
        return FIRST_REPLY
    if status is LeadStatus.QUALIFIED:
        return HAND_OVER
    if status is LeadStatus.NOT_A_FIT:
        return NURTURE_CHECK_IN if not_a_fit_sent else NOT_A_FIT
    if status is LeadStatus.NURTURE:
        return NURTURE_CHECK_IN
    return FOLLOW_UP


#: Waits between attempts to reach the mail server: quick at first, then at most every 15 min.
BACKOFF = (
    timedelta(seconds=15),
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=10),
    timedelta(minutes=15),
)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1 = the first)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


_STOP = re.compile(
    r"\b(unsubscribe|remove me|take me off|stop (emailing|e-mailing|mailing|contacting|sending)"
    r"|do not (email|e-mail|contact)|don'?t (email|e-mail|contact) me|no more emails"
    r"|opt(-| )?out)\b",
    re.IGNORECASE,
)


def own_words(text: str) -> str:
    """A reply's own text: the lines before the quoted message ("> …", "On … wrote:",
    Outlook's "From:" block or "-----Original Message-----")."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(">"):
            break
        if re.match(r"^(On .+ wrote:|-{2,}\s*Original Message\s*-{2,}|From: .+)$", stripped):
            break
        if re.match(r"^_{10,}$", stripped):  # Outlook's rule above its header block
            break
        kept.append(line)
    return "\n".join(kept).strip()


def asks_to_stop(text: str) -> bool:
    """True when the person's own words ask us to stop emailing them."""
    return _STOP.search(own_words(text)) is not None
