"""The hand-editable script file: every question set and the verdict rules
(docs/script-format.md), read back with its line numbers (written: formats.script_dump)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from importlib import resources

from repdesk.core.conditions import Condition, ConditionError, parse_condition
from repdesk.core.domain import Verdict
from repdesk.core.questions import (
    POINTS_SUFFIX_RE,
    AnswerType,
    Option,
    Question,
    QuestionSet,
    SetKind,
)
from repdesk.core.quoting import clip
from repdesk.core.verdict_rules import RuleSet, VerdictRule
from repdesk.formats.script_dump import dump as dump  # where the file is written
from repdesk.formats.script_dump import number_text

_SECTION_RE = re.compile(r"\[\s*(\w+)(?:\s+(\S+))?\s*\]")
_FIELD_RE = re.compile(r"([A-Za-z_]+)(?:\s+([^\s:]+))?\s*:(.*)")
_QUESTION_FIELDS = (
    "type",
    "prompt",
    "talk",
    "form",
    "required",
    "weight",
    "points",
    "when",
    "option KEY",
)
_FIELD_TO_PROBLEM = {
    "type": "type",
    "prompt": "prompt",
    "talk": "talk_track",
    "form": "form_prompt",
    "required": "required",
    "weight": "weight",
    "points": "points",
    "when": "condition",
}


class ScriptFileError(ValueError):
    """A script file that cannot be loaded; the message starts with 'line N: '."""

    def __init__(self, line: int, message: str, column: int = 0) -> None:
        where = f"line {line}, column {column}" if column else f"line {line}"
        super().__init__(f"{where}: {message}")
        self.line = line
        self.column = column
        self.reason = message


@dataclass(frozen=True)
class ScriptBundle:
    sets: tuple[QuestionSet, ...]
    rules: RuleSet


# ---------------------------------------------------------------- load: logical lines


@dataclass
class _Logical:
    """One entry, possibly continued on indented lines; `pieces` maps offsets back to lines."""

    text: str
    pieces: list[tuple[int, int, int]]  # (offset in text, line number, column of that offset)

    @property
    def line(self) -> int:
        return self.pieces[0][1]

    def locate(self, offset: int) -> tuple[int, int]:
        line, col = self.pieces[0][1], self.pieces[0][2] + offset
        for start, ln, c in self.pieces:
            if offset >= start:
                line, col = ln, c + offset - start
        return line, col


def _logical_lines(text: str) -> list[_Logical]:
    entries: list[_Logical] = []
    current: _Logical | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            current = None
            continue
        if stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        if indent and current is not None and not stripped.startswith("["):
            current.pieces.append((len(current.text) + 1, number, indent + 1))
            current.text += " " + stripped
            continue
        if indent:
            raise ScriptFileError(number, "an indented line must continue the line above it")
        current = _Logical(raw.rstrip(), [(0, number, 1)])
        entries.append(current)
    return entries


# ---------------------------------------------------------------- load: sections


@dataclass
class _QuestionDraft:
    key: str
    line: int
    fields: dict[str, tuple[str, _Logical, int]] = field(default_factory=dict)
    options: list[tuple[Option, int]] = field(default_factory=list)


@dataclass
class _SetDraft:
    key: str
    line: int
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    questions: list[_QuestionDraft] = field(default_factory=list)


def _number(text: str, what: str, line: int, low: float = 0.0, high: float = math.inf) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScriptFileError(line, f"{what} must be a number, got '{clip(text)}'") from None
    if not math.isfinite(value) or not low <= value <= high:
        bound = (
            "zero or more"
            if high == math.inf
            else f"between {number_text(low)} and {number_text(high)}"
        )
        raise ScriptFileError(line, f"{what} must be {bound}, got '{clip(text)}'")
    return value


def _condition(entry: _Logical, offset: int, text: str) -> Condition:
    if not text.strip():
        raise ScriptFileError(entry.line, "the condition is empty")
    try:
        return parse_condition(text)
    except ConditionError as exc:
        line, col = entry.locate(offset + max(exc.column, 1) - 1)
        raise ScriptFileError(line, exc.reason, col) from None


def _verdict(word: str, line: int) -> Verdict:
    if word not in set(Verdict):
        expected = ", ".join(v.value for v in Verdict)
        raise ScriptFileError(line, f"unknown verdict '{clip(word)}' (expected one of {expected})")
    return Verdict(word)


def _build_question(d: _QuestionDraft) -> tuple[Question, dict[str, int]]:
    lines = {"key": d.line}
    for name, (_, _, line) in d.fields.items():
        lines[_FIELD_TO_PROBLEM[name]] = line
    for opt, line in d.options:
        lines["option:" + opt.key] = line  # a duplicate is reported where it repeats
    for needed in ("type", "prompt"):
        if needed not in d.fields:
            raise ScriptFileError(d.line, f"question '{d.key}' has no '{needed}:' line")
    type_text, _, type_line = d.fields["type"]
    if type_text not in set(AnswerType):
        expected = ", ".join(t.value for t in AnswerType)
        raise ScriptFileError(
            type_line, f"unknown answer type '{clip(type_text)}' (expected one of {expected})"
        )
    required = False
    if "required" in d.fields:
        text, _, line = d.fields["required"]
        if text.lower() not in ("yes", "no"):
            raise ScriptFileError(line, f"required must be yes or no, got '{clip(text)}'")
        required = text.lower() == "yes"
    weight, points = d.fields.get("weight", ("0", None, 0)), d.fields.get("points", ("1", None, 0))
    condition = None
    if "when" in d.fields:
        text, entry, _ = d.fields["when"]
        rest = entry.text[entry.text.index(":") + 1 :]  # columns point into the condition text
        condition = _condition(
            entry, entry.text.index(":") + 1 + len(rest) - len(rest.lstrip()), text
        )
    question = Question(
        key=d.key,
        prompt=d.fields["prompt"][0],
        answer_type=AnswerType(type_text),
        talk_track=d.fields["talk"][0] if "talk" in d.fields else "",
        form_prompt=d.fields["form"][0] if "form" in d.fields else "",
        options=tuple(o for o, _ in d.options),
        required=required,
        condition=condition,
        weight=_number(weight[0], "weight", weight[2]),
        answered_points=_number(points[0], "points", points[2], 0.0, 1.0),
    )
    return question, lines


def _parse_option(key: str, value: str, line: int) -> Option:
    match = POINTS_SUFFIX_RE.search(value)
    if match is None:
        return Option(key, value)
    points = _number(match.group(1).strip(), "option points", line, 0.0, 1.0)
    return Option(key, value[: match.start()].rstrip(), points)


def load(text: str) -> ScriptBundle:
    """Read and validate a script file; ScriptFileError names the line of the first problem."""
    sets: list[_SetDraft] = []
    rules: list[tuple[VerdictRule, int]] = []
    default: tuple[Verdict, int] | None = None
    rules_line = 0
    section = ""
    question: _QuestionDraft | None = None
    for entry in _logical_lines(text):
        line, body = entry.line, entry.text
        header = _SECTION_RE.fullmatch(body.strip())
        if body.lstrip().startswith("["):
            if header is None:
                raise ScriptFileError(line, f"cannot read the section header '{body.strip()}'")
            name, arg = header.group(1), header.group(2)
            if name == "rules" and arg is None:
                if rules_line:
                    raise ScriptFileError(
                        line, f"a second [rules] section (the first is on line {rules_line})"
                    )
                section, rules_line, question = "rules", line, None
            elif name == "set" and arg:
                sets.append(_SetDraft(arg, line))
                section, question = "set", None
            elif name == "question" and arg:
                if section not in ("set", "question"):
                    raise ScriptFileError(
                        line, f"question '{clip(arg)}' must come after a [set KEY] header"
                    )
                question = _QuestionDraft(arg, line)
                sets[-1].questions.append(question)
                section = "question"
            else:
                raise ScriptFileError(
                    line,
                    f"unknown section '{body.strip()}' (expected [set KEY], [question KEY] or "
                    "[rules])",
                )
            continue
        if section == "rules":
            words = body.split(None, 2)
            if words[0] == "default":
                if len(words) != 2:
                    raise ScriptFileError(line, "write the default as 'default VERDICT'")
                if default is not None:
                    raise ScriptFileError(
                        line, f"a second default (the first is on line {default[1]})"
                    )
                default = (_verdict(words[1], line), line)
                continue
            if default is not None:
                raise ScriptFileError(
                    line, "rules after the default are never reached: move the default last"
                )
            if len(words) < 2 or words[1] != "when":
                raise ScriptFileError(
                    line, "write a rule as 'VERDICT when CONDITION' or 'default VERDICT'"
                )
            verdict = _verdict(words[0], line)
            offset = body.index("when") + len("when")
            offset += len(body[offset:]) - len(body[offset:].lstrip())
            rules.append((VerdictRule(verdict, _condition(entry, offset, body[offset:])), line))
            continue
        match = _FIELD_RE.fullmatch(body)
        if not section:
            raise ScriptFileError(
                line, "this line is outside any section: start the file with [set core]"
            )
        if match is None:
            raise ScriptFileError(line, f"expected 'field: value', got '{body.strip()}'")
        name, arg, value = match.group(1), match.group(2), match.group(3).strip()
        if section == "set":
            draft = sets[-1]
            if arg is not None or name not in ("name", "product"):
                raise ScriptFileError(
                    line, f"unknown field '{clip(name)}' in a set (expected name, product)"
                )
            if name in draft.fields:
                raise ScriptFileError(line, f"a second '{name}:' line in set '{draft.key}'")
            draft.fields[name] = (value, line)
            continue
        assert question is not None
        if name == "option" and arg is not None:
            question.options.append((_parse_option(arg, value, line), line))
        elif arg is None and name in _FIELD_TO_PROBLEM:
            if name in question.fields:
                raise ScriptFileError(line, f"a second '{name}:' line in question '{question.key}'")
            question.fields[name] = (value, entry, line)
        else:
            full = f"{name} {arg}" if arg else name
            raise ScriptFileError(
                line,
                f"unknown field '{clip(full)}' in a question "
                f"(expected {', '.join(_QUESTION_FIELDS)})",
            )
    return _finish(sets, rules, default, rules_line, text)


def _finish(
    drafts: list[_SetDraft],
    rules: list[tuple[VerdictRule, int]],
    default: tuple[Verdict, int] | None,
    rules_line: int,
    text: str,
) -> ScriptBundle:
    last_line = max(1, len(text.splitlines()))
    built: list[tuple[QuestionSet, _SetDraft, list[dict[str, int]]]] = []
    for d in drafts:
        if "name" not in d.fields:
            raise ScriptFileError(d.line, f"set '{d.key}' has no 'name:' line")
        questions = [_build_question(q) for q in d.questions]
        product = d.fields.get("product", ("", 0))[0]
        kind = SetKind.PRODUCT if "product" in d.fields else SetKind.CORE
        qs = QuestionSet(d.key, d.fields["name"][0], kind, product, tuple(q for q, _ in questions))
        built.append((qs, d, [lines for _, lines in questions]))
    cores = [(s, d) for s, d, _ in built if s.kind is SetKind.CORE]
    if not cores:
        raise ScriptFileError(1, "there is no core set (a [set KEY] without a 'product:' line)")
    if len(cores) > 1:
        first, second = cores[0][1], cores[1][1]
        raise ScriptFileError(
            second.line,
            f"a second core set '{second.key}' (the core set is '{first.key}', line {first.line}): "
            "give a product set a 'product:' line",
        )
    core = cores[0][0]
    seen: dict[str, int] = {}
    products: dict[str, int] = {}
    for s, d, question_lines in built:
        if s.key in seen:
            raise ScriptFileError(
                d.line, f"a second set '{s.key}' (the first is on line {seen[s.key]})"
            )
        seen[s.key] = d.line
        if s.kind is SetKind.PRODUCT and s.product in products:
            raise ScriptFileError(
                d.fields["product"][1],
                f"a second set for product '{s.product}' (line {products[s.product]})",
            )
        products[s.product] = d.line
        for qkey, problem in s.problems():
            if not qkey:  # set-level: key, name, product
                raise ScriptFileError(d.fields.get(problem.field, ("", d.line))[1], problem.message)
        earlier: dict[str, Question] = {} if s is core else {q.key: q for q in core.questions}
        for q, lines in zip(s.questions, question_lines, strict=True):
            if q.key in earlier:
                where = (
                    ""
                    if q.key not in {c.key for c in core.questions} or s is core
                    else " (core set)"
                )
                raise ScriptFileError(lines["key"], f"duplicate question key '{q.key}'{where}")
            for problem in q.problems(earlier):
                raise ScriptFileError(lines.get(problem.field, lines["key"]), problem.message)
            earlier[q.key] = q
    if not rules_line:
        raise ScriptFileError(last_line, "there is no [rules] section")
    if default is None:
        raise ScriptFileError(rules_line, "the [rules] section needs a 'default VERDICT' line")
    rule_set = RuleSet(tuple(r for r, _ in rules), default[0])
    every: dict[str, Question] = {}
    for s, _, _ in built:
        for q in s.questions:
            every.setdefault(q.key, q)
    for index, message in rule_set.problems(list(every.values())):
        raise ScriptFileError(rules[index][1], message)
    return ScriptBundle(tuple(s for s, _, _ in built), rule_set)


def load_default() -> ScriptBundle:
    """The question sets and rules that ship with repdesk."""
    path = resources.files("repdesk.resources") / "scripts" / "default.repdesk-script"
    return load(path.read_text(encoding="utf-8"))
