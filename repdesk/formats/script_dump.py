"""The canonical text of a script bundle (the script file, docs/script-format.md), which
formats.script_file reads back."""

from __future__ import annotations

from repdesk.core.conditions import format_condition
from repdesk.core.questions import QuestionSet, SetKind
from repdesk.core.verdict_rules import RuleSet

HEADER_COMMENT = "# repdesk script: question sets and verdict rules (see docs/script-format.md)"


def number_text(value: float) -> str:
    """A number as the file writes it: 3, not 3.0."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def dump(sets: tuple[QuestionSet, ...] | list[QuestionSet], rules: RuleSet) -> str:
    """The canonical text of a bundle; `load(dump(s, r)) == ScriptBundle(tuple(s), r)`."""
    out = [HEADER_COMMENT]
    for s in sets:
        out += ["", f"[set {s.key}]", f"name: {s.name}"]
        if s.kind is SetKind.PRODUCT or s.product:
            out.append(f"product: {s.product}")
        for q in s.questions:
            out += [
                "",
                f"[question {q.key}]",
                f"type: {q.answer_type.value}",
                f"prompt: {q.prompt}",
            ]
            if q.talk_track:
                out.append(f"talk: {q.talk_track}")
            if q.form_prompt:
                out.append(f"form: {q.form_prompt}")
            out.append(f"required: {'yes' if q.required else 'no'}")
            out.append(f"weight: {number_text(q.weight)}")
            if q.answered_points != 1.0:
                out.append(f"points: {number_text(q.answered_points)}")
            if q.condition is not None:
                out.append(f"when: {format_condition(q.condition)}")
            for o in q.options:
                points = "" if o.points is None else f" (points {number_text(o.points)})"
                out.append(f"option {o.key}: {o.label}{points}")
    out += ["", "[rules]"]
    out += [f"{r.verdict.value} when {format_condition(r.condition)}" for r in rules.rules]
    out.append(f"default {rules.default.value}")
    return "\n".join(out) + "\n"


__all__ = ["HEADER_COMMENT", "dump", "number_text"]
