"""`rkg query FILE.rq` runs every SPARQL query form, SELECT * included, on both engines, and
refuses what Oxigraph would send out (a SERVICE hidden behind a comment that ends at \\r)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli

DATA = "https://w3id.org/refoulement-kg/id/"
TRIG = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{DATA}graph/one> {{
  <{DATA}state/a> rdfs:label "Alpha"@en ; <{DATA}rank> 1 .
  <{DATA}state/b> rdfs:label "Beta"@en ; <{DATA}rank> 2 .
}}
"""


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("forms")
    (folder / "graph.trig").write_text(TRIG, encoding="utf-8")
    return folder


def _run(build: Path, tmp_path: Path, text: str, store: str, fmt: str = "json"
         ) -> tuple[int, str]:
    query = tmp_path / "q.rq"
    query.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(query), "--graph", str(build), "--format",
                                      fmt, "--store", store])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_query_select_star(build: Path, tmp_path: Path, store: str) -> None:
    code, out = _run(build, tmp_path, f"SELECT * WHERE {{ ?s <{DATA}rank> ?rank }} "
                                      "ORDER BY ?rank", store)
    assert code == 0, out
    answer = json.loads(out)
    assert answer["columns"] == ["rank", "s"] or answer["columns"] == ["s", "rank"]
    assert [row["rank"] for row in answer["rows"]] == [1, 2]
    assert answer["rows"][0]["s"] == f"{DATA}state/a"


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_query_select_named_columns(build: Path, tmp_path: Path, store: str) -> None:
    code, out = _run(build, tmp_path, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                     "SELECT ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label", store)
    assert code == 0, out
    assert [row["label"] for row in json.loads(out)["rows"]] == ["Alpha", "Beta"]


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_query_ask(build: Path, tmp_path: Path, store: str) -> None:
    code, out = _run(build, tmp_path, f"ASK {{ <{DATA}state/a> ?p ?o }}", store)
    assert code == 0 and json.loads(out)["answer"] is True
    code, out = _run(build, tmp_path, f"ASK {{ <{DATA}state/zz> ?p ?o }}", store, "table")
    assert code == 0 and out.splitlines()[0] == "false"


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_query_construct(build: Path, tmp_path: Path, store: str) -> None:
    code, out = _run(build, tmp_path, f"CONSTRUCT {{ ?s <urn:x:ranked> ?r }} WHERE {{ "
                                      f"?s <{DATA}rank> ?r }}", store)
    assert code == 0, out
    answer = json.loads(out)
    assert answer["columns"] == ["subject", "predicate", "object"]
    assert [(r["subject"], r["predicate"], r["object"]) for r in answer["rows"]] == [
        (f"{DATA}state/a", "urn:x:ranked", 1), (f"{DATA}state/b", "urn:x:ranked", 2)]


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_query_describe(build: Path, tmp_path: Path, store: str) -> None:
    code, out = _run(build, tmp_path, f"DESCRIBE <{DATA}state/b>", store)
    assert code == 0, out
    rows = json.loads(out)["rows"]
    assert {r["predicate"] for r in rows} == {"http://www.w3.org/2000/01/rdf-schema#label",
                                              f"{DATA}rank"}
    assert {r["subject"] for r in rows} == {f"{DATA}state/b"}


def test_query_file_with_service_behind_a_carriage_return_is_refused(
        build: Path, tmp_path: Path) -> None:
    code, out = _run(build, tmp_path, "SELECT * WHERE { ?s ?p ?o # \r SERVICE "
                                      "<http://127.0.0.1:9/x> { ?a ?b ?c } # \n }", "oxigraph")
    assert code != 0 and "SERVICE" in out and "refused" in out
