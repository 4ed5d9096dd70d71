"""graph.query without a build: headers, typed parameters, refusals, errors with positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.errors import QueryError
from graph.query import (
    QueryRefused,
    bind_params,
    cell_value,
    check_safe,
    format_result,
    load_query,
    parse_param_options,
    parse_query_text,
    resolve,
    run_query,
)
from graph.store import dataset_from_trig

HEADER = """# title: Things of a kind
# question: Which things are there,
#   of which kind?
# param: kind (iri, optional) -- the class
# param: since (date, default 2001) -- from this period
# param: until (date-end, optional) -- before the end of this period
# param: n (integer, optional) -- a number
# param: label (string, optional) -- a label
# lists: names
# example: rkg query things --param kind=rkg:State
PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
PREFIX ex: <http://example.org/>
"""

QUERY = HEADER + """SELECT ?thing ?names ?kind ?since ?until ?n ?label WHERE {
  ?thing a ?kind .
  OPTIONAL { SELECT ?thing (GROUP_CONCAT(DISTINCT STR(?l); separator=" | ") AS ?names)
             WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?l } GROUP BY ?thing }
  OPTIONAL { ?thing rkg:date ?date }
  FILTER(!COALESCE(sameTerm(?since, ?since), false) || COALESCE(?date >= ?since, false))
  FILTER(!COALESCE(sameTerm(?until, ?until), false) || COALESCE(?date < ?until, false))
} ORDER BY ?thing
"""

DATA = """
@prefix rkg: <https://w3id.org/refoulement-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/g> {
  <http://example.org/a> a rkg:State ; rdfs:label "A" , "Alpha" ;
      rkg:date "2005-06-01T00:00:00"^^xsd:dateTime .
  <http://example.org/b> a rkg:State ; rdfs:label "B" ;
      rkg:date "1999-01-01T00:00:00"^^xsd:dateTime .
  <http://example.org/c> a rkg:NGO ; rkg:date "2010-01-01T00:00:00"^^xsd:dateTime .
}
"""


@pytest.fixture()
def things(tmp_path: Path) -> Path:
    path = tmp_path / "things.rq"
    path.write_text(QUERY, encoding="utf-8")
    return path


def test_query_header_is_read(things: Path) -> None:
    query = load_query(things)
    assert query.name == "things" and query.form == "SELECT"
    assert query.title == "Things of a kind"
    assert query.question == "Which things are there, of which kind?"
    assert [p.name for p in query.params] == ["kind", "since", "until", "n", "label"]
    since = query.param("since")
    assert since is not None and since.default == "2001" and not since.required
    assert query.lists == ("names",)
    assert query.examples == ("rkg query things --param kind=rkg:State",)


def test_query_params_are_typed_rdf_terms(things: Path) -> None:
    query = load_query(things)
    bound = bind_params(query, {"kind": "rkg:State", "until": "2005-06", "n": "7",
                                "label": 'x" } DROP ALL #'})
    assert bound["kind"] == URIRef("https://w3id.org/refoulement-kg/ontology#State")
    assert bound["since"] == Literal("2001-01-01T00:00:00", datatype=XSD.dateTime)
    assert bound["until"] == Literal("2005-07-01T00:00:00", datatype=XSD.dateTime)
    assert bound["n"] == Literal(7, datatype=XSD.integer)
    # a string parameter stays one literal, whatever it contains
    assert bound["label"] == Literal('x" } DROP ALL #')
    assert bind_params(query, {"kind": "<http://example.org/K>"})["kind"] == URIRef(
        "http://example.org/K")
    assert bind_params(query, {"kind": "ex:K"})["kind"] == URIRef("http://example.org/K")
    assert bind_params(query, {"until": "2023"})["until"] == Literal(
        "2024-01-01T00:00:00", datatype=XSD.dateTime)
    assert bind_params(query, {"until": "2023-12-31"})["until"] == Literal(
        "2024-01-01T00:00:00", datatype=XSD.dateTime)


@pytest.mark.parametrize(("params", "message"), [
    ({"kind": "State"}, "is not an IRI"),
    ({"kind": "nope:State"}, "unknown prefix 'nope'"),
    ({"kind": "http://x/a b"}, "is not an IRI"),
    ({"since": "2023-13"}, "not a valid date"),
    ({"since": "yesterday"}, "is not a date"),
    ({"n": "seven"}, "is not an integer"),
    ({"colour": "red"}, "unknown parameter(s) colour"),
])
def test_query_params_ill_typed_or_unknown_are_refused(things: Path, params: dict[str, str],
                                                       message: str) -> None:
    query = load_query(things)
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        bind_params(query, params)


def test_query_required_param_missing_says_which(tmp_path: Path) -> None:
    path = tmp_path / "one.rq"
    path.write_text("# title: One\n# param: node (iri, required) -- the node\n"
                    "SELECT ?p ?node WHERE { ?node ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"one: missing parameter\(s\): --param node=<iri> "
                                         r"\(node: the node\)"):
        bind_params(load_query(path), {})


def test_query_param_options_from_the_command_line() -> None:
    assert parse_param_options(["a=1", "b=x=y"]) == {"a": "1", "b": "x=y"}
    with pytest.raises(QueryError, match="expected NAME=VALUE"):
        parse_param_options(["novalue"])
    with pytest.raises(QueryError, match="given twice"):
        parse_param_options(["a=1", "a=2"])


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_query_runs_with_bound_params_on_both_stores(things: Path, store: str) -> None:
    ds = dataset_from_trig(DATA, store)
    query = load_query(things)
    result = run_query(query, ds, {"kind": "rkg:State"})
    records = result.records()
    assert [r["thing"] for r in records] == ["http://example.org/a"]  # since 2001 by default
    assert records[0]["names"] == ["A", "Alpha"]
    assert "kind" not in records[0]  # parameters are echoed once, not in every row
    older = run_query(query, ds, {"kind": "rkg:State", "since": "1990", "until": "2000"})
    assert [r["thing"] for r in older.records()] == ["http://example.org/b"]
    assert '"kind": "rkg:State"' in format_result(older, "json")


def test_query_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("# title: Broken\nPREFIX ex: <http://example.org/>\n"
                    "SELECT ?s WHERE {\n  ?s ex:p \n}\n", encoding="utf-8")
    with pytest.raises(QueryError, match=rf"{path}:\d+:\d+: SPARQL syntax error"):
        load_query(path)


@pytest.mark.parametrize(("text", "what"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { service silent <http://x/> { ?a ?b ?c } } }",
     "SERVICE"),
    ("SELECT * FROM <http://127.0.0.1:1/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://127.0.0.1:1/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("LOAD <http://127.0.0.1:1/data.ttl>", "updates"),
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "updates"),
    ("DELETE WHERE { ?s ?p ?o }", "updates"),
    ("CLEAR ALL", "updates"),
    ('SELECT ?x WHERE { BIND("\\u0022 AS ?x) } #" AS ?x) }', "escape"),
])
def test_query_unsafe_queries_are_refused(text: str, what: str) -> None:
    with pytest.raises(QueryRefused, match=what):
        check_safe(text, "user.rq")


def test_query_param_must_be_projected_and_never_assigned() -> None:
    with pytest.raises(QueryError, match=r"\?kind must be in the SELECT clause"):
        parse_query_text("# param: kind (iri, optional)\nSELECT ?s WHERE { ?s a ?kind }")
    with pytest.raises(QueryError, match=r"\?kind must not be assigned"):
        parse_query_text("# param: kind (iri, optional)\n"
                         "SELECT ?s ?kind WHERE { ?s a ?k BIND(?k AS ?kind) }")
    with pytest.raises(QueryError, match="unknown type 'colour'"):
        parse_query_text("# param: kind (colour, optional)\nSELECT ?kind WHERE { ?s a ?kind }")
    with pytest.raises(QueryError, match="bad default"):
        parse_query_text("# param: n (integer, default x)\nSELECT ?n WHERE { ?s ?p ?n }")


def test_query_resolve_by_name_or_file(things: Path) -> None:
    assert resolve("timeline").name == "timeline"
    assert resolve(str(things)).name == "things"
    with pytest.raises(QueryError, match="no query named 'no-such-query'"):
        resolve("no-such-query")
    with pytest.raises(QueryError, match="no such query file"):
        resolve("missing.rq")


def test_query_cell_values_are_plain_and_canonical() -> None:
    assert cell_value(Literal("0.80", datatype=XSD.decimal)) == "0.8"
    assert cell_value(Literal("600", datatype=XSD.integer)) == 600
    assert cell_value(Literal("x", datatype=XSD.string)) == "x"
    assert cell_value(Literal("true", datatype=XSD.boolean)) is True
    assert cell_value(Literal("b | a | b"), is_list=True) == ["a", "b"]
    assert cell_value(None, is_list=True) == []


def test_query_docs_document_every_pack_query_and_rule() -> None:
    from graph.query import load_pack

    docs = (Path(__file__).resolve().parent.parent / "docs" / "queries.md").read_text(
        encoding="utf-8")
    for name, query in load_pack().items():
        assert f"### `{name}` — {query.title}" in docs, f"docs/queries.md lacks {name}"
        assert f"$ {query.examples[0]} --format md" in docs
    for rule in ("01-located-in.rq", "02-is-party-to.rq", "03-bound-by-norm.rq",
                 "04-possible-breach.rq"):
        assert rule in docs
