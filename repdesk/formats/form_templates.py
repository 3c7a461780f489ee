"""Form templates for other tools: a Contact Form 7 form, and a fields CSV to build a form by hand.

Both name the same fields as the HTML form (core.form_plan: contact fields, question keys,
message, the form id), so whatever tool sends the answers back, they map by key.
"""

from __future__ import annotations

import csv
import io

from repdesk.core.conditions import format_condition
from repdesk.core.form_plan import (
    CONTACT_FIELDS,
    FORM_ID_FIELD,
    MESSAGE_FIELD,
    PRODUCT_FIELD,
    ContactField,
    FormPlan,
    choices,
)
from repdesk.core.questions import AnswerType, Question

FIELDS_HEADER = ("key", "prompt", "type", "options", "required")
_CF7_CONTACT = {"text": "text", "email": "email", "tel": "tel", "textarea": "textarea"}
_CF7_TYPES = {
    AnswerType.NUMBER: "number",
    AnswerType.MONEY: "text",
    AnswerType.DATE: "date",
    AnswerType.TEXT: "textarea",
}


def cf7_template(plan: FormPlan) -> str:
    """The Form tab of a Contact Form 7 form, then (as a comment) a Mail tab body that names every
    field by key, so the notification email maps back to the questions."""
    lines = [
        f"<!-- Made by repdesk from the question sets {plan.versions}. Field names are question",
        "     keys and values (after the |) option keys: keep them. Contact Form 7 has no",
        "     conditions: every question shows, and repdesk ignores answers to questions whose",
        "     condition does not hold. -->",
    ]
    lines += [_cf7_contact(f) for f in CONTACT_FIELDS]
    lines += [_cf7_question(q) for q in plan.questions]
    lines.append(_cf7_contact(MESSAGE_FIELD))
    lines.append(f'[hidden {FORM_ID_FIELD} "{_quote(plan.versions)}"]')
    if plan.product:
        lines.append(f'[hidden {PRODUCT_FIELD} "{_quote(plan.product)}"]')
    lines.append('[submit "Send"]')
    lines += ["", "<!-- Mail tab, message body (paste it there):", ""]
    lines += [f"{f.name}: [{f.name}]" for f in CONTACT_FIELDS]
    lines += [f"{q.key}: [{q.key}]" for q in plan.questions]
    lines.append(f"{FORM_ID_FIELD}: [{FORM_ID_FIELD}]")
    if plan.product:
        lines.append(f"{PRODUCT_FIELD}: [{PRODUCT_FIELD}]")
    lines += ["", "message:", "[message]", "-->", ""]
    return "\n".join(lines)


def _quote(text: str) -> str:
    # CF7 values are double-quoted and cannot hold a double quote or a pipe of their own.
    return text.replace('"', "'").replace("|", "/")


def _cf7_contact(f: ContactField) -> str:
    star = "*" if f.required else ""
    tag = f"[{_CF7_CONTACT[f.kind]}{star} {f.name} autocomplete:{f.autocomplete}]"
    return f"<label> {f.label}{_need(f.required)}\n    {tag} </label>\n"


def _need(required: bool) -> str:
    return " (required)" if required else ""


def _cf7_question(q: Question) -> str:
    # Required (*) only when the question always applies: CF7 cannot hide a conditional one.
    star = "*" if q.required and q.condition is None else ""
    prompt = q.form_prompt + _need(bool(star))
    if q.answer_type.has_options or q.answer_type is AnswerType.YES_NO:
        kind = "checkbox" if q.answer_type is AnswerType.MULTI_CHOICE else "radio"
        values = " ".join(f'"{_quote(label)}|{value}"' for value, label in choices(q))
        return (
            f"<fieldset>\n  <legend>{prompt}</legend>\n"
            f"  [{kind}{star} {q.key} use_label_element {values}]\n</fieldset>\n"
        )
    return f"<label> {prompt}\n    [{_CF7_TYPES[q.answer_type]}{star} {q.key}] </label>\n"


def fields_csv(plan: FormPlan) -> str:
    """key, prompt, type, options, required: one row per field of the form, the form id last
    (a hidden field whose prompt is the set versions). `required` is yes or no, followed by
    ", when CONDITION" for a question the form should show only then."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS_HEADER)
    for f in CONTACT_FIELDS:
        writer.writerow((f.name, f.label, f.kind, "", _yes(f.required)))
    for q in plan.questions:
        options = " | ".join(f"{value}={label}" for value, label in choices(q))
        required = _yes(q.required)
        if q.condition is not None:  # to build by hand: show it only when this holds
            required += f", when {format_condition(q.condition)}"
        writer.writerow((q.key, q.form_prompt, q.answer_type.value, options, required))
    writer.writerow((MESSAGE_FIELD.name, MESSAGE_FIELD.label, "textarea", "", "no"))
    writer.writerow((FORM_ID_FIELD, plan.versions, "hidden", "", "no"))
    if plan.product:
        writer.writerow((PRODUCT_FIELD, plan.product, "hidden", "", "no"))
    return out.getvalue()


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
