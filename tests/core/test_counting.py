"""A count and its noun agree: one rule for every message (core.counting)."""

from __future__ import annotations

import pytest

from repdesk.core.counting import counted


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 leads"), (1, "1 lead"), (2, "2 leads"), (1200, "1,200 leads")],
)
def test_a_count_takes_the_noun_in_its_number(count: int, expected: str) -> None:
    assert counted(count, "lead") == expected


def test_an_irregular_plural_is_named() -> None:
    assert counted(1, "activity", "activities") == "1 activity"
    assert counted(3, "activity", "activities") == "3 activities"
