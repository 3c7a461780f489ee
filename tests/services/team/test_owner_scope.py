"""Whose leads a view or an export means is one rule (services/team/owner_scope): no other module
writes its own "leads of the rep named X"."""

from __future__ import annotations

from pathlib import Path

import repdesk

PACKAGE = Path(repdesk.__file__).resolve().parent
RULE = PACKAGE / "services" / "team" / "owner_scope.py"


def test_leads_by_their_owner_are_chosen_only_in_owner_scope() -> None:
    elsewhere = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != RULE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "owner_id.in_(" in line
    ]
    assert elsewhere == []  # e.g. export-ics --owner: owner_scope.owned_by


def test_the_rule_is_still_where_it_is_looked_for() -> None:
    assert "owner_id.in_(" in RULE.read_text(encoding="utf-8")  # the scan above would see it
