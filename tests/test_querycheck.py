"""The safety check's verdict is cached per query text (fast `rkg query`); refused and broken
queries are never cached, and a cached verdict gives the same QueryDef."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from graph.errors import QueryError
from graph.query import QueryRefused, parse_query_text

SELECT = """# title: Names
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?thing ?name WHERE { ?thing rdfs:label ?name } ORDER BY ?name
"""


def test_querycheck_caches_a_safe_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setenv("RKG_CACHE_DIR", str(tmp_path))
    first = parse_query_text(SELECT, name="names")
    files = list((tmp_path / "queries").glob("*.json"))
    assert len(files) == 1
    # the module (`graph.query` is also the name of a function of the package's API)
    query = importlib.import_module("graph.query")

    def no_parse(*_args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(query, "check_safe", no_parse)
    assert parse_query_text(SELECT, name="names") == first
    with pytest.raises(AssertionError):  # another text is parsed
        parse_query_text(SELECT.replace("?name }", "?name . }"), name="names")


def test_querycheck_never_caches_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setenv("RKG_CACHE_DIR", str(tmp_path))
    service = SELECT.replace("{ ?thing", "{ SERVICE <http://127.0.0.1:9/x> { ?thing ?p ?o } ?thing")
    for _ in range(2):
        with pytest.raises(QueryRefused):
            parse_query_text(service)
        with pytest.raises(QueryError):
            parse_query_text("SELECT ?x WHERE { ?x")
    assert not list((tmp_path / "queries").glob("*.json"))


def test_querycheck_key_follows_the_guard_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    """A changed graph/guard.py (which check_safe calls) must not reuse older verdicts."""
    monkeypatch.setenv("RKG_CACHE_DIR", str(tmp_path / "cache"))
    parse_query_text(SELECT, name="names")
    from graph import guard

    edited = tmp_path / "guard.py"
    edited.write_bytes(Path(guard.__file__).read_bytes() + b"\n# a stricter guard\n")
    monkeypatch.setattr(guard, "__file__", str(edited))
    parse_query_text(SELECT, name="names")
    assert len(list((tmp_path / "cache" / "queries").glob("*.json"))) == 2
