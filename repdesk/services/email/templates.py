"""Email templates: the shipped set until the first edit, then the workspace's own; export and
import as one text file (formats/template_file), edit one, remove a product's version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.email_rules import (
    KEY_RE,
    TEMPLATE_KEYS,
    PlaceholderError,
    Template,
    pick_template,
    placeholders_in,
)
from repdesk.formats.template_file import (
    MAX_SUBJECT,
    TemplateFileError,
    default_name,
    dump,
    load,
    load_default,
)
from repdesk.services.common.changes import Changes
from repdesk.services.common.errors import NotFoundError, UserError
from repdesk.store.models import EmailTemplateRecord


@dataclass(frozen=True)
class ImportResult:
    count: int
    changed: int

    def describe(self) -> str:
        if not self.changed:
            return f"The file's {self.count} templates are the ones you have; nothing changed."
        return f"Imported {self.count} templates ({self.changed} new or changed)."


class TemplateService:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    # -- reading ---------------------------------------------------------------------------------
    def all(self) -> list[Template]:
        """Every template, in file order (the shipped ones until the workspace has its own)."""
        with self._sessions() as session:
            return self._all(session)

    def _all(self, session: Session) -> list[Template]:
        records = list(
            session.scalars(
                select(EmailTemplateRecord).order_by(
                    EmailTemplateRecord.position, EmailTemplateRecord.id
                )
            )
        )
        if not records:
            return load_default()
        return [Template(r.key, r.product, r.name, r.subject, r.body) for r in records]

    def by_key(self) -> dict[tuple[str, str], Template]:
        return {(t.key, t.product): t for t in self.all()}

    def by_key_in(self, session: Session) -> dict[tuple[str, str], Template]:
        """by_key, read in a session already open (an import's transaction)."""
        return {(t.key, t.product): t for t in self._all(session)}

    def pick(self, key: str, product: str) -> Template:
        """The product's own version of `key`, else the one for every product."""
        try:
            return pick_template(self.by_key(), key, product)
        except KeyError:
            keys = ", ".join(sorted({t.key for t in self.all()}))
            raise NotFoundError(f"There is no template {key!r} (there are: {keys}).") from None

    def export_text(self) -> str:
        return dump(self.all())

    # -- writing ---------------------------------------------------------------------------------
    def import_text(self, text: str) -> ImportResult:
        """Replace every template with the file's; a problem names its line and changes
        nothing."""
        try:
            templates = load(text)
        except TemplateFileError as exc:
            raise UserError(str(exc)) from None
        with self._sessions.begin() as session:
            before = set(self._all(session))
            self._write_all(session, templates)
        return ImportResult(len(templates), len(set(templates) - before))

    def save(self, template: Template, *, original: tuple[str, str] | None = None) -> Changes:
        """Add or change one template (`original`: its key and product before the edit)."""
        cleaned = check(template)
        with self._sessions.begin() as session:
            current = self._all(session)
            where = original or (cleaned.key, cleaned.product)
            needed = original is not None and original[0] in TEMPLATE_KEYS and not original[1]
            if needed and (cleaned.key, cleaned.product) != original:
                raise UserError(
                    f"The template {where[0]!r} for every product is needed; change its text, "
                    "or add a version for one product instead."
                )
            clash = (cleaned.key, cleaned.product) != where and any(
                (t.key, t.product) == (cleaned.key, cleaned.product) for t in current
            )
            if clash:
                what = f"for {cleaned.product!r}" if cleaned.product else "for every product"
                raise UserError(f"There is already a template {cleaned.key!r} {what}.")
            replaced = [cleaned if (t.key, t.product) == where else t for t in current]
            if not any((t.key, t.product) == where for t in current):
                replaced.append(cleaned)
            self._write_all(session, replaced)
        return Changes(settings=True)

    def remove(self, key: str, product: str) -> Changes:
        if key in TEMPLATE_KEYS and not product:
            raise UserError(f"The template {key!r} for every product is needed; edit it instead.")
        with self._sessions.begin() as session:
            current = self._all(session)
            kept = [t for t in current if (t.key, t.product) != (key, product)]
            if len(kept) == len(current):
                raise NotFoundError(f"There is no template {key!r} for {product!r}.")
            self._write_all(session, kept)
        return Changes(settings=True)

    def _write_all(self, session: Session, templates: list[Template]) -> None:
        now = self._clock()
        session.execute(delete(EmailTemplateRecord))
        session.flush()
        for position, t in enumerate(templates):
            session.add(
                EmailTemplateRecord(
                    key=t.key,
                    product=t.product,
                    name=t.name,
                    subject=t.subject,
                    body=t.body,
                    position=position,
                    updated_at=now,
                )
            )


def check(template: Template) -> Template:
    """The template cleaned up, or one sentence naming what is wrong with it."""
    key, product = template.key.strip(), " ".join(template.product.split())
    if KEY_RE.fullmatch(key) is None:
        raise UserError(
            f"{key!r} is not a template key (lower-case letters, digits and _, starting with a "
            "letter)."
        )
    subject = " ".join(template.subject.split())
    if not subject:
        raise UserError("A template needs a subject.")
    if len(subject) > MAX_SUBJECT:
        raise UserError(f"The subject is longer than {MAX_SUBJECT} characters.")
    body = template.body.replace("\r\n", "\n").replace("\r", "\n")
    for part, text in (("subject", subject), ("text", body)):
        try:
            placeholders_in(text)
        except PlaceholderError as exc:
            raise UserError(f"The {part} has {exc}.") from None
    name = " ".join(template.name.split()) or default_name(key)
    return replace(template, key=key, product=product, name=name, subject=subject, body=body)
