"""The helpful reply for a lead who is not a fit, as a draft for the mail program: the text is
the `not_a_fit` email template (per product; services/email/templates)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from repdesk.core.email_rules import NOT_A_FIT, Template, pick_template, render
from repdesk.formats.template_file import load_default


@dataclass(frozen=True)
class ReplyDraft:
    """A drafted email: the UI opens `mailto` and copies `body` to the clipboard."""

    to: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        subject, body = quote(self.subject, safe=""), quote(self.body, safe="")
        return f"mailto:{quote(self.to, safe='@')}?subject={subject}&body={body}"


def not_a_fit_draft(template: Template, to: str, values: Mapping[str, str]) -> ReplyDraft:
    """The template filled in; what has no value stays written ("{company}") for the rep."""
    subject, _ = render(template.subject, values)
    body, _ = render(template.body, values)
    return ReplyDraft(to, subject, body.strip() + "\n")


def shipped_not_a_fit(product: str) -> Template:
    """The not-a-fit template that ships with repdesk (for the product when it has its own)."""
    shipped = {(t.key, t.product): t for t in load_default()}
    return pick_template(shipped, NOT_A_FIT, product)
