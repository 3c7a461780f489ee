"""Saving the script from a stale view: a part someone else stored a newer version of is refused
with who and when (then mine is kept on top, or theirs reloaded); a part this save did not change
keeps theirs. On a solo file's second window and between two real manager logins."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from repdesk.app import open_workspace
from repdesk.services.script.script_service import ScriptBundle, StaleScriptError
from tests.fixtures.team import Team

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _renamed(bundle: ScriptBundle, name: str) -> ScriptBundle:
    """The bundle with its first set renamed (an edit of that set)."""
    return ScriptBundle((replace(bundle.sets[0], name=name), *bundle.sets[1:]), bundle.rules)


def _with_default(bundle: ScriptBundle, verdict: str) -> ScriptBundle:
    from repdesk.core.domain import Verdict

    return ScriptBundle(bundle.sets, replace(bundle.rules, default=Verdict(verdict)))


def test_a_stale_save_keeps_what_it_did_not_change_and_refuses_what_both_changed(
    sqlite_url: str,
) -> None:
    one = open_workspace(sqlite_url, clock=lambda: NOW)
    two = open_workspace(sqlite_url, clock=lambda: NOW)
    try:
        seen = one.scripts.current()  # window one starts editing
        first = seen.bundle.sets[0]
        theirs = two.scripts.current()
        two.scripts.save_bundle(
            _renamed(theirs.bundle, "Their core questions"), seen=theirs.versions
        )
        # One changes only the rules: their renamed set is not reverted.
        mine = _with_default(seen.bundle, "not_a_fit")
        result = one.scripts.save_bundle(mine, seen=seen.versions)
        assert (result.new_versions, result.rules_version) == ({}, seen.versions.rules + 1)
        now = one.scripts.current().bundle
        assert (now.sets[0].name, now.rules.default.value) == (
            "Their core questions",
            "not_a_fit",
        )
        # One renames the same set from its stale view: refused, nothing stored.
        renamed = _renamed(mine, "My core questions")
        with pytest.raises(StaleScriptError) as caught:
            one.scripts.save_bundle(renamed, seen=seen.versions)
        assert str(caught.value).startswith(
            f"Someone stored the set Their core questions v{first.version + 1} at "
        )
        assert str(caught.value).endswith("while you were editing; nothing was saved.")
        assert one.scripts.versions(first.key) == [first.version, first.version + 1]
        # Keep mine: saved on top of theirs, as a new version.
        one.scripts.save_bundle(renamed, seen=caught.value.current)
        assert one.scripts.current().bundle.sets[0].name == "My core questions"
        assert one.scripts.versions(first.key)[-1] == first.version + 2
    finally:
        one.close()
        two.close()


def test_without_a_view_an_import_replaces_as_before(sqlite_url: str) -> None:
    ws = open_workspace(sqlite_url, clock=lambda: NOW)
    try:
        stale = ws.scripts.current().bundle
        ws.scripts.save_bundle(_renamed(stale, "Renamed"))
        ws.scripts.save_bundle(_renamed(stale, "Renamed again"))  # no `seen`: newest stored
        assert ws.scripts.current().bundle.sets[0].name == "Renamed again"
    finally:
        ws.close()


@pytest.mark.integration
def test_two_managers_saving_the_same_set_at_once_one_wins_the_other_is_told_who(
    team: Team,
) -> None:
    from tests.services.team.test_no_lost_updates import _at_once

    mia = open_workspace(team.url_for("mia"), clock=lambda: NOW)
    owner = open_workspace(team.owner_url, clock=lambda: NOW)
    try:
        seen = owner.scripts.current()
        mia.scripts.save_bundle(_renamed(seen.bundle, "Mia's questions"), seen=seen.versions)
        with pytest.raises(StaleScriptError, match=r"^Mia Novak stored the set Mia's questions v"):
            owner.scripts.save_bundle(_renamed(seen.bundle, "Owner's"), seen=seen.versions)
        key = seen.bundle.sets[0].key
        for round_ in range(5):
            seen = owner.scripts.current()
            views = seen.versions
            hers, its = _renamed(seen.bundle, f"Mia {round_}"), _renamed(seen.bundle, f"O {round_}")
            results = _at_once(
                lambda b=hers, v=views: mia.scripts.save_bundle(b, seen=v),
                lambda b=its, v=views: owner.scripts.save_bundle(b, seen=v),
            )
            errors = [r for r in results if isinstance(r, Exception)]
            assert len(errors) == 1 and isinstance(errors[0], StaleScriptError), results
            assert owner.scripts.versions(key)[-1] == seen.versions.sets[key] + 1  # one stored
    finally:
        owner.close()
        mia.close()
