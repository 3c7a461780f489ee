"""What CRM values mean: status words to repdesk statuses, vendor source codes to friendly names."""

from __future__ import annotations

import re
from functools import lru_cache

from repdesk.core.domain import LeadStatus

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


@lru_cache(maxsize=4096)  # a file repeats a handful of status values over every row
def map_status(raw: str) -> str | None:
    """A repdesk status for a CRM's status value, or None when it is not clear."""
    key = _STATUS_SPLIT.sub(" ", raw.strip().lower()).strip()
    return _STATUS_WORDS.get(key)


#: HubSpot's "Original Source" codes as its own screens name them.
_SOURCE_NAMES = {
    "ORGANIC_SEARCH": "Organic search",
    "PAID_SEARCH": "Paid search",
    "EMAIL_MARKETING": "Email marketing",
    "SOCIAL_MEDIA": "Organic social",
    "PAID_SOCIAL": "Paid social",
    "REFERRALS": "Referrals",
    "OTHER_CAMPAIGNS": "Other campaigns",
    "DIRECT_TRAFFIC": "Direct traffic",
    "OFFLINE": "Offline sources",
    "AI_REFERRALS": "AI referrals",
    "WEB": "Web",
}
_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_ACRONYMS = frozenset(
    {"AI", "API", "B2B", "B2C", "CRM", "CSV", "PPC", "SEO", "SEM", "SMS", "URL", "UTM"}
)


@lru_cache(maxsize=4096)
def friendly_source(raw: str) -> str:
    """A source as a person would say it: "ORGANIC_SEARCH" -> "Organic search", "TRADE_SHOW_2026"
    -> "Trade show 2026"; anything that is not a vendor code is kept as written."""
    value = raw.strip()
    known = _SOURCE_NAMES.get(value.upper()) if value.isupper() else None
    if known is not None:
        return known
    if not _CODE.fullmatch(value):
        return value
    words = [w if w in _ACRONYMS else w.lower() for w in value.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]
