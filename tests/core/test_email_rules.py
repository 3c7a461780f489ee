"""Pure email rules: placeholders, the template that fits a lead, backoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.domain import LeadStatus
from repdesk.core.email_rules import (
    PLACEHOLDERS,
    PlaceholderError,
    fitting_template,
    placeholder_values,
    placeholders_in,
    render,
    retry_delay,
    unfilled,
)


def test_render_fills_what_it_can_and_names_the_rest() -> None:
    text, missing = render("Hi {first_name} at {company}, {{literal}}", {"first_name": "Jane"})
    assert text == "Hi Jane at {company}, {literal}"
    assert missing == ["company"]
    assert unfilled(text) == ["company"]


def test_unknown_or_malformed_placeholders_are_refused() -> None:
    with pytest.raises(PlaceholderError, match=r"unknown placeholder \{nme\}"):
        placeholders_in("Hi {nme}")
    with pytest.raises(PlaceholderError, match="braces do not match"):
        placeholders_in("Hi {first_name")
    with pytest.raises(PlaceholderError, match="unknown placeholder"):
        placeholders_in("{first_name!r}")


@given(st.text(max_size=60))
def test_text_without_braces_renders_to_itself(text: str) -> None:
    plain = text.replace("{", "").replace("}", "")
    assert render(plain, {}) == (plain, [])


@pytest.mark.parametrize(
    ("status", "answered", "replied", "step", "sent", "expected"),
    [
        (LeadStatus.NEW, False, False, "", False, "first_reply"),
        (LeadStatus.NEW, True, False, "", False, "follow_up"),
        (LeadStatus.NEW, True, False, "first_reply", False, "first_reply"),
        (LeadStatus.NEW, True, True, "first_reply", False, "follow_up"),
        (LeadStatus.QUALIFIED, True, False, "", False, "hand_over"),
        (LeadStatus.NURTURE, True, False, "", False, "nurture_check_in"),
        (LeadStatus.NOT_A_FIT, True, False, "", False, "not_a_fit"),
        (LeadStatus.NOT_A_FIT, True, False, "", True, "nurture_check_in"),
        (LeadStatus.CONTACTED, True, False, "", False, "follow_up"),
    ],
)
def test_the_fitting_template(
    status: LeadStatus, answered: bool, replied: bool, step: str, sent: bool, expected: str
) -> None:
    got = fitting_template(
        status, answered=answered, replied=replied, step_template=step, not_a_fit_sent=sent
    )
    assert got == expected


def test_backoff_grows_and_stops_at_fifteen_minutes() -> None:
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays == sorted(delays)
    assert delays[0] == timedelta(seconds=15) and delays[-1] == timedelta(minutes=15)


@dataclass(frozen=True)
class _Lead:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    title: str = ""
    product: str = ""
    message: str = ""


def test_every_placeholder_has_its_value_from_one_place() -> None:
    lead = _Lead(" Ana ", "Díaz", "Acme", "Buyer", "Pumps", "Need 40 pumps")
    values = placeholder_values(lead, challenge="uptime", rep_name="Sam", rep_email="s@x.test")
    assert values.keys() == PLACEHOLDERS.keys()
    assert values["name"] == "Ana Díaz" and values["inquiry"] == "Need 40 pumps"
    assert values["rep_phone"] == ""  # none given: the template keeps "{rep_phone}" for the rep
    text, missing = render("Hi {first_name} from {company}, {rep_phone}", values)
    assert text == "Hi Ana from Acme, {rep_phone}" and missing == ["rep_phone"]
    assert placeholder_values(_Lead(last_name="Díaz"))["name"] == "Díaz"
