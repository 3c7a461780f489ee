"""Forms whose fields match no question: offered for mapping once, remembered per form."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.form_match import fold
from repdesk.core.form_plan import FORM_ID_FIELD
from repdesk.formats.lead_file import ParsedLead
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.store.models import FormMappingRecord

OFFERED, MAPPED, DISMISSED = "offered", "mapped", "dismissed"
#: Sources that are forms (a CRM or address-book export is not: its columns are no questions).
FORM_SOURCES = frozenset(
    {
        "Web form",
        "WordPress Contact Form 7",
        "WPForms",
        "Gravity Forms",
        "Google Forms",
        "Typeform",
        "Squarespace",
        "Wix",
    }
)
#: Extra fields an arrival path adds itself: never a form's question.
_META = frozenset(fold(k) for k in ("Email subject", "Message-ID", "email_raw", "phone_raw"))


@dataclass(frozen=True)
class FormOffer:
    """A form to map: its fields, and the lead it came with (whose answers a mapping fills)."""

    id: int
    source: str
    labels: tuple[str, ...]
    lead_id: int | None
    state: str
    mapping: dict[str, str]


def form_labels(extra: Mapping[str, str]) -> list[str]:
    """The fields of a form among a row's extras (not the ones an arrival path adds)."""
    return [
        label
        for label in extra
        if fold(label) not in _META
        and fold(label) != fold(FORM_ID_FIELD)
        and not label.startswith("column ")
    ]


def signature(source: str, labels: list[str]) -> str:
    """The same form (source and field labels, in any order) gives the same signature."""
    text = "\n".join([fold(source), *sorted({fold(label) for label in labels})])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:64]


def offer_mappings(
    session: Session, pairs: Sequence[tuple[int, ParsedLead]], now: datetime
) -> None:
    """Remember each form (once) whose fields named no question, so the user can map them; one
    read for the chunk (its rows mostly share one form)."""
    wanted: dict[str, tuple[int, str, list[str]]] = {}
    seen: dict[tuple[str, tuple[str, ...]], str | None] = {}
    for lead_id, row in pairs:
        source = row.fields.get("source", "")
        if source not in FORM_SOURCES:
            continue
        key = (source, tuple(row.extra))
        if key not in seen:
            labels = form_labels(row.extra)
            seen[key] = signature(source, labels) if labels else None
            if labels and seen[key] not in wanted:
                wanted[str(seen[key])] = (lead_id, source, labels)
    if not wanted:
        return
    known = set(
        session.scalars(
            select(FormMappingRecord.signature).where(FormMappingRecord.signature.in_(wanted))
        )
    )
    for sig, (lead_id, source, labels) in wanted.items():
        if sig not in known:
            session.add(
                FormMappingRecord(
                    signature=sig,
                    source=source[:100],
                    labels=labels,
                    mapping={},
                    state=OFFERED,
                    lead_id=lead_id,
                    created_at=now,
                )
            )
    session.flush()


class FormMappingService:
    """The forms offered for mapping, and the user's answer: map their fields, or dismiss."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        apply: Callable[[int], object],
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._apply = apply  # fills the offering lead's answers once its form is mapped

    def offer_for(self, lead_id: int) -> FormOffer | None:
        """The mapping still offered for a lead's form, if any (shown once, with that lead)."""
        with self._sessions() as session:
            record = session.scalars(
                select(FormMappingRecord).where(
                    FormMappingRecord.lead_id == lead_id, FormMappingRecord.state == OFFERED
                )
            ).first()
            return _offer(record) if record is not None else None

    def offers(self) -> list[FormOffer]:
        with self._sessions() as session:
            return [_offer(r) for r in session.scalars(select(FormMappingRecord))]

    def map_form(self, offer_id: int, mapping: Mapping[str, str]) -> Changes:
        """Remember which fields are which questions; the offering lead gets its answers now."""
        chosen = {label: key for label, key in mapping.items() if key}
        if not chosen:
            raise UserError("Choose a question for at least one field, or dismiss the form.")
        with self._sessions.begin() as session:
            record = _record(session, offer_id)
            unknown = sorted(set(chosen) - set(record.labels))
            if unknown:
                raise UserError(f"The form has no field {unknown[0]!r}.")
            record.mapping, record.state = chosen, MAPPED
            lead_id = record.lead_id
        if lead_id is not None:
            self._apply(lead_id)
        return Changes(leads=True, activities=True)

    def dismiss(self, offer_id: int) -> Changes:
        with self._sessions.begin() as session:
            _record(session, offer_id).state = DISMISSED
        return Changes(leads=True)


def _record(session: Session, offer_id: int) -> FormMappingRecord:
    record = session.get(FormMappingRecord, offer_id)
    if record is None:
        raise NotFoundError(f"There is no form {offer_id} to map.")
    return record


def _offer(record: FormMappingRecord) -> FormOffer:
    return FormOffer(
        record.id,
        record.source,
        tuple(record.labels or ()),
        record.lead_id,
        record.state,
        dict(record.mapping or {}),
    )
