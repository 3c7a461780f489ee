"""Recognise lead-file column headers: which CRM wrote the file and which column is which field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from repdesk.core.domain import LEAD_FIELDS
from repdesk.core.phones import PHONE_KINDS, kind_of_label
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
    "thunderbird": "Thunderbird",
    "linkedin": "LinkedIn",
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
    address"); like squash, only the first _MATCHED_CHARS characters count."""
    return " ".join(header[:_MATCHED_CHARS].replace("\ufeff", "").lower().split())


# field rank: headers (a lower rank wins when several columns fill one field).
_ALIAS_TABLE = """
first_name 0: first name | firstname | given name | first | fname | forename | person - first name
last_name 0: last name | lastname | family name | surname | last | lname | person - last name
name 0: name | full name | contact name | person - name | your name | contact | person name
name 0: lead name | display name
company 0: company | company name | organization name | organization 1 - name | organisation
company 0: organization | account name | business name | person - organization
company 0: organization - name | associated company | associated company name
title 0: job title | title | organization title | organization 1 - title | position | job title
title 0: role | designation
email 0: email | e-mail | email address | e-mail address | e-mail 1 - value | person - email
email 0: work email | primary email | your email
email 1: person - email - work | person - email - home | person - email - other | e-mail 2 address
email 1: e-mail 2 - value | secondary email | email work | e-mail work | business email
email 1: email (work) | e-mail - work
email 2: e-mail 3 address | e-mail 3 - value | email home | e-mail home | home email
email 2: personal email | private email | email (home) | e-mail - home
email 3: email other | e-mail other | other email | email (other) | e-mail - other | email 2
email 3: email 3 | e-mail 2 | e-mail 3 | alternate email | additional email
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
received_at 0: person - add time | date | submitted | submit date | submit date (utc)
received_at 0: submission time | submitted time | time submitted | added time
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
thunderbird: primary email=3 | secondary email=3 | screen name=3 | mobile number=3 | fax number=2
thunderbird: pager number=2 | display name=1 | web page 1=2 | birth year=3 | home zipcode=3
thunderbird: work zipcode=3 | custom 1=1
linkedin: connected on=4 | url=1 | position=1 | email address=1 | company=1
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

# A phone column: any header naming a number to call or fax ("Mobile Phone Number", "Telefon",
# "Home Fax"); its kind comes from its words (core.phones.kind_of_label). Google's "Phone 1 - Value"
# takes its kind from the row's "Phone 1 - Label" instead.
_PHONE_WORDS = re.compile(r"phone|mobil|cell|fax|pager|telefon|telefono|handy|beeper|callback")
_PHONE_TOKENS = frozenset({"tel", "tel.", "telex", "isdn", "tty/tdd", "gsm", "fon"})
_NOT_PHONE = re.compile(r"phonetic|label|type|optout|opt out|donotcall|verified|status|count")
_EXTENSION = frozenset({"ext", "extension", "phoneext", "phoneextension", "ext.", "durchwahl"})
_GOOGLE_VALUE = re.compile(r"(phone|e-mail) (\d+) - value")
_COUNTRY_TAILS = ("country", "countryregion")
_PROFILE_HEADERS = frozenset(
    {
        "url",
        "profileurl",
        "linkedin",
        "linkedinurl",
        "linkedinprofile",
        "linkedinprofileurl",
        "publicprofileurl",
        "website",
        "webpage",
        "webpage1",
        "webpage2",
        "website1value",
        "website2value",
        "personalwebsite",
    }
)
# CRM record ids by the tool that wrote the file: a row's id there names one person for good.
_ID_HEADERS: dict[str, frozenset[str]] = {
    "hubspot": frozenset({"recordid", "contactid", "hubspotid", "vid", "recordidcontact"}),
    "salesforce": frozenset({"leadid", "contactid", "id", "recordid", "leadid18", "contactid18"}),
    "zoho": frozenset({"recordid", "leadid", "contactid", "id"}),
    "pipedrive": frozenset({"personid"}),
}
_NOT_PERSON_ID = ("company", "account", "deal", "associated", "owner", "organization")
_MIDDLE = frozenset({"middlename", "middle", "additionalname", "additionalnames", "secondname"})
_SUFFIX = frozenset({"suffix", "namesuffix", "honorificsuffix"})

#: Files of these kinds list people already known (a CRM or an address book): imported as contacts
#: by default; anything else (web forms, spreadsheets) as new inquiries.
CONTACT_FORMATS = frozenset(
    {
        "hubspot",
        "salesforce",
        "pipedrive",
        "zoho",
        "google_contacts",
        "outlook",
        "thunderbird",
        "linkedin",
        "vcard",
    }
)


def default_kind(detected: str) -> str:
    """ "contacts" for CRM and address-book exports, "inquiries" for forms and spreadsheets."""
    return "contacts" if detected in CONTACT_FORMATS else "inquiries"


def phone_column(header: str) -> bool:
    """Whether a header names a phone number column (not a label, type or opt-out beside one)."""
    text = spaced(header)
    if _NOT_PHONE.search(text):
        return False
    if _PHONE_WORDS.search(squash(header)):
        return True
    return bool(set(re.split(r"[\s\-_:()]+", text)) & _PHONE_TOKENS)


# Headers that mean something else in one format than the generic alias says.
_FORMAT_OVERRIDES: dict[str, dict[str, str | None]] = {
    "outlook": {"title": None, "keywords": None},  # Outlook's "Title" is Mr./Ms.
    "google_contacts": {"nameprefix": None},
}


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
    return text.endswith("?") or len(text[:_MATCHED_CHARS].split()) >= 5


@dataclass(frozen=True)
class PhoneColumn:
    """A column of phone numbers: its kind, or the column whose cell names the row's kind (Google's
    "Phone 1 - Label"), and a column holding the extension of its numbers."""

    index: int
    kind: str
    label: int | None = None
    ext: int | None = None


@dataclass
class ColumnPlan:
    """How each column of one CSV file becomes ParsedLead fields (built once per file)."""

    headers: list[str]
    detected: str
    mapping: dict[str, str | None]
    simple: list[tuple[int, str]] = field(default_factory=list)  # copied as they are
    ranked: dict[str, list[int]] = field(
        default_factory=dict
    )  # email, name, status, …: first non-empty wins
    phones: list[PhoneColumn] = field(default_factory=list)  # every number is kept, best first
    questions: list[int] = field(default_factory=list)  # web-form questions -> message + extra
    extra: list[int] = field(default_factory=list)
    # Extra columns that are also read: a country (the region of the row's phone numbers), a CRM
    # record id or profile URL (stable ids), a middle name or name suffix (part of the name).
    countries: list[int] = field(default_factory=list)
    ids: list[tuple[int, str]] = field(default_factory=list)
    profiles: list[int] = field(default_factory=list)
    middles: list[int] = field(default_factory=list)
    suffixes: list[int] = field(default_factory=list)

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
    phones: list[tuple[int, int, int]] = []  # (rank, kind order, index)
    for index, header in enumerate(headers):
        key = squash(header)
        target: str | None
        rank: int
        if spaced(header) in wanted:
            choice = wanted[spaced(header)]
            target, rank = (None if choice == EXTRA else choice), -1
        elif key in format_overrides:
            target, rank = format_overrides[key], 0
        elif key in _ALIASES and _ALIASES[key][0] != "phone":
            target, rank = _ALIASES[key]
        elif phone_column(header):
            target, rank = "phone", 0
        elif detected == "webform" and _is_question(header):
            target, rank = "message", 99
        else:
            target, rank = None, 0
        plan.mapping.setdefault(header, target)
        if target is None:
            plan.extra.append(index)
            _also_read(plan, index, header, key, detected)
        elif target == "message" and rank == 99:
            plan.questions.append(index)
        elif target == "phone":
            phones.append((rank, PHONE_KINDS.index(kind_of_label(header)), index))
        else:
            ranked.setdefault(target, []).append((rank, index))
    for target, columns in ranked.items():
        order = [index for _, index in sorted(columns)]
        if target in _SIMPLE and len(order) == 1:
            plan.simple.append((order[0], target))
        else:
            plan.ranked[target] = order
    plan.phones = _phone_columns(plan, sorted(phones))
    return plan


def _also_read(plan: ColumnPlan, index: int, header: str, key: str, detected: str) -> None:
    if key.endswith(_COUNTRY_TAILS):
        plan.countries.append(index)
    elif key in _PROFILE_HEADERS:
        plan.profiles.append(index)
    elif key in _MIDDLE:
        plan.middles.append(index)
    elif key in _SUFFIX:
        plan.suffixes.append(index)
    elif key in _ID_HEADERS.get(detected, ()) and not any(w in key for w in _NOT_PERSON_ID):
        plan.ids.append((index, detected))


def _phone_columns(plan: ColumnPlan, phones: list[tuple[int, int, int]]) -> list[PhoneColumn]:
    """The phone columns best first, each with its label column (Google) and extension column."""
    headers = plan.headers
    by_spaced = {spaced(h): i for i, h in enumerate(headers)}
    extensions = [i for i in plan.extra if squash(headers[i]) in _EXTENSION]
    columns = []
    phone_indexes = sorted(index for _, _, index in phones)
    for _, kind_order, index in phones:
        label = None
        match = _GOOGLE_VALUE.fullmatch(spaced(headers[index]))
        if match is not None:
            for word in ("label", "type"):
                label = by_spaced.get(f"{match.group(1)} {match.group(2)} - {word}", label)
        ext = None
        for candidate in extensions:  # an extension column belongs to the phone column before it
            before = [i for i in phone_indexes if i < candidate]
            if before and before[-1] == index:
                ext = candidate
        columns.append(PhoneColumn(index, PHONE_KINDS[kind_order], label, ext))
    return columns
