"""The script's text rules: a bundle's first problem as one sentence, and the [rules] lines written
and read back."""

from __future__ import annotations

from typing import Any

from repdesk.core.conditions import ConditionError, format_condition, parse_condition
from repdesk.core.domain import Verdict
from repdesk.core.questions import validate_sets
from repdesk.core.verdict_rules import RuleSet, VerdictRule
from repdesk.formats.script_file import ScriptBundle
from repdesk.services.common.errors import UserError


def check_bundle(bundle: ScriptBundle) -> None:
    """Raise UserError with the first problem of a bundle (sets, then rules)."""
    problems = validate_sets(bundle.sets)
    every: dict[str, Any] = {}
    for s in bundle.sets:
        for q in s.questions:
            every.setdefault(q.key, q)
    problems += bundle.rules.validate(list(every.values()))
    if problems:
        raise UserError(_sentence(problems[0]))


def rules_text(rules: RuleSet) -> str:
    """The [rules] lines of a rule set (as in the script file)."""
    lines = [f"{r.verdict.value} when {format_condition(r.condition)}" for r in rules.rules]
    return "\n".join([*lines, f"default {rules.default.value}"])


def parse_rules_text(text: str) -> RuleSet:
    """Read rule lines ('VERDICT when CONDITION', last 'default VERDICT'); UserError names the
    line."""
    rules: list[VerdictRule] = []
    default: Verdict | None = None
    verdicts = ", ".join(v.value for v in Verdict)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split(None, 2)
        if default is not None:
            raise UserError(f"Rules line {number}: nothing may follow the default line.")
        if words[0] == "default" and len(words) == 2:
            if words[1] not in set(Verdict):
                raise UserError(
                    f"Rules line {number}: unknown verdict '{words[1]}' (expected one of "
                    f"{verdicts})."
                )
            default = Verdict(words[1])
            continue
        if len(words) < 3 or words[1] != "when" or words[0] not in set(Verdict):
            raise UserError(
                f"Rules line {number}: write 'VERDICT when CONDITION' or 'default VERDICT' "
                f"(verdicts: {verdicts})."
            )
        try:
            rules.append(VerdictRule(Verdict(words[0]), parse_condition(words[2])))
        except ConditionError as exc:
            raise UserError(f"Rules line {number}: {exc}.") from None
    if default is None:
        raise UserError(
            "The rules need a last line 'default VERDICT', for example 'default nurture'."
        )
    return RuleSet(tuple(rules), default)


def _sentence(message: str) -> str:
    text = message[0].upper() + message[1:]
    return text if text.endswith(".") else text + "."
