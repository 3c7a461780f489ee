"""Recognise lead-file column headers: which CRM wrote the file and which column is which field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from repdesk.core.domain import LEAD_FIELDS, LeadStatus
from repdesk.core.quoting import clip
from repdesk.formats.text_decoding import LeadFileError

#: Fields a column (or vCard property) may fill, as in ParsedLead.fields (the inquiry time is
#: ParsedLead.received_at, not a field).
CANONICAL_FIELDS: tuple[str, ...] = tuple(f for f in LEAD_FIELDS if f != "received_at")
#: Pseudo fields: a full name to split, and the inquiry time (ParsedLead.received_at).
NAME = "name"
RECEIVED_AT = "received_at"
EXTRA = "extra"
MAPPABLE = frozenset((*CANONICAL_FIELDS, NAME, RECEIVED_AT))

HUMAN_NAMES = {
    "hubspot": "HubSpot",
    "salesforce": "Salesforce",
    "pipedrive": "Pipedrive",
    "zoho": "Zoho CRM",
    "google_contacts": "Google Contacts",
    "outlook": "Outlook",
    "webform": "Web form",
    "vcard": "vCard",
    "generic": "Spreadsheet",
}


#: A header is matched by its first characters only: no alias is this long, and a 10 MB column
#: name must not cost seconds a character at a time.
_MATCHED_CHARS = 300


def squash(header: str) -> str:
    """Header key for field aliases: lower-case letters and digits only ("E-mail 1 - Value" ->
    "email1value")."""
    return "".join(ch for ch in header[:_MATCHED_CHARS].lower() if ch.isalnum())


def spaced(header: str) -> str:
    """Header key for format signatures: lower-case, single spaces ("E-mail  Address" -> "e-mail
    address")."""
    return " ".join(header.replace("\ufeff", "").lower().split())


# field rank: headers (a lower rank wins when several columns fill one field).
_ALIAS_TABLE = """
first_name 0: first name | firstname | given name | first | fname | forename | person - first name
last_name 0: last name | lastname | family name | surname | last | lname | person - last name
name 0: name | full name | contact name | person - name | your name | contact | person name
name 0: lead name | display name
company 0: company | company name | organization name | organization 1 - name | organisation
company 0: organization | account name | business name | person - organization
company 0: organization - name
title 0: job title | title | organization title | organization 1 - title | position | job title
title 0: role | designation
email 0: email | e-mail | email address | e-mail address | e-mail 1 - value | person - email
email 0: work email | primary email | your email
email 1: person - email - work | person - email - home | person - email - other | e-mail 2 address
email 1: e-mail 2 - value | secondary email
email 2: e-mail 3 address | e-mail 3 - value
phone 0: phone | phone number | primary phone | phone 1 - value | person - phone | telephone | tel
phone 0: your phone
phone 1: mobile | mobile phone | mobilephone | cell | cell phone | person - phone - mobile
phone 2: business phone | work phone | person - phone - work | phone 2 - value | company main phone
phone 2: company phone
phone 3: home phone | person - phone - home | business phone 2 | phone 3 - value | other phone
phone 3: person - phone - other
source 0: lead source | source | original source | person - source | utm source | channel
product 0: product | product interest | interested in | service | product of interest
message 0: message | your message | comments | comment | inquiry | enquiry | description
message 0: question | details | how can we help
owner 0: owner | lead owner | contact owner | ownerid | owner name | person - owner
owner 0: hubspot owner | assigned to | sales rep | rep | account owner
status 0: status | lead status | person - lead status
received_at 0: create date | createddate | created time | created | created at | timestamp
received_at 0: submitted at | submission date | date submitted | submitted on | date created
received_at 0: entry date | received | received at | inquiry date | person - person created
received_at 0: person - add time | date
notes 0: notes | note | person - notes | remarks
tags 0: tags | tag | labels | label | categories | person - label | person - labels
tags 0: group membership | lists
email_opens 0: email opens | marketing emails opened | emails opened | opens
email_clicks 0: email clicks | marketing emails clicked | emails clicked | clicks
site_visits 0: site visits | number of sessions | website visits | visits | number of pageviews
"""

# format: header=points; the format whose headers score most points (at least 2) wins.
_SIGNATURE_TABLE = """
hubspot: record id=1 | contact owner=3 | lifecycle stage=3 | original source=3 | phone number=1
hubspot: company name=1 | create date=1 | last activity date=2 | hubspot owner=3
hubspot: marketing emails opened=2 | number of times contacted=2
salesforce: lead id=3 | lead owner=1 | lead source=1 | create date=1 | rating=1 | state/province=2
salesforce: zip/postal code=2 | ownerid=3 | createddate=3 | leadsource=3 | mobilephone=2
salesforce: firstname=2 | lastname=2 | isconverted=3 | id=1
zoho: lead owner=1 | created time=3 | modified time=3 | email opt out=3 | salutation=1
zoho: no. of employees=2 | annual revenue=1 | skype id=3 | record id=1 | lead source=1
google_contacts: given name=3 | family name=3 | e-mail 1 - value=3 | e-mail 1 - type=3
google_contacts: e-mail 1 - label=3 | phone 1 - value=3 | organization 1 - name=3
google_contacts: organization name=2 | organization title=2 | labels=1 | group membership=3
google_contacts: file as=2 | name prefix=1
outlook: e-mail address=3 | e-mail 2 address=3 | business phone=2 | home phone=1 | mobile phone=1
outlook: primary phone=2 | categories=1 | business street=3 | internet free busy=3 | job title=1
webform: timestamp=3 | email address=1 | your name=2 | your email=2 | submitted at=3
webform: submission date=3 | date submitted=3 | message=1 | form name=3 | page url=3
"""


def _load_aliases() -> dict[str, tuple[str, int]]:
    aliases: dict[str, tuple[str, int]] = {}
    for line in _ALIAS_TABLE.strip().splitlines():
        head, _, headers = line.partition(":")
        field_name, rank = head.split()
        for header in headers.split("|"):
            aliases.setdefault(squash(header), (field_name, int(rank)))
    return aliases


def _load_signatures() -> dict[str, dict[str, int]]:
    signatures: dict[str, dict[str, int]] = {}
    for line in _SIGNATURE_TABLE.strip().splitlines():
        name, _, entries = line.partition(":")
        for entry in entries.split("|"):
            header, _, points = entry.rpartition("=")
            signatures.setdefault(name, {})[spaced(header)] = int(points)
    return signatures


# squashed header -> (field, rank)
_ALIASES = _load_aliases()
_SIGNATURES = _load_signatures()

# Headers that mean something else in one format than the generic alias says.
_FORMAT_OVERRIDES: dict[str, dict[str, str | None]] = {
    "outlook": {"title": None, "keywords": None},  # Outlook's "Title" is Mr./Ms.
    "google_contacts": {"nameprefix": None},
}

HUBSPOT_STATUS = {
    "new": "new",
    "open": "new",
    "attempted to contact": "contacted",
    "connected": "contacted",
    "in progress": "contacted",
    "open deal": "qualified",
    "unqualified": "not_a_fit",
    "bad timing": "nurture",
}

_STATUS_WORDS: dict[str, str] = {
    **HUBSPOT_STATUS,
    # Salesforce default picklist.
    "open not contacted": "new",
    "working contacted": "contacted",
    "working": "contacted",
    "closed converted": "won",
    "closed not converted": "lost",
    # Zoho CRM default picklist.
    "not contacted": "new",
    "contacted": "contacted",
    "contact in future": "nurture",
    "pre qualified": "qualified",
    "qualified": "qualified",
    "not qualified": "not_a_fit",
    "junk lead": "not_a_fit",
    "lost lead": "lost",
    # Common words.
    "nurture": "nurture",
    "nurturing": "nurture",
    "recycled": "nurture",
    "not a fit": "not_a_fit",
    "disqualified": "not_a_fit",
    "junk": "not_a_fit",
    "won": "won",
    "closed won": "won",
    "converted": "won",
    "customer": "won",
    "lost": "lost",
    "closed lost": "lost",
    **{status.value.replace("_", " "): status.value for status in LeadStatus},
}
_STATUS_SPLIT = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=4096)
@lru_cache(maxsize=4096)  # a file repeats a handful of status values over every row
def map_status(raw: str) -> str | None:
    """A repdesk status for a CRM's status value, or None when it is not clear."""
    key = _STATUS_SPLIT.sub(" ", raw.strip().lower()).strip()
    return _STATUS_WORDS.get(key)


def detect_format(headers: Sequence[str]) -> str:
    """Which tool wrote a CSV with these headers: "hubspot", "salesforce", …, or "generic"."""
    keys = {spaced(header) for header in headers}
    if any(key.startswith(("person - ", "organization - ", "deal - ")) for key in keys):
        return "pipedrive"
    scores = {
        name: sum(points for key, points in sig.items() if key in keys)
        for name, sig in _SIGNATURES.items()
    }
    best = max(scores, key=lambda name: scores[name])
    if scores[best] >= 2:
        return best
    if any(_is_question(header) for header in headers):
        return "webform"
    return "generic"


def _is_question(header: str) -> bool:
    text = header.strip()
    return text.endswith("?") or len(text.split()) >= 5


@dataclass
class ColumnPlan:
    """How each column of one CSV file becomes ParsedLead fields (built once per file)."""

    headers: list[str]
    detected: str
    mapping: dict[str, str | None]
    simple: list[tuple[int, str]] = field(default_factory=list)  # copied as they are
    ranked: dict[str, list[int]] = field(
        default_factory=dict
    )  # email/phone/…: first non-empty wins
    questions: list[int] = field(default_factory=list)  # web-form questions -> message + extra
    extra: list[int] = field(default_factory=list)

    @property
    def has_identity(self) -> bool:
        fields = set(self.mapping.values())
        return bool(fields & {"first_name", "last_name", NAME, "email", "phone", "company"})


_SIMPLE = frozenset(
    {"first_name", "last_name", "company", "title", "product", "owner", "notes", "source"}
)


def build_plan(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnPlan:
    """Map each header to a field (None = extra); user overrides win, matched case-insensitively."""
    detected = detect_format(headers)
    wanted = {spaced(k): v.strip().lower() for k, v in (overrides or {}).items()}
    for wanted_field in wanted.values():
        if wanted_field != EXTRA and wanted_field not in MAPPABLE:
            choices = ", ".join((*CANONICAL_FIELDS, NAME, RECEIVED_AT, EXTRA))
            raise LeadFileError(
                f"The column mapping names an unknown field '{clip(wanted_field)}' (use one of: "
                f"{choices})."
            )
    format_overrides = _FORMAT_OVERRIDES.get(detected, {})
    plan = ColumnPlan(headers=list(headers), detected=detected, mapping={})
    ranked: dict[str, list[tuple[int, int]]] = {}
    for index, header in enumerate(headers):
        key = squash(header)
        target: str | None
        rank: int
        if spaced(header) in wanted:
            choice = wanted[spaced(header)]
            target, rank = (None if choice == EXTRA else choice), -1
        elif key in format_overrides:
            target, rank = format_overrides[key], 0
        elif key in _ALIASES:
            target, rank = _ALIASES[key]
        elif detected == "webform" and _is_question(header):
            target, rank = "message", 99
        else:
            target, rank = None, 0
        plan.mapping.setdefault(header, target)
        if target is None:
            plan.extra.append(index)
        elif target == "message" and rank == 99:
            plan.questions.append(index)
        else:
            ranked.setdefault(target, []).append((rank, index))
    for target, columns in ranked.items():
        order = [index for _, index in sorted(columns)]
        if target in _SIMPLE and len(order) == 1:
            plan.simple.append((order[0], target))
        else:
            plan.ranked[target] = order
    return plan
