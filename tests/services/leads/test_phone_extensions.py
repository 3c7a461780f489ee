"""A phone's extension ("x12") is kept through an import and an edit (issue 21.6)."""

from __future__ import annotations

from pathlib import Path

from repdesk.app import Workspace


def test_an_imported_extension_is_kept_and_an_edit_keeps_it_too(
    workspace: Workspace, tmp_path: Path
) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text(
        "First Name,Last Name,Email,Phone\nDana,Reyes,dana@example.com,(614) 555-0120 x12\n",
        encoding="utf-8",
    )
    summary = workspace.imports.import_files([csv])
    assert summary.added == 1
    (lead,) = workspace.leads.list_leads()
    assert (lead.phone, lead.phone_ext) == ("+16145550120", "12")  # the number stays the key
    workspace.leads.update_lead(lead.id, {"phone": "614-555-0120 ext. 34"})
    edited = workspace.leads.detail(lead.id)
    assert (edited.lead.phone, edited.lead.phone_ext) == ("+16145550120", "34")
    edit = edited.activities[0]
    assert edit.kind == "edit" and edit.body == "Extension: 12 → 34"
