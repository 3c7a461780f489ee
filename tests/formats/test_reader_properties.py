"""Property tests for the readers that take outside text: form emails and cadence files never fail
with anything but their own one-sentence error, and what they do read is right."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.formats.cadence_file import CadenceFileError, load_default_cadences, parse_cadences
from repdesk.formats.form_email import parse_form_email

FIELD_TEXT = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(lambda s: s and ":" not in s)
)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4000))
def test_any_bytes_as_an_email_never_raise(raw: bytes) -> None:
    parsed = parse_form_email(raw)
    assert parsed.lead.problem is None or parsed.lead.problem.strip()
    assert all(isinstance(note, str) and note for note in parsed.notes)


# A first word that is a title ("Dr Aa") is dropped by split_name, as it should be: not a first
# name.
TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "mx"})


@settings(max_examples=100, deadline=None)
@given(
    first=st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True).filter(
        lambda s: s.lower() not in TITLES
    ),
    last=st.from_regex(r"[A-Z][a-z]{1,12}", fullmatch=True),
    user=st.from_regex(r"[a-z]{1,10}", fullmatch=True),
    message=FIELD_TEXT,
)
def test_a_field_value_form_gives_back_its_person(
    first: str, last: str, user: str, message: str
) -> None:
    body = f"Name: {first} {last}\r\nEmail: {user}@example.org\r\nMessage: {message}\r\n"
    raw = (
        "From: Site <noreply@site.test>\r\nSubject: New form entry\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
    ).encode("utf-8")
    lead = parse_form_email(raw).lead
    assert lead.problem is None
    assert (lead.fields["first_name"], lead.fields["last_name"]) == (first, last)
    assert lead.fields["email"] == f"{user}@example.org"
    assert message in lead.fields.get("message", "")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_any_text_as_a_cadence_file_is_read_or_refused_in_one_sentence(text: str) -> None:
    try:
        parse_cadences(text)
    except CadenceFileError as exc:
        message = str(exc)
        assert message and "\n" not in message and message.endswith(".")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 400) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaging_the_default_cadence_file_is_refused_or_still_valid(data: st.DataObject) -> None:
    document = json.loads(_default_text())
    cadence = data.draw(st.sampled_from(document["cadences"]))
    key = data.draw(st.sampled_from(sorted(cadence)))
    cadence[key] = data.draw(JSONISH)
    try:
        cadences = parse_cadences(json.dumps(document))
    except CadenceFileError as exc:
        assert str(exc).endswith(".")
        return
    assert all(c.steps for c in cadences)  # whatever is accepted still plans at least one step


def _default_text() -> str:
    from importlib import resources

    return (resources.files("repdesk.resources") / "cadences.json").read_text(encoding="utf-8")


def test_the_default_cadences_load() -> None:
    assert {c.key for c in load_default_cadences()} >= {
        "new_inquiry",
        "nurture",
        "not_a_fit",
        "qualified",
    }
