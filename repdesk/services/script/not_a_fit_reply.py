"""The helpful reply for a lead who is not a fit: a template with placeholders and referrals by
product."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
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


@dataclass(frozen=True)
class ReplyTemplate:
    subject: str
    body: str
    referrals: dict[str, str]

    def render(
        self, *, to: str, first_name: str, company: str, challenge: str, product: str
    ) -> ReplyDraft:
        referral = self.referrals.get(product) or self.referrals.get("default", "")
        values = _Blank(
            first_name=first_name or "there",
            company=company or "your business",
            challenge=challenge or "what you are working on",
            referral=referral,
        )
        return ReplyDraft(
            to, self.subject.format_map(values), self.body.format_map(values).strip() + "\n"
        )


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def parse_template(text: str) -> ReplyTemplate:
    """Read the template: '#' comments, a 'Subject:' line, the body, then '[referrals]' lines
    'product: text'."""
    subject = ""
    body: list[str] = []
    referrals: dict[str, str] = {}
    section = "head"
    for line in text.splitlines():
        if line.startswith("#") and section != "body":
            continue
        if section == "head":
            if line.lower().startswith("subject:"):
                subject, section = line.split(":", 1)[1].strip(), "body"
            continue
        if line.strip() == "[referrals]":
            section = "referrals"
            continue
        if section == "body":
            body.append(line)
        elif ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            referrals[key.strip()] = value.strip()
    return ReplyTemplate(subject, "\n".join(body).strip("\n"), referrals)


def load_template() -> ReplyTemplate:
    path = resources.files("repdesk.resources") / "templates" / "not_a_fit.txt"
    return parse_template(path.read_text(encoding="utf-8"))
