"""Only analytics/app/ imports Streamlit: the rest of analytics runs from the CLI or a
notebook without it. Read with ast, so a new import anywhere else fails here."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def _imports_streamlit(path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name.split(".")[0] == "streamlit" for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            return True
    return False


def test_only_the_app_package_imports_streamlit():
    package = ROOT / "analytics"
    offenders = [
        str(p.relative_to(ROOT))
        for p in sorted(package.rglob("*.py"))
        if _imports_streamlit(p) and (package / "app") not in p.parents
    ]
    assert offenders == []
    assert _imports_streamlit(package / "app" / "state.py")  # the check can see an import
