"""The fields of a form mail's text: (label, value) pairs from "Label: value" lines,
"--- Label ---" blocks or label/value line pairs, and the field a label names by its key word."""

from __future__ import annotations

import re

from repdesk.formats.header_map import build_plan, squash

#: A form's fields come first: past this many lines no line is looked at as a field label.
MAX_LABEL_LINES = 2_000
_LABEL_WORDS = 10
_PAIR = re.compile(r"^\s*(?:[*•-]\s*)?(?P<label>[^:\n]{1,80}?)\s*:\s*(?P<value>.*)$")
_DASHED = re.compile(
    r"^\s*-{2,}\s*(?P<label>.+?)\s*-{2,}\s*$"
)  # WPForms plain text: "--- Name ---"
_SIGNATURE = re.compile(r"^(--\s*|_{3,}|-{3,})$")
_FOOTER = re.compile(
    r"^\(?(powered by|sent (from|via)|this e-?mail was sent|view (all )?responses)\b", re.IGNORECASE
)
_MESSAGE_WORDS = (
    "message",
    "comment",
    "inquiry",
    "enquiry",
    "question",
    "details",
    "request",
    "help",
)
ENVELOPE_LABELS = {"from", "to", "subject", "date", "cc", "replyto", "sent", "messagebody", "body"}


def form_pairs(text: str) -> list[tuple[str, str]]:
    """(label, value) pairs: "Label: value" lines, "--- Label ---" blocks, or label/value line
    pairs."""
    lines = _content_lines(text)
    pairs = _colon_pairs(lines)
    if _useful(pairs):
        return pairs
    dashed = _dashed_pairs(lines)
    if _useful(dashed):
        return dashed
    stacked = _stacked_pairs(lines)
    return stacked if _useful(stacked) else pairs


def _content_lines(text: str) -> list[str]:
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _SIGNATURE.match(line.strip()) and not _DASHED.match(line):
            # "-- " starts the form tool's footer ("This e-mail was sent from a contact form on …")
            break
        if not _FOOTER.match(line.strip()):
            lines.append(line.rstrip())
    return lines


# A value that spans lines is gathered as a list of its lines and joined once (building it by
# concatenation costs the square of its length: minutes for a mail of a few megabytes).


def _colon_pairs(lines: list[str]) -> list[tuple[str, str]]:
    labels: list[str] = []
    values: list[list[str]] = []
    for line in lines:
        match = _PAIR.match(line)
        if match and _is_label(match["label"]) and "//" not in match["label"]:
            labels.append(match["label"].strip())
            value = match["value"].strip()
            values.append([value] if value else [])
        elif labels and line.strip():
            parts = values[-1]  # a continuation line: the value (a message) spans lines
            parts += ("\n", line.strip()) if parts else (line.strip(),)
        elif labels and values[-1] and not line.strip():
            values[-1].append("\n")
    return [(label, "".join(parts).strip()) for label, parts in zip(labels, values, strict=True)]


def _dashed_pairs(lines: list[str]) -> list[tuple[str, str]]:
    labels: list[str] = []
    values: list[list[str]] = []
    for line in lines:
        match = _DASHED.match(line)
        if match:
            labels.append(match["label"])
            values.append([])
        elif labels and line.strip():
            values[-1].append(line.strip())
    return [(label, "\n".join(parts)) for label, parts in zip(labels, values, strict=True)]


def _stacked_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """Gravity Forms / Typeform HTML: a label line (a known field or a question) then its value
    lines."""
    labels: list[str] = []
    values: list[list[str]] = []
    for number, line in enumerate(line.strip() for line in lines):
        if not line:
            continue
        # A form's fields come first: past MAX_LABEL_LINES every line belongs to the last value.
        if number < MAX_LABEL_LINES and (
            _known_label(line) or (line.endswith("?") and len(line) <= 200)
        ):
            labels.append(line.rstrip(":"))
            values.append([])
        elif labels:
            values[-1].append(line)
    return [(label, "\n".join(parts)) for label, parts in zip(labels, values, strict=True) if parts]


def _is_label(label: str) -> bool:
    words = label.split()
    return 0 < len(words) <= _LABEL_WORDS and not label.strip().startswith(("http", "<"))


def _known_label(line: str) -> bool:
    if len(line) > 60:
        return False
    plan = build_plan([line.rstrip(":")])
    return any(target is not None for target in plan.mapping.values())


def _useful(pairs: list[tuple[str, str]]) -> bool:
    labels = [squash(label) for label, _ in pairs if squash(label) not in ENVELOPE_LABELS]
    if not labels:
        return False
    plan = build_plan([label for label, _ in pairs])
    fields = {target for target in plan.mapping.values() if target}
    fields |= {guess for label, _ in pairs if (guess := guess_field(label))}
    return bool(fields & {"email", "phone", "name", "first_name", "last_name"})


def guess_field(label: str) -> str | None:
    """The field a label names by its key word ("What's your email?": email), if any."""
    words = label.lower()
    if "mail" in words:
        return "email"
    if "phone" in words or "mobile" in words:
        return "phone"
    if "company" in words or "organi" in words or "business" in words:
        return "company"
    if "name" in words:
        return "name"
    if any(word in words for word in _MESSAGE_WORDS):
        return "message"
    return None


__all__ = ["ENVELOPE_LABELS", "form_pairs", "guess_field"]
