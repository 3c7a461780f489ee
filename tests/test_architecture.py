"""Layering: core is pure; no layer below ui imports Qt; core never reaches into store or
SQLAlchemy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "repdesk"

FORBIDDEN = {
    "core": (
        "PySide6",
        "sqlalchemy",
        "alembic",
        "repdesk.store",
        "repdesk.services",
        "repdesk.ui",
        "repdesk.formats",
    ),
    "store": ("PySide6", "repdesk.ui", "repdesk.services"),
    "formats": ("PySide6", "repdesk.ui", "repdesk.store", "repdesk.services"),
    "services": ("PySide6", "repdesk.ui"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    offenders = []
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"layer {layer} has no modules"
    for path in files:
        for module in imported_modules(path):
            if module.startswith(FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport sqlalchemy.orm\n")
    assert {"PySide6.QtCore", "sqlalchemy.orm"} <= imported_modules(bad)
