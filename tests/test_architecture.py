"""Layers by allow-list: each package names what of the project (and which frameworks) it may
import, and no two modules import each other, however indirectly.

Every import counts: at the top of a module, inside a function, under TYPE_CHECKING, relative
(`from ..store import models`), through the package (`from repdesk import ui`), and calls of
`importlib.import_module` / `__import__` with a literal name (a computed name fails: it cannot be
checked). The checker is tested on planted trees below, so a rule that stops seeing fails too.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "repdesk"

#: The layer of each top-level part of the package; `root` is the composition root and the entry
#: points (app.py, launch.py, cli.py, __main__.py), which wire everything and may import anything.
LAYERS = {
    "core": "core",
    "formats": "formats",
    "store": "store",
    "migrations": "store",  # Alembic's environment and revisions ship with the store
    "services": "services",
    "ui": "ui",
    "commands": "commands",
}

#: What each layer may import of the project, by layer.
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "formats": frozenset({"core", "formats"}),
    "store": frozenset({"core", "store"}),
    "services": frozenset({"core", "store", "formats", "services"}),
    "ui": frozenset({"core", "services", "ui"}),
    "commands": frozenset({"core", "services", "commands"}),
}

#: Single names a layer may import from a module it may not otherwise import, one by one.
NAMED: dict[str, frozenset[tuple[str, str]]] = {
    "ui": frozenset(
        {
            # The error a failed open of the database raises (the app's start says it).
            ("repdesk.store.errors", "StoreError"),
            # A write refused on a workspace opened read-only: background writers stop on it.
            ("repdesk.store.errors", "ReadOnlyError"),
            # repdesk.ui.build_main_window (embedding) opens its workspace as the CLI does.
            ("repdesk.launch", "open_for_embedding"),
        }
    ),
    "commands": frozenset(),
}
#: The version string in repdesk/__init__.py: anyone may show it.
EVERYONE = frozenset({("repdesk", "__version__")})

#: The frameworks, and the only layers that may import them.
FRAMEWORKS: dict[str, frozenset[str]] = {
    "PySide6": frozenset({"ui"}),
    "shiboken6": frozenset({"ui"}),
    "sqlalchemy": frozenset({"store", "services", "root"}),
    "alembic": frozenset({"store", "root"}),
    "psycopg": frozenset({"store"}),
    "keyring": frozenset({"services"}),
    "caldav": frozenset({"services"}),
}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    line: int
    target: str  # the project module it resolves to, or the external module as written
    name: str | None  # the single name taken from `target` (None: the module itself)
    external: bool


def modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its __init__)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def imports_of(
    name: str, path: Path, known: dict[str, Path], package: str = PACKAGE
) -> Iterator[Import]:
    """Every import in the module `name`, resolved to project modules where they are ones."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    here = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def resolve(dotted: str, line: int) -> Iterator[tuple[str, str | None, bool]]:
        if dotted != package and not dotted.startswith(package + "."):
            yield dotted, None, True
        elif dotted in known:
            yield dotted, None, False
        else:
            raise AssertionError(f"{path}:{line} imports {dotted}, which does not exist")

    def absolute(level: int, module: str | None, line: int) -> str:
        if not level:
            return module or ""
        base = here.split(".")
        if level - 1 > len(base) - 1:
            raise AssertionError(f"{path}:{line}: relative import above the package")
        base = base[: len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        found: list[tuple[str, str | None, bool]] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                found += resolve(alias.name, line)
        elif isinstance(node, ast.ImportFrom):
            source = absolute(node.level, node.module, line)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in known:  # `from repdesk import ui`, `from . import x`
                    found.append((submodule, None, False))
                elif alias.name == "*":
                    found += resolve(source, line)
                else:
                    for target, _, external in resolve(source, line):
                        found.append((target, None if external else alias.name, external))
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__"):
                text = _literal(node.args[0] if node.args else None)
                if text is None:
                    raise AssertionError(
                        f"{path}:{line}: {called} with a name computed at run time"
                    )
                if text.startswith("."):
                    anchor = next(
                        (_literal(k.value) for k in node.keywords if k.arg == "package"), None
                    ) or (_literal(node.args[1]) if len(node.args) > 1 else None)
                    dots = len(text) - len(text.lstrip("."))
                    base = (anchor or here).split(".")
                    text = ".".join(base[: len(base) - (dots - 1)] + [text.lstrip(".")])
                found += resolve(text, line)
        for target, imported, external in found:
            yield Import(name, line, target, imported, external)


def layer_of(module: str, package: str = PACKAGE) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    return LAYERS.get(parts[1], "root")


def violations(root: Path = ROOT, package: str = PACKAGE) -> list[str]:
    """Imports that break a layer's allow-list or a framework's confinement."""
    known = modules(root, package)
    found = []
    for name, path in known.items():
        layer = layer_of(name, package)
        for imp in imports_of(name, path, known, package):
            where = f"{path.relative_to(root)}:{imp.line}"
            if imp.external:
                top = imp.target.split(".")[0]
                if top in FRAMEWORKS and layer not in FRAMEWORKS[top]:
                    found.append(f"{where}: {layer} may not import {imp.target}")
                continue
            if layer == "root":
                continue
            target_layer = layer_of(imp.target, package)
            if target_layer in ALLOWED.get(layer, frozenset()):
                continue
            pair = (imp.target.replace(package, PACKAGE, 1), imp.name or "")
            if pair in EVERYONE or pair in NAMED.get(layer, frozenset()):
                continue
            what = f"{imp.target}.{imp.name}" if imp.name else imp.target
            found.append(f"{where}: {layer} may not import {what} ({target_layer})")
    return found


def cycles(root: Path = ROOT, package: str = PACKAGE) -> list[list[str]]:
    """Groups of modules that import one another (strongly connected components, Tarjan)."""
    known = modules(root, package)
    edges = {
        name: {i.target for i in imports_of(name, path, known, package) if not i.external} - {name}
        for name, path in known.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(known)))
    try:
        for node in sorted(known):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return groups


def test_every_layer_imports_only_what_it_may() -> None:
    found = violations()
    assert not found, "\n".join(found)


def test_no_modules_import_each_other() -> None:
    found = cycles()
    assert not found, "\n".join(" ↔ ".join(group) for group in found)


def test_every_part_of_the_package_has_a_layer() -> None:
    tops = {
        p.name for p in (ROOT / PACKAGE).iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    assert tops == set(LAYERS), tops ^ set(LAYERS)


# -- the checker itself, on planted trees ---------------------------------------------------------


def plant(tmp_path: Path, files: dict[str, str]) -> Path:
    """A package `pkg` shaped like repdesk (core, services, ui …) with the given modules."""
    for layer in LAYERS:
        (tmp_path / "pkg" / layer).mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / layer / "__init__.py").write_text('"""Layer."""\n')
    (tmp_path / "pkg" / "__init__.py").write_text('__version__ = "1"\n')
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"core/rule.py": "from pkg.ui import page\n", "ui/page.py": ""}, "core may not import"),
        (
            {"core/rule.py": "from ..store import models\n", "store/models.py": ""},
            "pkg.store.models",
        ),
        ({"core/rule.py": "from pkg import services\n"}, "core may not import pkg.services"),
        (
            {"core/rule.py": "import importlib\nimportlib.import_module('pkg.ui')\n"},
            "core may not import pkg.ui",
        ),
        ({"core/rule.py": "__import__('pkg.formats')\n"}, "core may not import pkg.formats"),
        (
            {"formats/f.py": "def later():\n    from pkg.services import s\n", "services/s.py": ""},
            "formats may not import pkg.services.s",
        ),
        (
            {
                "store/s.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                "    from pkg.formats import f\n",
                "formats/f.py": "",
            },
            "store may not import pkg.formats.f",
        ),
        (
            {"services/s.py": "from PySide6.QtCore import QObject\n"},
            "services may not import PySide6",
        ),
        ({"ui/page.py": "from sqlalchemy.orm import Session\n"}, "ui may not import sqlalchemy"),
        (
            {"ui/page.py": "from pkg.store.models import LeadRecord\n", "store/models.py": ""},
            "ui may not import pkg.store.models.LeadRecord",
        ),
        (
            {
                "ui/page.py": "from pkg.store import errors\n",
                "store/errors.py": "class StoreError: ...\n",
            },
            "ui may not import pkg.store.errors (store)",
        ),
        (
            {"commands/c.py": "from pkg.app import open_workspace\n", "app.py": ""},
            "commands may not import pkg.app.open_workspace",
        ),
        (
            {"commands/c.py": "from pkg.formats.f import x\n", "formats/f.py": "x = 1\n"},
            "commands may not import pkg.formats.f.x",
        ),
    ],
)
def test_the_check_sees_each_kind_of_forbidden_import(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    found = violations(plant(tmp_path, files), "pkg")
    assert any(expected in line for line in found), found


def test_the_check_lets_the_allowed_imports_through(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "core/rule.py": "from . import other\nfrom pkg import __version__\n",
            "core/other.py": "",
            "services/s.py": "from pkg.core import rule\nfrom sqlalchemy import select\n",
            "store/errors.py": "class StoreError(Exception): ...\n",
            "ui/page.py": "from pkg.services import s\nfrom pkg.store.errors import StoreError\n",
            "app.py": "from pkg.ui import page\nfrom pkg.store import errors\n",
        },
    )
    assert violations(root, "pkg") == []


def test_the_check_refuses_a_computed_or_missing_module(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="computed at run time"):
        violations(
            plant(tmp_path / "a", {"ui/p.py": "import importlib as i\ni.import_module(x)\n"}), "pkg"
        )
    with pytest.raises(AssertionError, match="does not exist"):
        violations(plant(tmp_path / "b", {"ui/p.py": "from pkg.ui.nowhere import thing\n"}), "pkg")


def test_the_check_finds_a_cycle_however_it_is_made(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "ui/window.py": "from pkg.ui import pages\n",
            "ui/pages.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from .actions import Menu\n",
            "ui/actions.py": "def build():\n    from pkg.ui.window import Window\n",
            "ui/alone.py": "from pkg.ui import pages\n",
        },
    )
    assert cycles(root, "pkg") == [["pkg.ui.actions", "pkg.ui.pages", "pkg.ui.window"]]
