"""Dedupe rules: one person by a stable id, an e-mail, a phone or name + company; a shared phone
never makes colleagues one person; every rule is symmetric."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.dedupe import Identity, Match, compare, name_key, phone_key
from repdesk.core.phones import Phone


def person(**values: object) -> Identity:
    return Identity(
        emails=frozenset(values.get("emails", ())),  # type: ignore[arg-type]
        phones=frozenset(values.get("phones", ())),  # type: ignore[arg-type]
        keys=frozenset(values.get("keys", ())),  # type: ignore[arg-type]
        first=str(values.get("first", "")),
        last=str(values.get("last", "")),
        company=str(values.get("company", "")),
    )


SWITCHBOARD = "+12125550100"


def test_an_email_or_a_stable_id_is_one_person() -> None:
    assert compare(person(emails={"a@x.example"}), person(emails={"a@x.example"})) is Match.SAME
    moved = person(keys={"hubspot:1"}, emails={"new@x.example"})
    assert compare(moved, person(keys={"hubspot:1"}, emails={"old@x.example"})) is Match.SAME


def test_colleagues_at_one_switchboard_are_never_one_person() -> None:
    hannah = person(first="Hannah", last="Okoro", emails={"h@n.example"}, phones={SWITCHBOARD})
    felix = person(first="Felix", last="Brandt", emails={"f@n.example"}, phones={SWITCHBOARD})
    assert compare(hannah, felix) is Match.POSSIBLE
    nameless = person(first="Felix", last="Brandt", phones={SWITCHBOARD})
    assert compare(hannah, nameless) is Match.POSSIBLE  # the names clearly differ
    assert compare(hannah, person(phones={SWITCHBOARD})) is Match.SAME


def test_different_records_of_one_crm_sharing_a_phone_are_only_possibly_one() -> None:
    a = person(keys={"hubspot:1"}, phones={SWITCHBOARD})
    b = person(keys={"hubspot:2"}, phones={SWITCHBOARD})
    assert compare(a, b) is Match.POSSIBLE


def test_name_and_company_when_nothing_else_identifies() -> None:
    linkedin = person(first="Priya", last="Raman", company="Raman Design", keys={"linkedin:in/p"})
    crm = person(first="Priya", last="Raman", company="Raman design", emails={"p@r.example"})
    assert compare(linkedin, crm) is Match.SAME
    other = person(first="Priya", last="Raman", company="Raman Design", emails={"q@r.example"})
    assert compare(crm, other) is Match.POSSIBLE
    assert compare(person(first="Priya", last="Raman"), person(first="Priya", last="Raman")) is (
        Match.DIFFERENT
    )


def test_an_initial_is_not_a_different_name() -> None:
    assert (
        compare(
            person(first="J", last="Smith", phones={SWITCHBOARD}),
            person(first="John", last="Smith", phones={SWITCHBOARD}),
        )
        is Match.SAME
    )


def test_keys_of_names_and_phones() -> None:
    assert name_key("Ána", "Ruiz", "Ruiz Co.") == "ana ruiz|ruiz co"
    assert name_key("Ana", "", "Ruiz Co") == ""
    assert name_key("", "", "Acme Widgets, Inc.") == "|acme widgets inc"
    assert name_key("", "", "") == ""
    assert phone_key(Phone("+12125550100", "work", "752")) == "+12125550100;752"
    assert phone_key(Phone("+12125550100", "company")) is None
    assert phone_key(Phone("call me", "main", valid=False)) is None


WORDS = st.sampled_from(["", "ana", "bo", "J", "John", "Smith", "Acme", "acme"])
identities = st.builds(
    Identity,
    emails=st.frozensets(st.sampled_from(["a@x.example", "b@x.example"]), max_size=2),
    phones=st.frozensets(st.sampled_from(["+12125550100", "+12125550101"]), max_size=2),
    keys=st.frozensets(st.sampled_from(["hubspot:1", "hubspot:2", "uid:9"]), max_size=2),
    first=WORDS,
    last=WORDS,
    company=WORDS,
)


@given(identities, identities)
def test_dedupe_is_symmetric(a: Identity, b: Identity) -> None:
    assert compare(a, b) is compare(b, a)


@given(identities)
def test_a_record_with_anything_to_go_by_is_itself(a: Identity) -> None:
    if a.emails or a.phones or a.keys or a.name_key:
        assert compare(a, a) is Match.SAME
