"""Replies, automatic answers and delivery reports told apart, from real-shaped messages."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repdesk.core.email_rules import asks_to_stop, own_words
from repdesk.formats.mail_reply import AUTO_REPLY, BOUNCE, REPLY, read_inbound
from tests.services.email import samples

OURS = "<4f1c0c7e9d2b.repdesk@shop.test>"


def test_a_gmail_reply_answers_our_message() -> None:
    m = read_inbound(samples.gmail_reply(OURS))
    assert (m.kind, m.sender, m.refers_to) == (REPLY, "jane@acme.test", (OURS,))
    assert m.message_id == "<CAF2j8Q=xYz0kW1pQ@mail.gmail.com>"
    assert own_words(m.text) == "Thanks Sam, Tuesday at 10 works for us."


def test_an_outlook_reply_without_thread_headers_is_known_by_its_sender() -> None:
    m = read_inbound(samples.outlook_reply_without_thread_headers("Yes please, call me."))
    assert (m.kind, m.sender, m.refers_to) == (REPLY, "jane@acme.test", ())
    assert own_words(m.text) == "Yes please, call me."


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (samples.gmail_vacation(OURS), "Auto-Submitted: auto-replied"),
        (samples.exchange_out_of_office(OURS), "Outlook automatic reply"),
    ],
)
def test_automatic_answers_are_not_replies(raw: bytes, why: str) -> None:
    m = read_inbound(raw)
    assert (m.kind, m.why_automatic) == (AUTO_REPLY, why)
    assert m.refers_to == (OURS,)


def test_a_postfix_bounce_names_the_address_and_our_message() -> None:
    m = read_inbound(samples.postfix_bounce(OURS))
    assert m.kind == BOUNCE and m.bounce is not None
    assert m.bounce.recipients == ("jane@acme.test",)
    assert m.bounce.original_message_id == OURS and OURS in m.refers_to
    assert m.bounce.status == "5.1.1"
    assert "User unknown" in m.bounce.diagnostic


def test_an_exchange_report_is_a_bounce_and_a_delay_is_not() -> None:
    m = read_inbound(samples.exchange_ndr())
    assert m.kind == BOUNCE and m.bounce is not None
    assert (m.bounce.recipients, m.bounce.status) == (("jane@acme.test",), "5.1.10")
    delayed = read_inbound(samples.postfix_delay(OURS))
    assert delayed.kind == AUTO_REPLY and delayed.bounce is None


@pytest.mark.parametrize(
    ("text", "stop"),
    [
        ("Please remove me from your list.", True),
        ("UNSUBSCRIBE", True),
        ("Stop emailing me, we bought elsewhere.", True),
        ("Don't contact me again", True),
        ("Sounds good, Tuesday works.", False),
        ("Thanks!\n\nOn Mon, Sam wrote:\n> reply stop to unsubscribe", False),
        ("We will not stop until this is solved: call me.", False),
    ],
)
def test_a_reply_asking_to_stop_is_recognised_in_their_own_words(text: str, stop: bool) -> None:
    assert asks_to_stop(text) is stop


@given(st.binary(max_size=400))
def test_any_bytes_are_read_without_raising(raw: bytes) -> None:
    m = read_inbound(raw)
    assert m.kind in (REPLY, AUTO_REPLY, BOUNCE)


def test_a_mail_with_broken_headers_stays_readable() -> None:
    msg = EmailMessage()
    msg["From"] = "=?bogus?q?Jane?= <jane@acme.test>"
    msg["Subject"] = "=?utf-8?b?not base64!?="
    msg["In-Reply-To"] = "garbage <no-id"
    msg.set_content("hello")
    m = read_inbound(bytes(msg))
    assert (m.kind, m.sender, m.refers_to) == (REPLY, "jane@acme.test", ())
