"""Imports only point down the flow: pages -> app -> views/charts/report ->
metrics/outreach/identity -> ingest -> store -> shared. Read with ast (lazy imports inside
functions included), so an import that runs back up fails here, naming the file and line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "analytics"

# Layer of each top-level part of analytics/: a module may import its own layer or lower.
LAYERS: dict[str, int] = {
    "store": 1,
    "ingest": 2,
    "metrics": 3,
    "outreach": 3,
    "identity": 3,
    "views": 4,
    "charts": 4,
    "report": 4,
    "app": 5,
    "cli": 6,
    "__main__": 6,
}
SHARED = 0  # every other top-level module: filters, formatting, errors, schema, text, ...
PAGES = 7  # pages/ and dashboard.py


def layer_of(module: str) -> int:
    """The layer of a dotted analytics module ("analytics.metrics.periods" -> 3)."""
    parts = module.split(".")
    if parts[0] != "analytics" or len(parts) == 1:
        return SHARED
    return LAYERS.get(parts[1], SHARED)


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts)


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every analytics import in a file, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("analytics")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            base = node.module or ""
            if base != "analytics" and not base.startswith("analytics."):
                continue
            for alias in node.names:
                # `from analytics import metrics` names a package; `from analytics.x import y`
                # may name a submodule or a value: the deeper name decides the layer either way.
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if _is_module(candidate) else base))
    return found


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def violations(files: list[Path], own_layer) -> list[str]:
    out = []
    for path in files:
        mine = own_layer(path)
        for line, target in imported(path):
            if layer_of(target) > mine:
                where = path.relative_to(ROOT)
                out.append(f"{where}:{line} imports {target} (layer {layer_of(target)} > {mine})")
    return out


def test_analytics_imports_only_point_down():
    files = sorted(PACKAGE.rglob("*.py"))
    assert violations(files, lambda p: layer_of(module_name(p))) == []


def test_pages_sit_on_top():
    files = [*sorted((ROOT / "pages").glob("*.py")), ROOT / "dashboard.py"]
    assert violations(files, lambda p: PAGES) == []


def test_the_store_imports_nothing_above_it():
    store = sorted((PACKAGE / "store").rglob("*.py"))
    above = [
        f"{p.relative_to(ROOT)}:{line} {target}"
        for p in store
        for line, target in imported(p)
        if layer_of(target) not in (SHARED, LAYERS["store"])
    ]
    assert above == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from analytics.views import overview\n",
            ["store/x.py:1 imports analytics.views.overview"],
        ),
        (
            "def f():\n    import analytics.app.state\n",
            ["store/x.py:2 imports analytics.app.state"],
        ),
        ("from analytics import identity\n", ["store/x.py:1 imports analytics.identity"]),
        ("from analytics.filters import Filters\n", []),
    ],
)
def test_the_check_sees_an_upward_import(tmp_path, monkeypatch, source, expected):
    # A file placed in the store layer that imports upward is caught, lazily or not.
    fake = PACKAGE / "store" / "x.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    found = violations([fake], lambda p: LAYERS["store"])
    assert [f.split(" (")[0].replace("analytics/", "", 1) for f in found] == expected


def test_every_package_says_what_it_is():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.relative_to(ROOT)} needs a docstring saying what the package is"


def test_no_module_over_400_lines_without_a_reason():
    # A longer module says why at its top ("Longer than 400 lines because ...").
    long = []
    for path in sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "sample_data").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400 and "Longer than 400 lines because" not in text[:3000]:
            long.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert long == []
