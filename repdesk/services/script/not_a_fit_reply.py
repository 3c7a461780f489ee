"""The helpful reply for a lead who is not a fit, as a draft for the mail program: the text is
the `not_a_fit` email template (per product; services/email/templates)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


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
