"""One person's row as a file gives it, gathered value by value (CSV columns, vCard properties):
every e-mail and phone kept with its kind, what cannot be used kept as written and flagged, and the
one rule for when a row holds nobody at all."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from repdesk.core.contact import normalize_email
from repdesk.core.phones import Phone, best_phone, phones_in, region_for_country
from repdesk.core.quoting import clip

#: Tags an import puts on a lead whose file gave a value that could not be used as it is.
CHECK_PHONE = "check phone"
CHECK_EMAIL = "check email"
_EMAIL_SPLIT = re.compile(r"[\s,;]+")
_LINKEDIN = re.compile(r"(?:https?://)?(?:[\w-]+\.)?linkedin\.com/(in|pub)/([^/?#\s]+)", re.I)
_SALESFORCE_ID = re.compile(r"[A-Za-z0-9]{18}")

#: make(row, fields, received_at, extra, problem, phones, emails, keys) -> a parsed lead
RowFactory = Callable[..., Any]


class PersonRow:
    """The values of one row so far; finish() decides its fields and whether it holds a person."""

    __slots__ = (
        "region",
        "fields",
        "extra",
        "phones",
        "emails",
        "keys",
        "bad_emails",
        "bad_phones",
        "middle",
        "suffix",
        "_phone_cells",
        "_copies",
    )

    def __init__(self, region: str) -> None:
        self.region = region
        self.fields: dict[str, str] = {}
        self.extra: dict[str, str] = {}
        self.phones: list[Phone] = []
        self.emails: list[str] = []
        self.keys: list[str] = []
        self.bad_emails: list[str] = []
        self.bad_phones: list[str] = []
        self.middle = ""
        self.suffix = ""
        # (name, as written, its numbers, words beside them) of every readable phone cell
        self._phone_cells: list[tuple[str, str, list[str], bool]] = []
        self._copies: dict[str, int] = {}  # the next number to try after each kept name

    def keep(self, name: str, value: str) -> None:
        """Keep a value as written under a unique extra name ("TEL", "TEL 2", …)."""
        if not value:
            return
        key = name
        if key in self.extra:
            # Numbers go on from the last one handed out: a card repeating one property 20,000
            # times costs 20,000 steps, not 200 million (the free-name search was quadratic).
            copy = self._copies.get(name, 2)
            key = f"{name} {copy}"
            while key in self.extra:
                copy += 1
                key = f"{name} {copy}"
            self._copies[name] = copy + 1
        self.extra[key] = value

    def set_country(self, text: str) -> None:
        """A country named by the row: the region its phone numbers without a + are read in."""
        region = region_for_country(text)
        if region is not None:
            self.region = region

    def add_email(self, raw: str, name: str) -> None:
        value = raw.strip()
        if not value:
            return
        email = normalize_email(value)
        found = [email] if email is not None else []
        if not found:
            found = [e for part in _EMAIL_SPLIT.split(value) if (e := normalize_email(part))]
        if not found:
            self.keep(name, value)
            self.bad_emails.append(value)
            return
        for email in found:
            if email not in self.emails:
                self.emails.append(email)
        if "email" in self.fields or len(found) > 1:
            self.keep(name, value)
        if "email" not in self.fields:
            self.fields["email"] = found[0]

    def add_phone(self, raw: str, kind: str, name: str, ext: str = "") -> None:
        value = raw.strip()
        if not value:
            return
        numbers, leftover = phones_in(value, self.region)
        phones = self.phones
        if not numbers:
            self.keep(name, value)
            phones.append(Phone(value, kind, ext.strip(), False))
            self.bad_phones.append(value)
            return
        known = {p.number for p in phones} if phones else ()
        for number, found_ext in numbers:
            if number not in known:
                phones.append(Phone(number, kind, found_ext or ext.strip(), True))
        self._phone_cells.append((name, value, [n for n, _ in numbers], leftover))

    def add_key(self, namespace: str, value: str) -> None:
        """A stable id of the person in the tool that wrote the file (a CRM record id, a vCard UID,
        a profile URL)."""
        text = value.strip()
        if not text:
            return
        if namespace == "salesforce" and _SALESFORCE_ID.fullmatch(text):
            text = text[:15]  # the 18-character id is the 15-character one plus a checksum
        key = f"{namespace}:{text}"
        if key not in self.keys:
            self.keys.append(key)

    def add_profile(self, value: str) -> None:
        match = _LINKEDIN.search(value)
        if match is not None:
            self.add_key("linkedin", f"{match.group(1).lower()}/{match.group(2).lower()}")

    def finish(self, number: int, received_at: datetime | None, make: RowFactory) -> Any:
        fields = self.fields
        if self.middle and fields.get("first_name") and self.middle not in fields["first_name"]:
            fields["first_name"] = f"{fields['first_name']} {self.middle}"
        if self.suffix and fields.get("last_name") and self.suffix not in fields["last_name"]:
            fields["last_name"] = f"{fields['last_name']} {self.suffix}"
        main = best_phone(self.phones) if self.phones else None
        if main is not None:
            fields["phone"] = main.number
            if main.ext:
                fields["phone_ext"] = main.ext
        for name, value, numbers, leftover in self._phone_cells:
            # Only the main number's own cell, when it says nothing more, lives in `phone` alone.
            if leftover or main is None or numbers != [main.number]:
                self.keep(name, value)
        if self.bad_phones or self.bad_emails:
            flags = [CHECK_PHONE] * bool(self.bad_phones) + [CHECK_EMAIL] * bool(self.bad_emails)
            tags = [t for t in (fields.get("tags") or "").split(", ") if t]
            fields["tags"] = ", ".join(tags + [f for f in flags if f not in tags])
        identified = (
            "email" in fields
            or "phone" in fields
            or fields.get("first_name")
            or fields.get("last_name")
            or fields.get("company")
        )
        return make(
            number,
            fields,
            received_at,
            self.extra,
            None if identified else self.why_nobody(),
            tuple(self.phones),
            tuple(self.emails),
            tuple(self.keys),
        )

    def identifies_someone(self) -> bool:
        """A name, a company, an e-mail or a valid phone: enough to keep the row as a person."""
        fields = self.fields
        return any(fields.get(k) for k in ("first_name", "last_name", "company", "email", "phone"))

    def why_nobody(self) -> str:
        reasons = [f"email '{clip(v)}' is not a valid address" for v in self.bad_emails[:1]]
        reasons += [f"phone '{clip(v)}' is not a valid phone number" for v in self.bad_phones[:1]]
        detail = f" ({'; '.join(reasons)})" if reasons else ""
        return f"no name, company, email or phone{detail}"
