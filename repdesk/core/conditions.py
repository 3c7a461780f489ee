"""Declarative conditions on answers as data: the JSON form, the compact text form, parser,
printer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeAlias

#: A literal in a condition: an option key or word ("yes", "this_month") or a number.
ConditionValue: TypeAlias = str | int | float
#: A recorded answer (see script_flow.parse_answer); lists come back from JSON storage.
AnswerValue: TypeAlias = bool | int | float | str | date | tuple[str, ...] | list[str]
Answers: TypeAlias = Mapping[str, "AnswerValue | None"]

KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD_RE = re.compile(r"[A-Za-z0-9_.+\-]+")
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
KEYWORDS = frozenset({"and", "or", "not", "in", "answered"})
#: How deep parentheses, `not`s and nested all/any/not objects may go (readers recurse per level;
#: far deeper input would exhaust Python's stack instead of getting a sentence).
MAX_NESTING = 32


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    GTE = "gte"
    LTE = "lte"
    ANSWERED = "answered"


_SYMBOLS = {Op.EQ: "=", Op.NE: "!=", Op.GTE: ">=", Op.LTE: "<=", Op.IN: "in", Op.NOT_IN: "not in"}


@dataclass(frozen=True)
class Compare:
    """`question op value`; value is a tuple for in/not_in and None for answered."""

    question: str
    op: Op
    value: ConditionValue | tuple[ConditionValue, ...] | None = None


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition: TypeAlias = Compare | AllOf | AnyOf | Not


class ConditionError(ValueError):
    """A condition that cannot be read; `column` is 1-based in the text form (0 for data)."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(f"column {column}: {message}" if column else message)
        self.reason = message
        self.column = column


# ---------------------------------------------------------------- walking


def questions_named(condition: Condition) -> list[Compare]:
    """Every comparison inside a condition, in reading order."""
    if isinstance(condition, Compare):
        return [condition]
    if isinstance(condition, Not):
        return questions_named(condition.item)
    return [c for item in condition.items for c in questions_named(item)]


# ---------------------------------------------------------------- data form


def condition_to_data(condition: Condition) -> dict[str, Any]:
    """The JSON-ready form, e.g. {"question": "need", "op": "eq", "value": "yes"}."""
    if isinstance(condition, AllOf):
        return {"all": [condition_to_data(c) for c in condition.items]}
    if isinstance(condition, AnyOf):
        return {"any": [condition_to_data(c) for c in condition.items]}
    if isinstance(condition, Not):
        return {"not": condition_to_data(condition.item)}
    data: dict[str, Any] = {"question": condition.question, "op": condition.op.value}
    if isinstance(condition.value, tuple):
        data["value"] = list(condition.value)
    elif condition.value is not None:
        data["value"] = condition.value
    return data


def _data_value(raw: object) -> ConditionValue:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, str | int | float):
        return raw
    raise ConditionError(f"a condition value must be a word or a number, not {raw!r}")


def condition_from_data(data: Mapping[str, Any], _depth: int = 0) -> Condition:
    """Read the JSON form; an all/any of one item collapses to that item."""
    if _depth > MAX_NESTING:
        raise ConditionError(f"conditions nest at most {MAX_NESTING} levels deep")
    if not isinstance(data, Mapping):
        raise ConditionError(f"a condition must be an object, not {data!r}")
    for group in ("all", "any"):
        if group in data:
            raw = data[group]
            if not isinstance(raw, list) or not raw:
                raise ConditionError(f"'{group}' needs a non-empty list of conditions")
            items = tuple(condition_from_data(d, _depth + 1) for d in raw)
            if len(items) == 1:
                return items[0]
            return AllOf(items) if group == "all" else AnyOf(items)
    if "not" in data:
        return Not(condition_from_data(data["not"], _depth + 1))
    question, op_text = data.get("question"), data.get("op")
    if not isinstance(question, str) or not KEY_RE.fullmatch(question):
        raise ConditionError(f"a condition needs a question key, got {question!r}")
    try:
        op = Op(str(op_text))
    except ValueError:
        expected = ", ".join(o.value for o in Op)
        raise ConditionError(f"unknown op {op_text!r} (expected one of {expected})") from None
    if op is Op.ANSWERED:
        return Compare(question, op)
    if "value" not in data:
        raise ConditionError(f"op '{op.value}' needs a value")
    raw = data["value"]
    if op in (Op.IN, Op.NOT_IN):
        if not isinstance(raw, list | tuple) or not raw:
            raise ConditionError(f"op '{op.value}' needs a non-empty list of values")
        return Compare(question, op, tuple(_data_value(v) for v in raw))
    return Compare(question, op, _data_value(raw))


# ---------------------------------------------------------------- printer


def _print_value(value: ConditionValue) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    text = str(value)
    if _WORD_RE.fullmatch(text) and not _FLOAT_RE.fullmatch(text) and text.lower() not in KEYWORDS:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_condition(condition: Condition) -> str:
    """The compact text form; `parse_condition(format_condition(c)) == c`."""
    if isinstance(condition, Compare):
        if condition.op is Op.ANSWERED:
            return f"answered({condition.question})"
        if isinstance(condition.value, tuple):
            values = ", ".join(_print_value(v) for v in condition.value)
            return f"{condition.question} {_SYMBOLS[condition.op]} ({values})"
        assert condition.value is not None
        return f"{condition.question} {_SYMBOLS[condition.op]} {_print_value(condition.value)}"
    if isinstance(condition, Not):
        inner = format_condition(condition.item)
        item = condition.item
        if isinstance(item, Compare) and item.op is Op.ANSWERED:
            return f"not {inner}"
        return f"not ({inner})"
    joiner = " and " if isinstance(condition, AllOf) else " or "
    parts = []
    for item in condition.items:
        text = format_condition(item)
        # and binds tighter than or; same-kind nesting keeps its parentheses to round-trip.
        if isinstance(item, AllOf | AnyOf):
            text = f"({text})"
        parts.append(text)
    return joiner.join(parts)


# ---------------------------------------------------------------- parser


@dataclass(frozen=True)
class _Token:
    kind: str  # word, string, symbol, end
    text: str
    column: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith(("!=", ">=", "<=", "=="), i):
            tokens.append(_Token("symbol", text[i : i + 2], i + 1))
            i += 2
        elif ch in "=(),":
            tokens.append(_Token("symbol", ch, i + 1))
            i += 1
        elif ch in "<>":
            raise ConditionError(f"use '{ch}=' ('{ch}' alone is not supported)", i + 1)
        elif ch == '"':
            j, out = i + 1, []
            while j < len(text) and text[j] != '"':
                if text[j] == "\\" and j + 1 < len(text):
                    j += 1
                out.append(text[j])
                j += 1
            if j >= len(text):
                raise ConditionError("unterminated quoted value", i + 1)
            tokens.append(_Token("string", "".join(out), i + 1))
            i = j + 1
        else:
            match = _WORD_RE.match(text, i)
            if not match:
                raise ConditionError(f"unexpected character {ch!r}", i + 1)
            tokens.append(_Token("word", match.group(), i + 1))
            i = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def is_keyword(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text.lower() == word

    def expect_symbol(self, symbol: str, what: str) -> None:
        token = self.take()
        if token.kind != "symbol" or token.text != symbol:
            raise ConditionError(
                f"expected '{symbol}' {what}, found {_describe(token)}", token.column
            )

    def parse(self) -> Condition:
        if self.peek().kind == "end":
            raise ConditionError("empty condition", 1)
        condition = self.parse_or()
        token = self.peek()
        if token.kind != "end":
            raise ConditionError(
                f"expected 'and', 'or' or the end, found {_describe(token)}", token.column
            )
        return condition

    def parse_or(self) -> Condition:
        items = [self.parse_and()]
        while self.is_keyword("or"):
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else AnyOf(tuple(items))

    def parse_and(self) -> Condition:
        items = [self.parse_unary()]
        while self.is_keyword("and"):
            self.take()
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def parse_unary(self) -> Condition:
        token = self.peek()
        if self.is_keyword("not") or (token.kind == "symbol" and token.text == "("):
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise ConditionError(
                    f"conditions nest at most {MAX_NESTING} levels deep", token.column
                )
            try:
                self.take()
                if token.text != "(":
                    return Not(self.parse_unary())
                inner = self.parse_or()
                self.expect_symbol(")", "to close the '('")
                return inner
            finally:
                self.depth -= 1
        if self.is_keyword("answered"):
            self.take()
            self.expect_symbol("(", "after 'answered'")
            key = self.take_key()
            self.expect_symbol(")", "after the question key")
            return Compare(key, Op.ANSWERED)
        return self.parse_compare()

    def take_key(self) -> str:
        token = self.take()
        if (
            token.kind != "word"
            or not KEY_RE.fullmatch(token.text)
            or token.text.lower() in KEYWORDS
        ):
            raise ConditionError(f"expected a question key, found {_describe(token)}", token.column)
        return token.text

    def parse_compare(self) -> Condition:
        key = self.take_key()
        token = self.take()
        op: Op | None = None
        if token.kind == "symbol":
            op = {"=": Op.EQ, "==": Op.EQ, "!=": Op.NE, ">=": Op.GTE, "<=": Op.LTE}.get(token.text)
        elif token.kind == "word" and token.text.lower() == "in":
            op = Op.IN
        elif token.kind == "word" and token.text.lower() == "not" and self.is_keyword("in"):
            self.take()
            op = Op.NOT_IN
        if op is None:
            raise ConditionError(
                f"expected an operator (=, !=, >=, <=, in, not in) after '{key}', found "
                f"{_describe(token)}",
                token.column,
            )
        if op in (Op.IN, Op.NOT_IN):
            self.expect_symbol("(", f"to start the list after '{_SYMBOLS[op]}'")
            values = [self.take_value(op)]
            while self.peek().kind == "symbol" and self.peek().text == ",":
                self.take()
                values.append(self.take_value(op))
            self.expect_symbol(")", "to close the list of values")
            return Compare(key, op, tuple(values))
        return Compare(key, op, self.take_value(op))

    def take_value(self, op: Op) -> ConditionValue:
        token = self.take()
        if token.kind == "string":
            return token.text
        if token.kind == "word" and token.text.lower() not in KEYWORDS:
            if _INT_RE.fullmatch(token.text):
                return int(token.text)
            if _FLOAT_RE.fullmatch(token.text):
                return float(token.text)
            return token.text
        raise ConditionError(
            f"expected a value after '{_SYMBOLS[op]}', found {_describe(token)}", token.column
        )


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the condition"
    return f"'{token.text}'" if token.kind != "string" else f'"{token.text}"'


def parse_condition(text: str) -> Condition:
    """Read the text form, e.g. `need = yes and timeline in (this_month, 1_3_months)`."""
    return _Parser(text).parse()
