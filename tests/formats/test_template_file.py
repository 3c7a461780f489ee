"""The templates file: canonical round trip (also for bodies that look like headers or comments)
and a broken file naming its line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.email_rules import TEMPLATE_KEYS, Template
from repdesk.formats.template_file import TemplateFileError, dump, load, load_default

_line = st.text(
    st.characters(blacklist_characters="\r\n{}", blacklist_categories=("Cs",)), max_size=30
)
_body_line = st.one_of(
    _line,
    st.sampled_from(
        ["", "[template x]", "\\[escaped", "\\\\[two", "# not a comment", "body:", " "]
    ),
)
_bodies = st.lists(_body_line, max_size=8).map("\n".join)
_single = st.text(
    st.characters(blacklist_characters="\r\n{}", blacklist_categories=("Cs", "Zs", "Cc")),
    min_size=1,
    max_size=20,
)


def base() -> list[Template]:
    return [t for t in load_default() if not t.product]


@given(st.lists(st.tuples(_single, _single, _bodies), max_size=4))
def test_any_templates_round_trip_byte_for_byte(extra: list[tuple[str, str, str]]) -> None:
    templates = base() + [
        Template("custom_" + str(i), product, name, subject, body)
        for i, (product, name, subject, body) in enumerate(
            (p, n, s, b) for (p, s, b), n in zip(extra, ["N"] * len(extra), strict=True)
        )
    ]
    text = dump(templates)
    assert load(text) == templates
    assert dump(load(text)) == text


def test_the_shipped_file_is_canonical() -> None:
    shipped = load_default()
    assert {t.key for t in shipped} == set(TEMPLATE_KEYS)
    assert load(dump(shipped)) == shipped


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (
            ("subject: Thanks for getting in touch, {first_name}", "subject: Hi {frist_name}"),
            5,
            "unknown placeholder {frist_name}",
        ),
        (("name: Follow-up", "colour: blue"), 19, "unknown field 'colour'"),
        (("[template nurture_check_in]", "[template Nurture]"), 31, "is not a template key"),
        (("[template hand_over]", "[tempalte hand_over]"), 43, "cannot read the section header"),
        (
            ("Thank you for reaching out to us.", "Thank you {for reaching"),
            9,
            "braces do not match",
        ),
    ],
)
def test_a_broken_file_names_its_line(change: tuple[str, str], line: int, reason: str) -> None:
    text = dump(load_default())
    assert change[0] in text
    broken = text.replace(change[0], change[1], 1)
    with pytest.raises(TemplateFileError) as info:
        load(broken)
    where = broken[: broken.index(change[1])].count("\n") + 1
    assert info.value.line == where == line, str(info.value)
    assert reason in str(info.value)


def test_a_file_without_a_needed_template_says_which() -> None:
    text = dump([t for t in load_default() if t.key != "hand_over"])
    with pytest.raises(TemplateFileError, match="no template 'hand_over' for every product"):
        load(text)


def test_a_duplicate_is_named_with_both_lines() -> None:
    text = dump(load_default() + [load_default()[0]])
    with pytest.raises(
        TemplateFileError,
        match=r"a second template 'first_reply' for every product \(the first is on line 3\)",
    ):
        load(text)
