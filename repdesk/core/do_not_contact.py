"""Do not contact: what the mark refuses, and the one sentence that says so (UI, CLI, services)."""

from __future__ import annotations

from repdesk.core.domain import ActivityKind

#: What nobody may do to a lead marked do not contact (a note or a meeting they asked for is fine).
REFUSED_KINDS = frozenset({ActivityKind.CALL, ActivityKind.EMAIL})


def refusal(name: str) -> str:
    """Why a call or an email to `name` is refused, in one sentence."""
    return f"{name} is marked do not contact: clear the mark before calling or emailing them."
