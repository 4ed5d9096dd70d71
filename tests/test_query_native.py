"""graph/native.py: run_query on an oxrdflib Dataset goes straight to pyoxigraph and gives the
same answers, as the same rdflib terms, as rdflib's `Dataset.query` through oxrdflib."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import XSD

from graph import native
from graph.errors import QueryError
from graph.query import QueryResult, parse_query_text, run_query
from graph.store import dataset_from_trig

TRIG = """
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:g1 { ex:a ex:label "Alpha"@en , "Alpha" ; ex:n 7 ; ex:d 0.50 ; ex:knows ex:b , _:x .
        ex:a ex:when "2023-10-09T00:00:00"^^xsd:dateTime ; ex:ok true . }
ex:g2 { ex:a ex:label "Alpha"@en . ex:b ex:label "Beta" . _:x ex:label "someone" . }
"""

SELECT = """# param: who (iri, optional) -- a node
PREFIX ex: <https://example.org/>
SELECT DISTINCT ?who ?p ?o ?label WHERE {
  ?who ?p ?o . OPTIONAL { ?o ex:label ?label }
} ORDER BY ?who ?p ?o ?label
"""


@pytest.fixture()
def ds() -> Dataset:
    return dataset_from_trig(TRIG)


def both(query_text: str, ds: Dataset, monkeypatch: pytest.MonkeyPatch,
         **params: str) -> tuple[QueryResult, QueryResult]:
    query = parse_query_text(query_text, name="q")
    fast = run_query(query, ds, params)
    with monkeypatch.context() as patch:
        patch.setattr(native, "native_store", lambda _ds: None)
        slow = run_query(query, ds, params)
    return fast, slow


def _kinds(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [[(type(t), getattr(t, "datatype", None), getattr(t, "language", None))
             for t in row] for row in rows]


def test_query_native_store_found_only_for_oxrdflib_union_datasets(ds: Dataset) -> None:
    assert native.native_store(ds) is not None
    assert native.native_store(dataset_from_trig(TRIG, "memory")) is None
    assert native.native_store(Dataset(store="Oxigraph")) is None  # default graph not union


def test_query_native_select_same_terms(ds: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both(SELECT, ds, monkeypatch)
    assert fast.columns == slow.columns == ["who", "p", "o", "label"]
    assert fast.rows == slow.rows and len(fast.rows) >= 8
    assert _kinds(fast.rows) == _kinds(slow.rows)
    cells = {t for row in fast.rows for t in row}
    assert Literal("Alpha", lang="en") in cells and Literal("Alpha", datatype=XSD.string) in cells
    assert Literal("7", datatype=XSD.integer) in cells and None in cells
    assert any(isinstance(t, BNode) for t in cells)


def test_query_native_bindings_are_substitutions(ds: Dataset,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both(SELECT, ds, monkeypatch, who="<https://example.org/b>")
    assert fast.rows == slow.rows
    assert {row[0] for row in fast.rows} == {URIRef("https://example.org/b")}


def test_query_native_ask_and_construct(ds: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both("PREFIX ex: <https://example.org/>\nASK { ex:a ex:n 7 }", ds, monkeypatch)
    assert fast.boolean is True and slow.boolean is True
    text = ("PREFIX ex: <https://example.org/>\n"
            "CONSTRUCT { ?s ex:name ?l } WHERE { ?s ex:label ?l }")
    fast, slow = both(text, ds, monkeypatch)
    assert fast.rows == slow.rows and len(fast.rows) == 4  # "Alpha"@en once, not per graph
    assert _kinds(fast.rows) == _kinds(slow.rows)


def test_query_native_uses_the_datasets_prefixes(ds: Dataset,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # no PREFIX for rdfs or xsd: rdflib's Dataset binds them, and oxrdflib passes them on
    text = "SELECT ?n WHERE { ?s <https://example.org/n> ?n FILTER(datatype(?n) = xsd:integer) }"
    fast, slow = both(text, ds, monkeypatch)
    assert fast.rows == slow.rows == [(Literal("7", datatype=XSD.integer),)]


def test_query_native_engine_errors_name_the_query(ds: Dataset,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: Any) -> Any:
        raise OSError("store gone")

    monkeypatch.setattr(native, "query", fail)
    with pytest.raises(QueryError, match=r"<bad>: the query failed: OSError: store gone"):
        run_query(parse_query_text("SELECT ?x WHERE { ?x ?p ?o }", name="bad"), ds)
