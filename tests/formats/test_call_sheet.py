"""The printable call sheet: one page of real PDF with every question, rendered by poppler."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from repdesk.core.form_plan import sheet_questions
from repdesk.formats.call_sheet import call_sheet, page_size
from repdesk.formats.script_file import load_default

POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdfinfo", "pdftotext"))


def _sheet(tmp_path: Path, product: str = "website", region: str = "US") -> Path:
    sets = tuple(replace(s, version=4) for s in load_default().sets)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(call_sheet(sheet_questions(sets, product), region=region))
    return path


@pytest.mark.integration
@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm, pdfinfo, pdftotext) missing")
@pytest.mark.parametrize(
    ("product", "region", "size"),
    [("website", "US", "612 x 792"), ("seo", "DE", "595.276 x 841.89")],
)
def test_the_sheet_is_one_page_with_every_question_and_renders(
    tmp_path: Path, product: str, region: str, size: str
) -> None:
    path = _sheet(tmp_path, product, region)
    assert path.read_bytes().startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Pages:           1" in info.stdout
    assert size in info.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    sets = sheet_questions(load_default().sets, product).questions
    for q in sets:
        assert q.prompt in " ".join(text.split()), q.key
        assert f"[{q.key}]" in text
    assert "This month" in text and "Makes the decision" in text
    assert "only if need = yes" in text
    assert "qualified" in text and "not a fit" in text
    assert "question sets core v4" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000


def test_the_same_sets_give_the_same_bytes(tmp_path: Path) -> None:
    first = _sheet(tmp_path).read_bytes()
    assert _sheet(tmp_path).read_bytes() == first


def test_letter_where_it_is_the_custom() -> None:
    assert page_size("us") == page_size("CA") != page_size("GB")
