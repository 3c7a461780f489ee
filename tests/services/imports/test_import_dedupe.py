"""Who is one person across imports: nobody merged into a colleague, stable ids and name + company
recognised, a second import of any file adds nothing, and splitting a file into two imports gives
the same leads as one."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from repdesk.app import Workspace
from repdesk.store.models import (
    ActivityRecord,
    LeadKeyRecord,
    LeadRecord,
    PossibleDuplicateRecord,
)

DATA = Path(__file__).resolve().parents[2] / "formats" / "data"


def table_counts(ws: Workspace) -> tuple[int, ...]:
    with ws.sessions() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (LeadRecord, ActivityRecord, LeadKeyRecord, PossibleDuplicateRecord)
        )


def test_colleagues_at_one_switchboard_are_all_kept(any_workspace: Workspace) -> None:
    ws = any_workspace
    summary = ws.imports.import_files([DATA / "hubspot_contacts_companies.csv"])
    assert (summary.added, summary.merged) == (7, 0)
    people = {lead.first_name: lead for lead in ws.leads.list_leads()}
    assert len(people) == 7
    assert people["Hannah"].phone == people["Felix"].phone == "+12125550100"
    pairs = ws.services.duplicates.open_pairs()
    names = sorted(tuple(sorted((p.first.name, p.second.name))) for p in pairs)
    # Hannah and Felix share the switchboard as their own phone: a pair for the rep to look at.
    # Keiko's extension makes her number her own; the company phone column is nobody's.
    assert names == [("Felix Brandt", "Hannah Okoro")]
    assert pairs[0].reason == "same phone +12125550100"


def test_every_kind_of_file_imported_twice_adds_nothing_the_second_time(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    files = sorted(DATA.iterdir())
    first = [ws.imports.import_files([path]) for path in files]
    assert all(not s.rejected for s in first)
    after = table_counts(ws)
    again = [ws.imports.import_files([path]) for path in files]
    assert [s.added for s in again] == [0] * len(files)
    assert table_counts(ws) == after  # no lead, activity, key or duplicate pair twice
    assert [s.import_id for s in again] == [None] * len(files)


def test_a_crm_record_id_finds_the_person_whose_email_changed(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "hubspot.csv"
    header = "Record ID,First Name,Last Name,Email,Contact owner,Lifecycle Stage\n"
    path.write_text(header + "9001,Ana,Ruiz,ana@old.example,,lead\n", encoding="utf-8")
    workspace.imports.import_files([path])
    path.write_text(header + "9001,Ana,Ruiz,ana@new.example,,customer\n", encoding="utf-8")
    summary = workspace.imports.import_files([path])
    assert (summary.added, summary.merged) == (0, 1)
    [ana] = workspace.leads.list_leads()
    assert ana.email == "ana@old.example"
    again = tmp_path / "again.csv"  # found by the e-mail the merge learned, too
    again.write_text("Name,Email\nAna Ruiz,ana@new.example\n", encoding="utf-8")
    assert workspace.imports.import_files([again]).added == 0


def test_a_vcard_uid_finds_its_card_again(workspace: Workspace, tmp_path: Path) -> None:
    card = "BEGIN:VCARD\nVERSION:3.0\nUID:card-1\nFN:Bo Li\nEMAIL:{}\nEND:VCARD\n"
    path = tmp_path / "book.vcf"
    path.write_text(card.format("bo@one.example"), encoding="utf-8")
    workspace.imports.import_files([path])
    path.write_text(card.format("bo@two.example"), encoding="utf-8")
    assert workspace.imports.import_files([path]).added == 0
    assert len(workspace.leads.list_leads()) == 1


def test_linkedin_people_are_found_by_name_and_company(
    workspace: Workspace, tmp_path: Path
) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "First Name,Last Name,Email,Company\nPriya,Raman,priya@raman.example,Raman Design Studio\n",
        encoding="utf-8",
    )
    workspace.imports.import_files([crm])
    summary = workspace.imports.import_files([DATA / "linkedin_connections.csv"])
    assert (summary.added, summary.merged) == (3, 1)
    assert workspace.imports.import_files([DATA / "linkedin_connections.csv"]).added == 0


PEOPLE = [
    ("Ana", "Ruiz", "ana@x.example", "+16145550101", "Ruiz Co"),
    ("Ana", "Ruiz", "", "+16145550101", ""),
    ("Bo", "Li", "bo@x.example", "+16145550102", "Li Ltd"),
    ("Bo", "Li", "bo.li@y.example", "", "Li Ltd"),
    ("Cy", "Ode", "cy@x.example", "+16145550102", ""),
    ("Di", "Eff", "", "+16145550103", "Eff AG"),
    ("Di", "Eff", "di@x.example", "", "Eff AG"),
    ("Ed", "Gee", "ana@x.example", "", ""),
    ("", "", "", "+16145550104", "Switch Co"),
]


def _csv(rows: list[tuple[str, str, str, str, str]]) -> str:
    lines = ["First Name,Last Name,Email,Phone,Company"]
    lines += [",".join(row) for row in rows]
    return "\n".join(lines) + "\n"


def _leads(ws: Workspace) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    leads = sorted(
        (lead.first_name, lead.last_name, lead.email, lead.phone, lead.company)
        for lead in ws.leads.list_leads()
    )
    pairs = sorted(
        tuple(sorted((p.first.name, p.second.name))) for p in ws.services.duplicates.open_pairs()
    )
    return leads, pairs


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=9),
    cut=st.integers(min_value=0, max_value=9),
)
def test_splitting_a_file_into_two_imports_gives_the_same_leads(
    tmp_path_factory: object, rows: list[tuple[str, str, str, str, str]], cut: int
) -> None:
    from repdesk.app import open_workspace
    from repdesk.store.locations import resolve_url

    folder = Path(str(tmp_path_factory.mktemp("split")))  # type: ignore[attr-defined]
    whole, halves = folder / "whole.sqlite3", folder / "halves.sqlite3"
    one = open_workspace(resolve_url(str(whole)))
    two = open_workspace(resolve_url(str(halves)))
    try:
        (folder / "all.csv").write_text(_csv(rows), encoding="utf-8")
        (folder / "a.csv").write_text(_csv(rows[:cut]), encoding="utf-8")
        (folder / "b.csv").write_text(_csv(rows[cut:]), encoding="utf-8")
        one.imports.import_files([folder / "all.csv"])
        for part in ("a.csv", "b.csv"):
            if (folder / part).read_text().count("\n") > 1:
                two.imports.import_files([folder / part])
        assert _leads(one) == _leads(two)
    finally:
        one.close()
        two.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_row_that_names_only_a_company_is_found_again(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("Name,Email,Company\n,,Acme Widgets\n,,Beta Bakery\n", encoding="utf-8")
    assert workspace.imports.import_files([path]).added == 2
    again = workspace.imports.import_files([path])
    assert (again.added, again.merged) == (0, 2)
    # A person at that company is someone else: kept apart.
    person = tmp_path / "person.csv"
    person.write_text("Name,Email,Company\nTom Reed,,Acme Widgets\n", encoding="utf-8")
    assert workspace.imports.import_files([person]).added == 1
