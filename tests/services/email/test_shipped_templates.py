"""The shipped templates say only what is true when they are sent: the follow-up goes out on a
cadence whether or not anyone reached the lead, so it does not speak of a conversation."""

from __future__ import annotations

from repdesk.app import Workspace

#: Words that presume a call or a meeting took place.
PRESUMED_CONTACT = ("conversation", "our call", "we spoke", "we talked", "speaking with you")


def test_the_follow_up_does_not_presume_a_call_took_place(workspace: Workspace) -> None:
    (follow_up,) = [t for t in workspace.templates.all() if t.key == "follow_up" and not t.product]
    text = f"{follow_up.subject}\n{follow_up.body}".lower()
    assert [words for words in PRESUMED_CONTACT if words in text] == []
    assert "follow up" in text  # still the follow-up
