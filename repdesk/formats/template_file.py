"""The hand-editable templates file: every email template, its subject and its body as written
(docs/templates-format.md); `load(dump(t)) == t` and `dump(load(text)) == text` for a dumped text.

    [template first_reply]
    product: website          (optional: a version for one product)
    name: First reply
    subject: Thanks for getting in touch, {first_name}
    body:
    Hi {first_name},
    ...

A body runs to the next line that starts with "[" (or the end of the file); one blank line before
the next header separates templates. A body line that starts with "[" is written "\\[" (and one
that starts with "\\[" gets one more backslash).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources

from repdesk.core.email_rules import KEY_RE, TEMPLATE_KEYS, PlaceholderError, Template
from repdesk.core.email_rules import placeholders_in as _placeholders

HEADER_COMMENT = "# repdesk templates: email texts with placeholders (see docs/templates-format.md)"
_HEADER = re.compile(r"\[template\s+(\S+)\]")
_FIELD = re.compile(r"([a-z]+)\s*:(.*)")
_ESCAPED = re.compile(r"\\+\[")
_FIELDS = ("product", "name", "subject")
MAX_SUBJECT = 300


class TemplateFileError(ValueError):
    """A templates file that cannot be loaded; the message starts with 'line N: '."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


def default_name(key: str) -> str:
    return key.replace("_", " ").capitalize()


def dump(templates: Iterable[Template]) -> str:
    """The canonical text of the templates, in the order given."""
    out = [HEADER_COMMENT]
    for t in templates:
        out += ["", f"[template {t.key}]"]
        if t.product:
            out.append(f"product: {t.product}")
        out += [f"name: {t.name}", f"subject: {t.subject}", "body:"]
        if t.body:
            out += [
                "\\" + line if line.startswith("[") or _ESCAPED.match(line) else line
                for line in t.body.split("\n")
            ]
    return "\n".join(out) + "\n"


def load(text: str) -> list[Template]:
    """Read and check a templates file; TemplateFileError names the line of the first problem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline ends the last line; it is not a line of its own
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for number, line in enumerate(lines, start=1):
        if "\r" in line:
            raise TemplateFileError(
                number, "a carriage return inside a line (save the file as text)"
            )
        if current is not None and current.body is not None:
            if not line.startswith("["):
                current.body.append((number, _unescape(line)))
                continue
            if current.body and current.body[-1][1] == "":
                current.body.pop()  # the blank line that separates two templates
        stripped = line.strip()
        if line.startswith("["):
            header = _HEADER.fullmatch(line.rstrip())
            if header is None:
                raise TemplateFileError(
                    number, f"cannot read the section header '{stripped}' (expected [template KEY])"
                )
            key = header.group(1)
            if KEY_RE.fullmatch(key) is None:
                raise TemplateFileError(
                    number,
                    f"'{key}' is not a template key (lower-case letters, digits and _, "
                    "starting with a letter)",
                )
            current = _Draft(key, number)
            drafts.append(current)
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if current is None:
            raise TemplateFileError(
                number, "this line is outside any template: start with [template KEY]"
            )
        field = _FIELD.fullmatch(stripped)
        if field is None:
            raise TemplateFileError(number, f"expected 'field: value' or 'body:', got '{stripped}'")
        name, value = field.group(1), field.group(2).strip()
        if name == "body":
            if value:
                raise TemplateFileError(
                    number, "the body starts on the line after 'body:' (nothing after the colon)"
                )
            current.body = []
            continue
        if name not in _FIELDS:
            raise TemplateFileError(
                number, f"unknown field '{name}' (expected product, name, subject or body)"
            )
        if name in current.fields:
            raise TemplateFileError(number, f"a second '{name}:' line in template '{current.key}'")
        current.fields[name] = (value, number)
    return _finish(drafts, len(lines))


class _Draft:
    def __init__(self, key: str, line: int) -> None:
        self.key = key
        self.line = line
        self.fields: dict[str, tuple[str, int]] = {}
        self.body: list[tuple[int, str]] | None = None


def _unescape(line: str) -> str:
    return line[1:] if _ESCAPED.match(line) else line


def _finish(drafts: list[_Draft], last_line: int) -> list[Template]:
    templates: list[Template] = []
    seen: dict[tuple[str, str], int] = {}
    for d in drafts:
        if "subject" not in d.fields:
            raise TemplateFileError(d.line, f"template '{d.key}' has no 'subject:' line")
        if d.body is None:
            raise TemplateFileError(d.line, f"template '{d.key}' has no 'body:' line")
        subject, subject_line = d.fields["subject"]
        if not subject:
            raise TemplateFileError(subject_line, f"the subject of template '{d.key}' is empty")
        if len(subject) > MAX_SUBJECT:
            raise TemplateFileError(
                subject_line, f"the subject is longer than {MAX_SUBJECT} characters"
            )
        product = d.fields.get("product", ("", 0))[0]
        where = (d.key, product)
        if where in seen:
            what = f"for product '{product}'" if product else "for every product"
            raise TemplateFileError(
                d.line, f"a second template '{d.key}' {what} (the first is on line {seen[where]})"
            )
        seen[where] = d.line
        for text, line in [(subject, subject_line), *((t, n) for n, t in d.body)]:
            try:
                _placeholders(text)
            except PlaceholderError as exc:
                raise TemplateFileError(line, str(exc)) from None
        name = d.fields.get("name", ("", 0))[0] or default_name(d.key)
        body = "\n".join(text for _n, text in d.body)
        templates.append(Template(d.key, product, name, subject, body))
    for key in TEMPLATE_KEYS:
        if (key, "") not in seen:
            raise TemplateFileError(
                max(last_line, 1),
                f"the file has no template '{key}' for every product "
                f"(a [template {key}] without a 'product:' line)",
            )
    return templates


def load_default() -> list[Template]:
    """The templates that ship with repdesk."""
    path = resources.files("repdesk.resources") / "templates" / "default.repdesk-templates"
    return load(path.read_text(encoding="utf-8"))
